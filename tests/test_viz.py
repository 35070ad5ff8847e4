"""`kg viz` and `kg chart` as a library and a command: what a picture shows of what exists, names
resolved as everywhere else, claims unfolded, files written atomically and never into the store;
the same pictures and claims on Neo4j. tests/test_viz_browser.py opens the pages in Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HOSTILE_SENTENCE, HOSTILE_TITLE, SEEDS, hub_graph, needs_seeds, write_hostile_listing
from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.model import Relationship, RelType
from graph.outfile import write_atomic
from graph.pictures.chart import ClaimsChart
from graph.pictures.view import neighbourhood_view, overview_view
from graph.store import StoreError
from queries.catalog import NameNotFound, QueryError

KG = str(Path(sys.executable).with_name("kg"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("viz")
    path = directory / "kg"
    with KnowledgeGraph.open(Settings(store=path)) as kg:
        kg.load([write_hostile_listing(directory)])
    return path


@pytest.fixture
def kg(store: Path) -> KnowledgeGraph:
    return KnowledgeGraph.open(Settings(store=store))


def run(store: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(store.parent), "LANG": "C.UTF-8"}
    return subprocess.run([KG, "--store", str(store), *args], capture_output=True, text=True, env=env,
                          cwd=cwd or store.parent, timeout=120)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


# ---- neighbourhoods and the overview ----------------------------------------------------------


def test_a_neighbourhood_starts_at_the_named_node_and_counts_what_exists(kg: KnowledgeGraph) -> None:
    view = kg.visualize("VLLM")  # any spelling, as in kg show
    stats = kg.stats()
    assert view.nodes[0].caption == "vLLM" and view.nodes[0].distance == 0 and view.focus == "system:vllm"
    assert [n.distance for n in view.nodes] == sorted(n.distance or 0 for n in view.nodes)
    assert view.total_nodes == sum(stats.nodes.values()) and view.total_relationships == sum(stats.relationships.values())
    assert view.counts == f"showing {len(view.nodes)} of {view.total_nodes} nodes and {len(view.relationships)} of {view.total_relationships} relationships"
    shown = {n.key for n in view.nodes}
    assert all(r.start in shown and r.end in shown for r in view.relationships)
    papers = {n.name for n in view.nodes if n.distance == 1 and n.label == "Paper"}
    assert HOSTILE_TITLE in papers  # compares against vLLM
    hardware = {n.name for n in view.nodes if n.distance == 2 and n.label == "Hardware"}
    assert "A100" in hardware  # what those papers target


def test_relationships_carry_their_claims_and_citation(kg: KnowledgeGraph) -> None:
    view = kg.visualize("vLLM", depth=1)
    hostile = next(n for n in view.nodes if n.name == HOSTILE_TITLE)
    rel = next(r for r in view.relationships if r.start == hostile.key)
    assert rel.type == "COMPARES_TO"
    assert rel.properties["claims"] == "3.1× throughput (higher)"
    assert rel.properties["evidence"] == HOSTILE_SENTENCE
    assert rel.properties["cited at"] == "hostile_listing.txt:55"
    fact = hostile.properties["→ COMPARES_TO vLLM"]  # the node's panel lists its facts too
    assert HOSTILE_SENTENCE in fact and "hostile_listing.txt:55" in fact
    assert hostile.properties["title"] == HOSTILE_TITLE  # raw text: the page escapes it once


def test_rel_and_label_filters_keep_the_named_node(kg: KnowledgeGraph) -> None:
    view = kg.visualize("vLLM", rels="compares_to,TARGETS", labels=["Paper", "hardware"])
    assert {r.type for r in view.relationships} <= {"COMPARES_TO", "TARGETS"}
    assert {n.label for n in view.nodes} == {"System", "Paper", "Hardware"}
    assert [n.label for n in view.nodes if n.label == "System"] == ["System"]  # vLLM alone
    assert "over COMPARES_TO, TARGETS" in view.note


def test_max_nodes_caps_the_farthest_and_says_what_it_left_out(kg: KnowledgeGraph) -> None:
    full = kg.visualize("vLLM")
    capped = kg.visualize("vLLM", max_nodes=3)
    assert len(capped.nodes) == 3 and len(full.nodes) > 3
    assert f"{len(full.nodes) - 3} left out by --max-nodes 3" in capped.note
    assert [n.key for n in capped.nodes] == [n.key for n in full.nodes[:3]]


def test_the_overview_shows_the_most_connected_nodes_and_what_it_left_out(kg: KnowledgeGraph) -> None:
    view = kg.visualize(max_nodes=10)
    assert 0 < len(view.nodes) <= 10 and view.focus is None
    assert "most connected" in view.note and "left out:" in view.note
    degree = {n.key: n.degree for n in view.nodes}
    assert all(d > 0 for d in degree.values())
    assert view.nodes[0].degree == max(degree.values())


def test_an_unknown_name_raises_with_suggestions(kg: KnowledgeGraph) -> None:
    with pytest.raises(NameNotFound) as info:
        kg.visualize("vLMM")
    assert "vLLM" in info.value.suggestions
    with pytest.raises(QueryError, match="unknown relationship type 'CITES'"):
        kg.visualize("vLLM", rels="CITES")
    with pytest.raises(QueryError, match="depth must be 1 to 3"):
        kg.visualize("vLLM", depth=4)


def test_a_view_renders_inline_in_a_notebook_and_as_a_page(kg: KnowledgeGraph, tmp_path: Path) -> None:
    view = kg.visualize("vLLM")
    inline = view._repr_html_()
    assert inline.startswith("<iframe srcdoc=") and "&lt;script" in inline
    page = view.save(tmp_path / "v.html").read_text(encoding="utf-8")
    assert page.count("<script>alert(1)</script>") == 0  # the title is data, escaped once
    assert "SplitServe \\u003c/script>\\u003cscript>alert(1)\\u003c/script> &amp; Merge" in page


# ---- pictures for a slide -----------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n"


def test_compares_to_edges_are_captioned_with_their_best_claim(kg: KnowledgeGraph) -> None:
    from graph.pictures.view import relationship_caption

    view = kg.visualize("vLLM", depth=1)
    hostile = next(n for n in view.nodes if n.name == HOSTILE_TITLE)
    assert next(r for r in view.relationships if r.start == hostile.key).caption == "3.1× throughput"
    bare = next(r for r in kg.visualize("Medusa", depth=1).relationships if r.type == "COMPARES_TO")
    assert "claims" not in bare.properties and bare.caption == "compared"  # no number: a short word
    assert {r.caption for r in kg.visualize("A100", depth=1).relationships if r.type == "TARGETS"} == {"TARGETS"}
    nodes, rels = hub_graph()
    captions = {r.start: relationship_caption(r) for r in rels if r.type == RelType.COMPARES_TO}
    assert captions == {"paper:near0": "1.78× throughput", "paper:near1": "2.08% accuracy", "paper:near2": "compared"}
    several = Relationship(type=RelType.COMPARES_TO, start="paper:a", end="system:b", properties={
        "claims": ["40% memory", "1.2× speed", "3.7× latency"], "claim_values": [40.0, 1.2, 3.7], "claim_units": ["%", "x", "x"]})
    assert relationship_caption(several) == "3.7× latency"  # a factor before a percentage, the largest first


def test_a_hub_beyond_the_focus_is_folded_into_one_more_node() -> None:
    nodes, rels = hub_graph(papers=30)
    view = neighbourhood_view(nodes, rels, focus="system:engine", depth=3)
    drawn = {n.key for n in view.nodes}
    assert "paper:far00" in drawn  # also reached through the technique, which is no hub
    assert not any(k.startswith("paper:far") and k != "paper:far00" for k in drawn)
    more = next(n for n in view.nodes if n.label == "More")
    assert (more.caption, more.distance, more.key) == ("+29 more", 3, "more:hardware:accel")
    link = next(r for r in view.relationships if more.key in (r.start, r.end))
    assert (link.start, link.end, link.type) == (more.key, "hardware:accel", "TARGETS")  # the folded papers target it
    [fold] = view.folds
    assert fold.key == more.key and fold.hub == "hardware:accel" and len(fold.nodes) == 29
    assert {r.end for r in fold.relationships} == {"hardware:accel"} and len(fold.relationships) == 29
    places = {(n.x, n.y) for n in view.nodes} | {(n.x, n.y) for n in fold.nodes}
    assert len(places) == len(view.nodes) + 29  # the folded nodes have places of their own, off the drawn ones
    assert "29 folded into 1 '+N more' node" in view.note and view.counts.startswith(f"showing {len(view.nodes) - 1} of 36 nodes")
    assert not neighbourhood_view(nodes, rels, focus="system:engine", depth=2).folds  # the hub's papers are 3 steps out
    beside = neighbourhood_view(nodes, rels, focus="paper:near1", depth=2)  # the hub one step out: folded too
    assert [n.caption for n in beside.nodes if n.label == "More"] == ["+30 more"]  # far00 too: the technique is 3 steps out
    small = neighbourhood_view(*hub_graph(papers=6), focus="system:engine", depth=3)
    assert not small.folds and len(small.nodes) == 12  # a node with few links is no hub


def test_the_overview_folds_what_hangs_on_a_hub_alone() -> None:
    nodes, rels = hub_graph(papers=30)
    view = overview_view(nodes, rels)
    assert [n.caption for n in view.nodes if n.label == "More"] == ["+29 more"]
    assert "paper:far05" not in {n.key for n in view.nodes} and "paper:far00" in {n.key for n in view.nodes}
    assert len(view.folds[0].nodes) == 29


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    kg = KnowledgeGraph.open(Settings(store=tmp_path_factory.mktemp("seeds") / "kg"))
    kg.load([SEEDS])
    return kg


@needs_seeds
def test_the_seeds_at_depth_3_draw_no_hub_s_hangers_on(seeded: KnowledgeGraph) -> None:
    from graph.pictures.fold import HUB_CHILDREN

    for view in (seeded.visualize("vLLM", depth=3), seeded.visualize()):
        assert len(view.nodes) <= 60 and view.folds
        drawn = {n.key: n for n in view.nodes}
        links: dict[str, set[str]] = {k: set() for k in drawn}
        for r in view.relationships:
            links[r.start].add(r.end)
            links[r.end].add(r.start)
        for key, node in drawn.items():  # no node (the focus aside) has more than HUB_CHILDREN drawn nodes hanging on it alone
            if key != view.focus and node.label != "More":
                alone = [k for k in links[key] if links[k] == {key} and drawn[k].label != "More"]
                assert len(alone) <= HUB_CHILDREN, (node.caption, len(alone))
    assert sum(len(f.nodes) for f in seeded.visualize("vLLM", depth=3).folds) >= 100


def test_a_view_prints_in_one_short_line(kg: KnowledgeGraph) -> None:
    view = kg.visualize("vLLM")
    assert repr(view) == f"<GraphView vLLM depth 2: {len(view.nodes)} nodes, {len(view.relationships)} edges>"
    assert str(view) == repr(view) and repr(kg.visualize(max_nodes=10)).startswith("<GraphView overview: ")
    assert repr(view.nodes[0]) == "<ViewNode System 'vLLM' distance 0>"
    hostile = next(r for r in view.relationships if r.caption == "3.1× throughput")
    assert repr(hostile) == "<ViewRelationship 'SplitServe…' -[COMPARES_TO 3.1× throughput]-> 'vLLM'>"
    nodes, rels = hub_graph()
    folded = neighbourhood_view(nodes, rels, focus="system:engine", depth=3)
    assert len(repr(folded)) < 80 and len(str(folded.nodes)) < 80 * len(folded.nodes) and "Long text" not in repr(folded.folds)


def test_a_neighbourhood_is_drawn_offline_as_png_and_svg(kg: KnowledgeGraph, tmp_path: Path) -> None:
    from graph.pictures.drawing import figure

    view = kg.visualize("vLLM")
    assert view.save(tmp_path / "v.png").read_bytes()[:8] == PNG
    svg = view.save(tmp_path / "v.svg").read_bytes()
    assert b"<svg" in svg[:400] and b'id="focus:system:vllm"' in svg
    with pytest.raises(StoreError, match=r"\.html, \.png or \.svg"):
        view.save(tmp_path / "v.pdf")
    texts = {t.get_gid(): t for t in figure(view).findobj(lambda a: bool(getattr(a, "get_gid", lambda: None)()))}
    for node in view.nodes:  # every caption drawn whole: its lines break between words only
        drawn = texts[f"caption:{node.key}"].get_text()
        assert drawn.replace("\n", " ") == node.caption, drawn
    hostile = next(r for r in view.relationships if r.caption == "3.1× throughput")
    assert texts[f"edge:{hostile.id}"].get_text() == "3.1× throughput"
    assert texts["caption:system:vllm"].get_fontweight() == "bold" and "focus:system:vllm" in texts
    nodes, rels = hub_graph()
    folded = figure(neighbourhood_view(nodes, rels, focus="system:engine", depth=3))
    assert "+29 more" in [t.get_text() for t in folded.findobj(lambda a: getattr(a, "get_gid", lambda: None)() == "caption:more:hardware:accel")]


def test_the_chart_image_title_says_against_once(kg: KnowledgeGraph) -> None:
    chart = kg.chart("vLLM")
    assert chart.image_title.startswith("Claims against vLLM: ") and chart.image_title.count("against") == 1


# ---- claims ------------------------------------------------------------------------------------


def test_claims_unfold_every_number_with_its_citation(kg: KnowledgeGraph) -> None:
    rows = kg.claims("vllm")
    texts = sorted(c.claim for c in rows if c.claim)
    expected = sorted(c for r in kg.query("papers-comparing-to", name="vLLM") for c in r["claims"])
    assert texts == expected and texts
    hostile = next(c for c in rows if c.paper == HOSTILE_TITLE)
    assert (hostile.value, hostile.unit, hostile.metric, hostile.direction) == (3.1, "x", "throughput", "higher")
    assert (hostile.evidence, hostile.cited_at) == (HOSTILE_SENTENCE, "hostile_listing.txt:55")
    with pytest.raises(NameNotFound):
        kg.claims("vLMM")


def test_a_chart_writes_html_png_and_svg(kg: KnowledgeGraph, tmp_path: Path) -> None:
    chart = kg.chart("vLLM")
    assert isinstance(chart, ClaimsChart) and chart.summary.startswith(f"{len(chart.plotted)} claims from ")
    page = chart.save(tmp_path / "c.html").read_text(encoding="utf-8")
    assert HOSTILE_SENTENCE in page and "hostile_listing.txt:55" in page
    assert "SplitServe &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; Merge" in page  # once
    assert "<script>alert(1)</script>" not in page
    assert chart.save(tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in chart.save(tmp_path / "c.svg").read_bytes()[:400]
    with pytest.raises(StoreError, match=r"\.html, \.png or \.svg"):
        chart.save(tmp_path / "c.pdf")


# ---- writing files -----------------------------------------------------------------------------


def test_writes_are_atomic_and_leave_nothing_behind_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "page.html"
    target.write_text("old", encoding="utf-8")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(StoreError, match="No space left"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old" and os.listdir(tmp_path) == ["page.html"]


def test_output_is_never_written_into_the_store(store: Path) -> None:
    before = (store / "graph.sqlite").read_bytes()
    for args in (["viz", "vLLM", "-o", str(store / "graph.sqlite")], ["chart", "vLLM", "-o", str(store / "x.html")]):
        assert "inside the store" in one_line_error(run(store, *args))
    assert (store / "graph.sqlite").read_bytes() == before
    assert not [f for f in os.listdir(store) if f.endswith((".html", ".tmp")) or f.startswith(".graph-")]


# ---- the command line --------------------------------------------------------------------------


def test_cli_viz_and_chart_write_their_pages(store: Path, tmp_path: Path) -> None:
    result = run(store, "viz", "vllm", "--rel", "COMPARES_TO", "--rel", "TARGETS", "-o", str(tmp_path / "v.html"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote {tmp_path / 'v.html'}: showing ")
    assert "kg-viz-counts" in (tmp_path / "v.html").read_text(encoding="utf-8")
    result = run(store, "viz", cwd=tmp_path)  # the default file: out/graph.html
    assert result.returncode == 0 and (tmp_path / "out" / "graph.html").is_file()
    result = run(store, "chart", "vLLM", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "out" / "vllm-claims.html").is_file()
    assert "claims from" in result.stdout


def test_cli_viz_draws_png_and_svg(store: Path, tmp_path: Path) -> None:
    result = run(store, "viz", "vLLM", "--png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "vllm.png").read_bytes()[:8] == PNG and result.stdout.startswith("Wrote out/vllm.png: showing ")
    assert run(store, "viz", "vLLM", "--svg", cwd=tmp_path).returncode == 0 and (tmp_path / "out" / "vllm.svg").is_file()
    assert run(store, "viz", "vLLM", "-o", str(tmp_path / "v.svg")).returncode == 0
    assert b"<svg" in (tmp_path / "v.svg").read_bytes()[:400]


@pytest.mark.parametrize("args, message", [
    (["viz", "vLLM", "-o", "x.pdf"], "the picture is written as .html, .png or .svg"),
    (["viz", "vLLM", "--png", "-o", "x.svg"], "--png and -o x.svg disagree"),
    (["viz", "vLMM"], "nothing in the graph is named 'vLMM'; closest: vLLM"),
    (["viz", "vLLM", "--label", "Person"], "unknown label 'Person'"),
    (["chart", "vLMM"], "no system, hardware or technique is named 'vLMM'; closest: vLLM"),
])
def test_cli_mistakes_are_one_line(store: Path, tmp_path: Path, args: list[str], message: str) -> None:
    assert message in one_line_error(run(store, *args, cwd=tmp_path))


# ---- Neo4j: the same pictures and claims -------------------------------------------------------


@pytest.fixture(scope="module")
def both(neo, store: Path) -> tuple[KnowledgeGraph, KnowledgeGraph]:  # type: ignore[no-untyped-def]
    neo.clear()
    KnowledgeGraph(neo).load([store.parent / "hostile_listing.txt"])
    return KnowledgeGraph(neo), KnowledgeGraph.open(Settings(store=store))


@pytest.mark.neo4j
def test_neo4j_draws_the_same_neighbourhood_and_overview(both: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    neo, embedded = both
    for args in ({"name": "vLLM"}, {"name": "A100", "depth": 1, "labels": "Paper"}, {"max_nodes": 12}):
        a, b = neo.visualize(**args), embedded.visualize(**args)
        assert a.model_dump() == b.model_dump(), args


@pytest.mark.neo4j
def test_neo4j_holds_the_same_claims(both: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    neo, embedded = both
    assert neo.claims("vLLM") == embedded.claims("vLLM") and neo.claims("vLLM")


@pytest.mark.neo4j
def test_a_neo4j_query_result_becomes_a_picture(both: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    neo, _ = both
    view = neo.visualize_cypher("MATCH (p:Paper)-[r:COMPARES_TO]->(s:System {name: $name}) RETURN p, r, s", {"name": "vLLM"})
    names = {n.name for n in view.nodes}
    assert "vLLM" in names and HOSTILE_TITLE in names
    rel = next(r for r in view.relationships if r.properties["from"] == HOSTILE_TITLE)
    assert rel.type == "COMPARES_TO" and rel.properties["evidence"] == HOSTILE_SENTENCE
    assert rel.properties["cited at"] == "hostile_listing.txt:55"
    assert "neo4j-viz-data" in view.to_html()
    with pytest.raises(Exception, match="refused"):
        neo.visualize_cypher("CREATE (x:Scratch) RETURN x")


def test_visualize_cypher_needs_neo4j(kg: KnowledgeGraph) -> None:
    with pytest.raises(StoreError, match="Neo4j"):
        kg.visualize_cypher("MATCH (n) RETURN n")




def test_a_hubs_chart_draws_the_forty_papers_stating_the_largest_numbers_and_counts_the_rest() -> None:
    from graph.claims import ClaimRow

    rows = [ClaimRow(paper=f"Paper {i:03d}", paper_key=f"paper:{i:03d}", baseline="Hub", claim=f"{i}× throughput", value=float(i),
                     unit="x", metric="throughput", direction="higher", evidence=f"Paper {i:03d} is {i}x faster.", source="a.txt", line=i)
            for i in range(1, 121)]
    rows += [ClaimRow(paper="Paper 999", paper_key="paper:999", baseline="Hub")]  # compares without a number
    chart = ClaimsChart(baseline="Hub", rows=rows)
    assert {r.paper_key for r in chart.drawn} == {f"paper:{i:03d}" for i in range(81, 121)}
    assert chart.summary == ("120 claims from 120 papers against Hub; 1 more paper compares without a number; "
                             "the 40 papers stating the largest numbers are drawn")
    page = chart.to_html()
    assert page.count('<tr id="claim-') == 40 and "Paper 120 is 120x faster." in page and "Paper 080 is" not in page
    assert chart.to_image("svg").count(b"Paper 1") >= 40
    small = ClaimsChart(baseline="Hub", rows=rows[:40])
    assert small.drawn == small.rows and "drawn" not in small.summary


def test_without_the_viz_extra_kg_viz_says_how_to_add_it_and_still_draws_png(tmp_path: Path) -> None:
    """neo4j-viz (GPL-3.0-only) is the optional `viz` extra: without it, the graph page is a one-line
    error naming the install command, and the static pictures are drawn all the same."""
    absent = tmp_path / "without-viz" / "neo4j_viz"
    absent.mkdir(parents=True)
    (absent / "__init__.py").write_text("raise ImportError('neo4j-viz is not installed')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(absent.parent), "KG_STORE": str(tmp_path / "kg")}
    kg = [str(Path(sys.executable).with_name("kg"))]
    assert subprocess.run([*kg, "load", "-q", "loaders/examples/example_listing.txt"], env=env, capture_output=True).returncode == 0
    page = subprocess.run([*kg, "viz", "vLLM", "-o", str(tmp_path / "v.html")], env=env, capture_output=True, text=True)
    assert page.returncode == 1 and not (tmp_path / "v.html").exists()
    assert page.stderr.count("\n") == 1 and "pip install 'mlsys-kg[viz]'" in page.stderr and "Traceback" not in page.stderr
    png = subprocess.run([*kg, "viz", "vLLM", "-o", str(tmp_path / "v.png")], env=env, capture_output=True, text=True)
    assert png.returncode == 0 and (tmp_path / "v.png").read_bytes()[:4] == b"\x89PNG", png.stderr
