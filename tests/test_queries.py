"""The canned queries as a user meets them: listed with examples, answering on the seeds, and
finding names however they are spelt (the Neo4j side of each is in test_neo4j.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, needs_seeds
from graph.api import KnowledgeGraph
from graph.config import Settings
from queries.catalog import NameNotFound, QueryError, browser_declaration, canned_queries, get_query, parse_query_file

KG = str(Path(sys.executable).with_name("kg"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "kg"
    KnowledgeGraph.open(Settings(store=path)).load([SEEDS])
    return path


def kg(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KG, "--store", str(store), *args], capture_output=True, text=True, timeout=120)


def test_queries_list_every_parameter_with_an_example(tmp_path: Path) -> None:
    result = kg(tmp_path / "kg", "queries", "--format", "json")
    listed = json.loads(result.stdout)
    assert len(listed) >= 15
    for q in listed:
        assert q["description"] and q["file"].endswith(".cypher")
        assert set(q["example"]) == {p["name"] for p in q["parameters"]}
        for p in q["parameters"]:
            assert p["type"] and p["description"] and p["example"] is not None, (q["name"], p)


def test_every_query_file_is_one_statement_that_runs_with_no_parameter_set() -> None:
    # Neo4j Browser shows rows only for a paste of one statement, and holds the parameters the
    # server declared as null when it connected (browser_declaration): each falls back to its example.
    for q in canned_queries():
        text = Path(q.path).read_text(encoding="utf-8")
        assert ";" not in text and not any(line.startswith(":") for line in text.splitlines()), q.name
        for p in q.parameters:
            assert f"coalesce(${p.name}, " in q.cypher and p.name in browser_declaration(), (q.name, p.name)
            assert p.required or p.example == p.default, (q.name, p.name)  # unset in Browser = left out of kg query
        # Browser joins a statement's lines: a comment after Cypher would hide the lines below it
        assert all(line.lstrip().startswith("//") for line in text.splitlines() if "//" in line.replace("://", "")), q.name


def test_the_readme_shows_the_browser_declaration_for_other_servers() -> None:
    assert browser_declaration() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_queries_that_list_labels_and_types_by_name_list_every_one() -> None:
    # graph-stats and most-compared name labels and types one by one (Neo4j's count and degree
    # stores answer those at once): a label or type added to the model must be added there too
    from graph.model import ENTITY_LABELS, Label, RelType

    stats, compared = get_query("graph-stats").cypher, get_query("most-compared").cypher
    assert all(f"(:{label.value})" in stats for label in Label)
    assert all(f"[:{rtype.value}]" in stats for rtype in RelType)
    assert all(f"(b:{label.value})" in compared for label in ENTITY_LABELS)


@needs_seeds
def test_every_query_answers_its_example_on_the_seeds(store: Path) -> None:
    kgraph = KnowledgeGraph.open(Settings(store=store))
    empty = [q.name for q in canned_queries() if not kgraph.query(q.name, **q.example)]
    assert len(empty) <= 2, empty


@needs_seeds
@pytest.mark.parametrize("typed, found", [("Flash-Attention 2", "FlashAttention-2"), ("llama2", "Llama 2"), ("a100s", "A100")])
def test_show_finds_a_name_however_it_is_spelt(store: Path, typed: str, found: str) -> None:
    result = kg(store, "show", typed)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split(":", 1)[1].split("  [")[0].strip() == found


@needs_seeds
def test_query_parameters_resolve_names_like_the_extractor(store: Path) -> None:
    result = kg(store, "query", "papers-comparing-to", "-p", "name=flash attention 2", "--format", "json")
    rows = json.loads(result.stdout)
    assert rows and {r["baseline"] for r in rows} == {"FlashAttention-2"}


@needs_seeds
def test_an_unknown_name_prints_the_closest_names_instead_of_an_empty_table(store: Path) -> None:
    for args in (["show", "vLMM"], ["query", "papers-comparing-to", "-p", "name=vLMM"]):
        result = kg(store, *args)
        assert result.returncode == 1 and result.stdout == ""
        assert len(result.stderr.splitlines()) == 1 and "closest: vLLM" in result.stderr, result.stderr
    title = kg(store, "query", "paper", "-p", "title=zzqx no such paper")
    assert title.returncode == 1 and "no paper's title contains" in title.stderr


@needs_seeds
def test_show_with_many_matches_shows_one_and_lists_the_rest(store: Path) -> None:
    result = kg(store, "show", "LLM Inference")
    assert result.returncode == 0, result.stderr
    assert "other match(es)" in result.stdout and result.stdout.count("Paper:") <= 12
    one_letter = kg(store, "show", "e")
    assert one_letter.returncode == 1 and "closest" not in one_letter.stderr  # one letter is no part of a title, nor a hint


def test_parameters_are_checked_before_any_query_runs() -> None:
    q = get_query("neighbourhood")
    assert q.bind({"name": "vLLM"}) == {"name": "vLLM", "depth": 1, "limit": 100}
    for bad in ({"name": "x", "depth": "3"}, {"name": "x", "limit": "-1"}, {"name": " "}, {"name": "x", "depth": "1.5"}):
        with pytest.raises(QueryError):
            q.bind(bad)
    with pytest.raises(QueryError, match="at least one word"):
        get_query("search").bind({"q": "?!"})  # Neo4j's full-text index would reject an empty query
    assert get_query("papers-comparing-to").bind({"name": "x", "variants": "no"})["variants"] is False
    assert issubclass(NameNotFound, QueryError)


@pytest.mark.parametrize("body, error", [
    ("MATCH (n {name: $name}) RETURN n.name AS name", "coalesce"),  # Browser would need $name set
    ("MATCH (n {name: coalesce($name, 'vLLM')}) WHERE n.x <> $name RETURN n.name AS name", "coalesce"),
    ("MATCH (n) RETURN n.name AS name", "example for each parameter"),
    ("MATCH (n {name: coalesce($name, 'a')}) WHERE n.x <> coalesce($name, 'b') RETURN n.name AS name", "two examples"),
    (":params {name: 'vLLM'};\nMATCH (n {name: coalesce($name, 'vLLM')}) RETURN n.name AS name", "one Cypher statement"),
    ("MATCH (n {name: coalesce($name, 'vLLM')}) RETURN n.name AS name;", "one Cypher statement"),
    ("MATCH (n {name: coalesce($name, 'vLLM')}) RETURN n.name AS name LIMIT toInteger(coalesce($limit, 5))", "its default, 10"),
])
def test_a_query_file_neo4j_browser_could_not_run_as_pasted_is_refused(tmp_path: Path, body: str, error: str) -> None:
    path = tmp_path / "q.cypher"
    header = "// name: q\n// param: name: entity — a name\n"
    if "$limit" in body:
        header += "// param: limit: int = 10 — how many\n"
    path.write_text(header + body + "\n", encoding="utf-8")
    with pytest.raises(QueryError, match=error):
        parse_query_file(path)


@needs_seeds
def test_every_canned_query_has_a_typed_helper_with_the_same_rows(store: Path) -> None:
    from queries.helpers import HELPERS

    kgraph = KnowledgeGraph.open(Settings(store=store))
    assert set(HELPERS) == {q.name for q in canned_queries()}
    for q in canned_queries():
        rows = HELPERS[q.name](kgraph, **{k.replace("-", "_"): v for k, v in q.example.items()})
        assert [r.model_dump() for r in rows] == kgraph.query(q.name, **q.example), q.name
    frame = HELPERS["leaderboard"](kgraph, "vLLM").to_dataframe()
    assert list(frame.columns)[:5] == ["metric", "unit", "best", "bound", "measured_on"] and len(frame) > 0
    assert set(frame["bound"]) <= {"up to", "average", "range", "at least", "plain"}, "the leaderboard says how each best number is bounded"


#: Helpers whose rows are not edges between two names (counts, rankings, search hits).
NOT_EDGES = {"most-compared", "proposed-then-baseline", "curation-queue", "search", "graph-stats"}


@needs_seeds
def test_every_helpers_rows_make_a_dataframe_a_graph_where_they_are_edges_and_a_short_repr(store: Path) -> None:
    from queries.helpers import HELPERS

    kgraph = KnowledgeGraph.open(Settings(store=store))
    for q in canned_queries():
        rows = HELPERS[q.name](kgraph, **{k.replace("-", "_"): v for k, v in q.example.items()})
        assert len(rows.to_dataframe()) == len(rows), q.name
        assert len(repr(rows)) < 1_000 and f"{len(rows)} " in repr(rows), (q.name, repr(rows)[:2_000])
        if q.name in NOT_EDGES:
            with pytest.raises(TypeError, match="to_dataframe"):
                rows.to_networkx()
        elif rows:
            assert rows.to_networkx().number_of_edges() >= len(rows), q.name
    chains = HELPERS["baseline-chains"](kgraph, "vLLM")
    assert chains and all(chains.to_networkx().has_edge(a, b) for c in chains for a, b in zip(c.chain, c.chain[1:]))


@needs_seeds
def test_the_claims_helper_and_find_return_typed_rows(store: Path) -> None:
    kgraph = KnowledgeGraph.open(Settings(store=store))
    claims = kgraph.claims("vLLM")
    frame = claims.to_dataframe()
    assert list(frame.columns)[:4] == ["paper", "paper_key", "baseline", "claim"] and len(frame) == len(claims) > 10
    assert {b for _, b in claims.to_networkx().edges()} >= {"vLLM"}
    assert len(repr(claims)) < 1_000 and "more (to_dataframe() shows them all)" in repr(claims)
    found = kgraph.find("vLLM")
    assert found.to_dataframe()["label"].tolist() == ["System"] and "vLLM" in repr(found)
    profile = kgraph.show("vLLM")
    assert repr(profile).startswith("<Profile System 'vLLM': ") and len(repr(profile)) < 300
    assert len(profile.to_dataframe()) == len(profile.facts) > 0


@needs_seeds
def test_to_networkx_has_plain_properties_and_no_derived_ones(store: Path) -> None:
    g = KnowledgeGraph.open(Settings(store=store)).to_networkx()
    assert g.nodes["system:vllm"]["label"] == "System" and "lookup" not in g.nodes["system:vllm"]
    assert any(d["type"] == "VARIANT_OF" for _, _, d in g.edges(data=True))


def test_every_query_that_takes_a_name_folds_it_like_the_python_lookup() -> None:
    from graph.lookup import FOLD_CYPHER

    for q in canned_queries():
        for p in q.parameters:
            if p.type in ("entity", "hardware", "paper"):
                fold = re.escape(FOLD_CYPHER).replace(re.escape("{param}"), rf"coalesce\(\${p.name}, '[^']*'\)")
                assert re.search(fold, q.cypher), (q.name, p.name)


@needs_seeds
def test_a_listing_stops_at_its_limit_and_says_so_where_the_rows_are_not(store: Path) -> None:
    everything = json.loads(kg(store, "query", "papers-targeting", "-p", "hardware=GPU", "-p", "limit=100000", "--format", "json").stdout)
    assert len(everything) > 3
    cut = kg(store, "query", "papers-targeting", "-p", "hardware=GPU", "-p", "limit=3", "--format", "json")
    assert cut.returncode == 0 and json.loads(cut.stdout) == everything[:3]
    assert cut.stderr.strip() == "kg: the first 3 rows (the limit); -p limit=N for up to N"
    whole = kg(store, "query", "papers-targeting", "-p", "hardware=GPU", "-p", f"limit={len(everything) + 1}", "--format", "json")
    assert json.loads(whole.stdout) == everything and whole.stderr == ""


# ---- architectures, servers and one node per real thing, on the seeds (issue 22) --------------

ARCHITECTURES_AND_SERVERS = {"Hopper", "Ampere", "Volta", "Turing", "Ada Lovelace", "DGX-2", "DGX A100", "DGX H100"}


@needs_seeds
def test_a_class_groups_its_products_not_architectures_or_servers(store: Path) -> None:
    kgraph = KnowledgeGraph.open(Settings(store=store))
    products = {r["start"] for r in kgraph.query("neighbourhood", name="GPU", depth=1, limit=1000) if r["type"] == "IS_A"}
    assert {"A100", "H100", "V100"} <= products and not ARCHITECTURES_AND_SERVERS & products, products


@needs_seeds
def test_papers_targeting_a_class_still_find_papers_on_its_architectures_and_servers(store: Path) -> None:
    kgraph = KnowledgeGraph.open(Settings(store=store))
    gpu = {r["paper"] for r in kgraph.query("papers-targeting", hardware="GPU", limit=100000)}
    for named in ("Hopper", "Volta", "DGX-2"):
        on_it = {r["paper"] for r in kgraph.query("papers-targeting", hardware=named, limit=100000)}
        assert on_it and on_it <= gpu, named
    rows = kgraph.query("papers-targeting", hardware="GPU", limit=100000)
    assert not ARCHITECTURES_AND_SERVERS & {r["hardware"] for r in rows}  # listed as GPU, not as a product of it


@needs_seeds
def test_hardware_together_pairs_no_architecture_or_server_with_the_class_it_implies(store: Path) -> None:
    rows = KnowledgeGraph.open(Settings(store=store)).query("hardware-together", limit=100000)
    pairs = {frozenset((r["first"], r["second"])) for r in rows}
    assert frozenset(("Ampere", "Hopper")) in pairs  # two architectures one paper measures are a pair
    assert not {p for p in pairs if "GPU" in p and p & ARCHITECTURES_AND_SERVERS}, pairs


@needs_seeds
def test_one_node_per_real_thing_on_the_seeds(store: Path) -> None:
    from graph.model import Label

    kgraph = KnowledgeGraph.open(Settings(store=store))
    nodes = [n for n in kgraph.store.nodes() if n.label is not Label.PAPER]
    assert [(n.label.value, n.properties["name"]) for n in nodes if "SN40L" in n.properties["name"]] == [("Hardware", "SN40L")]
    assert {n.label for n in nodes if n.properties.get("kind") == "optimizer"} == {Label.TECHNIQUE}
