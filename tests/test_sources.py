"""Paper sources beyond the listing: arXiv JSON lines, HF daily-papers JSON, BibTeX, CSV, gzip,
folders walked recursively, refusal of what is not a source, one node per paper across sources,
and the catalogue's origin papers."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import example_sources
from conftest import SHARED, needs_seeds
from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.model import title_key
from graph.store.embedded import EmbeddedStore
from loaders.formats import BY_NAME, ReadOptions, choose, read_source
from loaders.source_io import ListingError, NotASource

KG = str(Path(sys.executable).with_name("kg"))
FORMATS_DIR = example_sources.OUT
VLLM_TITLE = "Efficient Memory Management for Large Language Model Serving with PagedAttention"


def kg(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(store.parent), "LANG": "C.UTF-8"}
    return subprocess.run([KG, "--store", str(store), *args], capture_output=True, text=True, env=env, cwd=store.parent, timeout=120)


def _graph(kg_: KnowledgeGraph) -> tuple[set, set, dict]:
    """Nodes and relationships with papers named by their folded title (keys differ by source:
    a listing has no arXiv id), and each paper's title and abstract."""
    nodes = kg_.store.nodes()
    name = {n.key: (f"paper:{title_key(n.properties['title'])}" if n.label.value == "Paper" else n.key) for n in nodes}
    texts = {name[n.key]: (n.properties["title"], n.properties.get("abstract")) for n in nodes if n.label.value == "Paper"}
    rels = {(name[r.start], r.type.value, name[r.end]) for r in kg_.store.relationships()}
    return set(name.values()), rels, texts


def _open(tmp_path: Path, name: str) -> KnowledgeGraph:
    return KnowledgeGraph.open(Settings(store=tmp_path / name))


# ---- the examples ---------------------------------------------------------------------------


def test_the_committed_examples_are_what_the_generator_writes(tmp_path: Path) -> None:
    example_sources.write_all(tmp_path)
    for name in example_sources.FILES:
        assert (tmp_path / name).read_text(encoding="utf-8") == (FORMATS_DIR / name).read_text(encoding="utf-8"), name


def test_the_same_30_papers_in_every_format_make_the_same_graph(tmp_path: Path) -> None:
    graphs = {}
    for name in example_sources.FILES:
        with _open(tmp_path, name) as g:
            result = g.load([FORMATS_DIR / name])
            assert (result.files, result.entries, result.papers) == (1, 30, 30), name
            graphs[name] = _graph(g)
            assert g.load([FORMATS_DIR / name]).summary.changed is False, "loading again changes nothing"
    first = graphs.pop("example_papers.txt")
    assert len(first[1]) > 100 and any(t == "COMPARES_TO" for _, t, _ in first[1])
    for name, other in graphs.items():
        assert other == first, name
    with _open(tmp_path, "all") as g:  # all five at once: still 30 papers, each with five sources
        g.load([FORMATS_DIR])
        assert _graph(g) == first
        papers = [n for n in g.store.nodes() if n.label.value == "Paper" and n.properties.get("sources")]
        assert len(papers) == 30 and all(len(p.properties["sources"]) == 5 for p in papers)
        assert {p.properties.get("arxiv_id") for p in papers} == {example_sources.arxiv_id(i) for i in range(1, 31)}


def test_each_format_reads_dates_ids_and_authors() -> None:
    def first(name: str):
        return next(iter(read_source(FORMATS_DIR / name, name, ReadOptions())))

    jsonl, hf, bib, csv_ = (first(n) for n in ("example_papers.jsonl", "example_papers_hf.json", "example_papers.bib", "example_papers.csv"))
    assert (jsonl.arxiv_id, jsonl.published, jsonl.categories, jsonl.author_names) == ("2501.00001", "2025-01-02", ("cs.DC", "cs.LG"), ("A. Author", "B. Author"))
    assert (hf.arxiv_id, hf.published, hf.title_line) == ("2501.00001", "2025-01-02", 1)
    assert (bib.arxiv_id, bib.published, bib.authors) == ("2501.00001", "2025-01", 2)
    assert (csv_.arxiv_id, csv_.published, csv_.title_line) == ("2501.00001", "2025-01-02", 2)


def test_the_category_filter_keeps_only_matching_arxiv_records(tmp_path: Path) -> None:
    with _open(tmp_path, "kg") as g:
        result = g.load([FORMATS_DIR / "example_papers.jsonl"], categories=["cs.AR"])
    assert (result.entries, result.filtered) == (4, 26)


def test_gzip_is_read_transparently_and_a_gzip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in example_sources.FILES:
        packed = tmp_path / f"{name}.gz"
        packed.write_bytes(gzip.compress((FORMATS_DIR / name).read_bytes()))
        assert choose(packed).NAME == choose(FORMATS_DIR / name).NAME
        assert len(list(read_source(packed, packed.name, ReadOptions()))) == 30, name
    import loaders.source_io as io_

    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"Title\n\n" + b"a" * (4 << 20)))  # 4 MiB of one line, 4 KiB packed
    monkeypatch.setattr(io_, "MAX_FILE_BYTES", 1 << 20)
    with pytest.raises(ListingError, match="over 1,048,576 bytes once decompressed"):
        io_.read_bytes(bomb, io_.MAX_FILE_BYTES)
    lines = tmp_path / "long.jsonl.gz"
    lines.write_bytes(gzip.compress(b'{"title": "' + b"a" * (io_.MAX_LINE_CHARS * 5) + b'"}\n'))
    with pytest.raises(ListingError, match="line 1 is over"):
        list(read_source(lines, "long.jsonl.gz", ReadOptions()))


# ---- refusal and folders ------------------------------------------------------------------


@pytest.mark.parametrize("what", ["readme", "hostname", "html"])
def test_a_named_file_that_is_no_source_is_refused_with_one_line(tmp_path: Path, what: str) -> None:
    root = Path(__file__).resolve().parent.parent
    target = {"readme": root / "README.md", "hostname": Path("/etc/hostname"), "html": tmp_path / "page.html"}[what]
    if what == "html":
        target.write_text("<!DOCTYPE html>\n<html><head><title>Daily Papers</title></head><body>\n<h1>FooServe: Fast Serving</h1>\n"
                          "<p>We present FooServe, a serving engine that outperforms vLLM by 2x on A100 GPUs in our tests.</p>\n</body></html>\n")
    if not target.exists():
        pytest.skip(f"{target} is absent")
    store = tmp_path / "kg"
    assert kg(store, "load", str(FORMATS_DIR / "example_papers.csv")).returncode == 0
    before = (store / "graph.sqlite").read_bytes()
    out = kg(store, "load", str(target))
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 1 and len(lines) == 1 and lines[0].startswith(f"error: {target}:"), out.stderr
    assert "Traceback" not in out.stderr and (store / "graph.sqlite").read_bytes() == before


def test_markdown_documents_are_not_listings_but_every_listing_of_the_project_is() -> None:
    from loaders.formats.listing import MAX_MARKUP_SHARE, markup_share

    root = Path(__file__).resolve().parent.parent
    listings = [*root.glob("tests/fixtures/*.txt"), *root.glob("tests/data/fresh/*.txt"), *root.glob("loaders/examples/**/*.txt"), *SHARED.glob("seeds/*.txt")]
    assert listings and all(markup_share(p.read_text(encoding="utf-8")) <= MAX_MARKUP_SHARE for p in listings)
    documents = [root / "README.md", *SHARED.glob("*.md"), *SHARED.glob("eval/*.md")]
    assert all(markup_share(p.read_text(encoding="utf-8")) > MAX_MARKUP_SHARE for p in documents)


@needs_seeds
def test_loading_the_shared_folder_walks_into_seeds_and_skips_the_rest_with_reasons(tmp_path: Path) -> None:
    out = kg(tmp_path / "kg", "load", str(SHARED))
    assert out.returncode == 0, out.stderr
    sources = [*(SHARED / "seeds").glob("*.txt"), *(SHARED / "corpus").glob("real_abstracts.jsonl")]  # the corpus is arXiv JSON lines
    assert out.stdout.startswith(f"Loaded {len(sources)} file(s)")
    others = [p for p in SHARED.rglob("*") if p.is_file() and p not in sources and not any(x.startswith(".") for x in p.relative_to(SHARED).parts)]
    assert f"Skipped {len(others)} files: " in out.stdout and "not a source" in out.stdout, out.stdout
    for p in others:
        assert f"skipped {p}" in out.stderr


def test_a_list_of_titles_is_refused_unless_title_only_is_allowed(tmp_path: Path) -> None:
    titles = tmp_path / "titles.txt"
    titles.write_text("Daily Papers\n\nKiloServe: Serving at Scale\n\nMegaTrain: Training at Scale\n", encoding="utf-8")
    out = kg(tmp_path / "kg", "load", str(titles))
    assert out.returncode == 1 and "no entry with both a title and an abstract" in out.stderr and "--allow-title-only" in out.stderr
    out = kg(tmp_path / "kg", "load", "--allow-title-only", str(titles))
    assert out.returncode == 0 and out.stdout.startswith("Loaded 1 file(s), 2 entries, 2 distinct papers"), out.stdout + out.stderr


def test_a_folder_with_nothing_loadable_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("# Notes\n\n- one\n- two\n", encoding="utf-8")
    (tmp_path / "notes" / "b.py").write_text("print(1)\n", encoding="utf-8")
    out = kg(tmp_path / "kg", "load", str(tmp_path / "notes"))
    assert out.returncode == 1 and "no listing files or other paper sources found (skipped 2 files: 1 " in out.stderr, out.stderr
    assert not (tmp_path / "kg" / "graph.sqlite").exists()


# ---- malformed records and random input ------------------------------------------------------


def _records() -> list[str]:
    return (FORMATS_DIR / "example_papers.jsonl").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("bad", ['{"title": "x", "abstract": ', "[1, 2]", '{"id": "not-an-id", "title": "T", "abstract": "A."}', '{"title": 3, "abstract": "A."}', '{"abstract": "no title"}'])
def test_a_malformed_json_line_is_reported_with_its_line_number(tmp_path: Path, bad: str) -> None:
    lines = _records()[:5]
    lines.insert(3, bad)
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ListingError, match=r"broken\.jsonl: line 4: "):
        list(read_source(path, path.name, ReadOptions()))


def test_malformed_bibtex_csv_and_hf_records_are_reported_where_they_are(tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text("@misc{a, title={Fine}, abstract={An abstract.}}\n\n@misc{b, title = {Broken\n", encoding="utf-8")
    with pytest.raises(ListingError, match=r"x\.bib: line 3: a malformed BibTeX entry"):
        list(read_source(bib, bib.name, ReadOptions()))
    table = tmp_path / "x.csv"
    table.write_text('title,abstract\nA,"An abstract."\nB,"Another.",extra\n', encoding="utf-8")
    with pytest.raises(ListingError, match=r"x\.csv: line 3: 3 fields, the header has 2"):
        list(read_source(table, table.name, ReadOptions()))
    hf = tmp_path / "x.json"
    hf.write_text(json.dumps([{"paper": {"title": "A", "summary": "An abstract."}}, {"paper": "no"}]), encoding="utf-8")
    with pytest.raises(ListingError, match=r"x\.json: record 2: no 'paper' object"):
        list(read_source(hf, hf.name, ReadOptions()))


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["id", "title", "abstract", "paper", "summary", "categories", "doi", "versions", "authors_parsed"]), inner, max_size=5),
                     max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(str.encode), fmt=st.sampled_from(sorted(BY_NAME)))
def test_random_bytes_never_crash_a_loader(tmp_path: Path, data: bytes, fmt: str) -> None:
    path = tmp_path / "random.in"
    path.write_bytes(data)
    try:
        list(read_source(path, path.name, ReadOptions(format=fmt)))
    except ListingError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(_JSON, min_size=1, max_size=5), fmt=st.sampled_from(["arxiv-jsonl", "hf-daily"]))
def test_random_json_never_crashes_a_loader_and_errors_name_their_record(tmp_path: Path, values: list, fmt: str) -> None:
    path = tmp_path / "random.json"
    text = "\n".join(json.dumps(v) for v in values) if fmt == "arxiv-jsonl" else json.dumps([{"paper": v} for v in values])
    path.write_text(text, encoding="utf-8")
    try:
        list(read_source(path, path.name, ReadOptions(format=fmt)))
    except NotASource:
        pass
    except ListingError as exc:
        assert str(exc).startswith(f"{path}: line ") or str(exc).startswith(f"{path}: record "), exc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.lists(st.tuples(st.text(max_size=30), st.text(max_size=60)), min_size=1, max_size=4))
def test_random_bibtex_and_csv_never_crash(tmp_path: Path, fields: list[tuple[str, str]]) -> None:
    bib = tmp_path / "r.bib"
    bib.write_text("\n".join(f"@article{{k{i}, title = {{{t}}}, abstract = {{{a}}}}}" for i, (t, a) in enumerate(fields)), encoding="utf-8")
    table = tmp_path / "r.csv"
    table.write_text("title,abstract\n" + "\n".join(f'"{t}",{a}' for t, a in fields), encoding="utf-8")
    for path in (bib, table):
        try:
            list(read_source(path, path.name, ReadOptions()))
        except ListingError:
            pass


# ---- identity and origins -------------------------------------------------------------------


def _arxiv_record(path: Path, arxiv: str, title: str, abstract: str) -> Path:
    record = {"id": arxiv, "title": title, "abstract": abstract, "categories": "cs.LG cs.DC",
              "versions": [{"version": "v1", "created": "Tue, 12 Sep 2023 17:58:05 GMT"}], "update_date": "2023-09-13"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def _listing(path: Path, title: str, abstract: str) -> Path:
    path.write_text(f"Daily Papers\n\nSep 27\n\n{title}\n\n{abstract}\n\n  \u2022 3 authors\n\u00b7\nSep 13\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("order", ["listing first", "arxiv first", "together"])
def test_a_paper_from_a_listing_and_from_arxiv_is_one_node_with_both_sources(tmp_path: Path, order: str) -> None:
    listing = _listing(tmp_path / "day.txt", "KiloServe: Serving at Scale", "We present KiloServe. KiloServe outperforms vLLM by 2x on A100 GPUs.")
    record = _arxiv_record(tmp_path / "arxiv.jsonl", "2311.99999v3", "KiloServe: serving at scale", "We present KiloServe. KiloServe outperforms vLLM by 2x on A100 GPUs.")
    with _open(tmp_path, "kg") as g:
        if order == "together":
            g.load([listing, record])
        else:
            for path in ([listing, record] if order == "listing first" else [record, listing]):
                g.load([path])
        papers = [n for n in g.store.nodes() if n.label.value == "Paper" and n.properties.get("sources")]
        assert len(papers) == 1, [p.key for p in papers]
        (paper,) = papers
        assert sorted(paper.properties["sources"]) == ["arxiv.jsonl:1", "day.txt:5"]
        assert paper.properties["arxiv_id"] == "2311.99999" and paper.properties["published"] == "2023-09-12"
        assert paper.key == ("paper:kiloserveservingatscale" if order == "listing first" else "paper:arxiv:2311.99999")


def test_a_listing_date_without_a_year_stays_text_and_says_so(tmp_path: Path) -> None:
    with _open(tmp_path, "kg") as g:
        g.load([_listing(tmp_path / "day.txt", "KiloServe: Serving at Scale", "We present KiloServe. KiloServe outperforms vLLM by 2x on A100 GPUs.")])
        (paper,) = [n for n in g.store.nodes() if n.label.value == "Paper" and n.properties.get("sources")]
    assert paper.properties["date_text"] == "Sep 13" and "published" not in paper.properties


def test_the_catalogue_names_where_vllm_came_from_and_a_load_of_that_paper_fills_the_stub(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    assert kg(store, "load", str(FORMATS_DIR / "example_papers.txt")).returncode == 0
    shown = kg(store, "show", "vLLM")
    assert f"<-[PROPOSES]- {VLLM_TITLE}" in shown.stdout and "catalogue/systems.toml:" in shown.stdout, shown.stdout
    rows = json.loads(kg(store, "query", "beats-proposed-by", "-p", "title=Efficient Memory Management", "--format", "json").stdout)
    assert {r["system"] for r in rows} == {"vLLM", "PagedAttention"} or {r["system"] for r in rows} == {"vLLM"}
    assert "PagedServe: Continuous Batching with Block-Level KV-Cache Sharing" in {r["paper"] for r in rows}
    stub = _node(store, "paper:arxiv:2309.06180")
    assert stub.get("sources") is None and stub["year"] == 2023 and stub["catalogued_at"][0].startswith("catalogue/systems.toml:")
    record = _arxiv_record(tmp_path / "vllm.jsonl", "2309.06180v1", VLLM_TITLE, "We propose vLLM, a serving system built on PagedAttention.")
    assert kg(store, "load", str(record)).returncode == 0
    filled = _node(store, "paper:arxiv:2309.06180")
    assert filled["sources"] == ["vllm.jsonl:1"] and filled["abstract"].startswith("We propose vLLM")
    assert kg(store, "unload", "example_papers.txt").returncode == 0  # the filled-in paper stays, with what it proposes
    assert _node(store, "paper:arxiv:2309.06180")["sources"] == ["vllm.jsonl:1"]


def _node(store: Path, key: str) -> dict:
    return next(n.properties for n in EmbeddedStore(store).nodes() if n.key == key)


def test_at_least_100_catalogue_entries_name_their_origin_with_well_formed_ids() -> None:
    from loaders.catalogue import load_catalogue

    origins = [e for e in load_catalogue() if e.origin]
    assert len(origins) >= 100
    assert all(e.origin.arxiv and e.origin.title and e.origin.at.startswith("catalogue/") for e in origins)
    by_id: dict[str, set[str]] = {}
    for e in origins:
        by_id.setdefault(e.origin.arxiv, set()).add(e.origin.title)
    assert all(len(titles) == 1 for titles in by_id.values()), "one arXiv id, one title"


def test_a_node_two_catalogue_entries_share_gets_the_same_origins_whichever_name_it_carries() -> None:
    from graph.model import Label, Node, entity_key
    from loaders.catalogue import load_catalogue
    from loaders.origins import origin_facts

    catalogue = load_catalogue()
    keys = {entity_key(e.label, e.name) for e in catalogue}
    shared = [key for key in keys if len(catalogue.with_key(key)) > 1]
    assert shared and all(e.origin for key in shared for e in catalogue.with_key(key)[:1])
    for key in shared:
        entries = catalogue.with_key(key)
        facts = [origin_facts([Node(key=key, label=Label(e.label), properties={"name": e.name, "catalogued": True})]) for e in entries]
        assert all(f == facts[0] for f in facts), key
        assert {n.properties["title"] for n in facts[0][0]} == {e.origin.title for e in entries if e.origin}


@pytest.mark.neo4j
def test_identity_and_dates_on_neo4j(tmp_path: Path, neo) -> None:
    g = KnowledgeGraph(neo)
    neo.clear()
    listing = _listing(tmp_path / "day.txt", "KiloServe: Serving at Scale", "We present KiloServe. KiloServe outperforms vLLM by 2x on A100 GPUs.")
    g.load([listing])
    g.load([_arxiv_record(tmp_path / "arxiv.jsonl", "2311.99999", "KiloServe: serving at scale", "We present KiloServe. It beats vLLM.")])
    papers = [n for n in neo.nodes() if n.label.value == "Paper" and n.properties.get("sources")]
    assert [(p.key, sorted(p.properties["sources"]), p.properties["published"]) for p in papers] == [
        ("paper:kiloserveservingatscale", ["arxiv.jsonl:1", "day.txt:5"], "2023-09-12")]
    kind = g.cypher("MATCH (p:Paper {key: 'paper:kiloserveservingatscale'}) RETURN valueType(p.published) AS t")
    assert kind == [{"t": "DATE NOT NULL"}]
    assert g.load([listing]).summary.changed is False
    neo.clear()
