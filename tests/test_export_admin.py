"""`kg export --format neo4j-admin DIR`: CSV files for Neo4j's offline bulk importer.

The writer's tests need no server. The last test (marked ``neo4j``) runs the real ``neo4j-admin
database import full`` of the local server's Maven artifacts into a fresh, stopped server home of
its own (its own free ports), starts it, and compares the imported graph with the source.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import FIXTURES, SEEDS, fresh_server_home
from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.export import export_lines
from graph.model import Label, Node, Relationship, RelType
from graph.neo4j_local.admin_import import MANIFEST, AdminExportError, encode, write_admin_import

KG = str(Path(sys.executable).with_name("kg"))
SENTENCE = 'Ours beats "vLLM", by 2.5x, on A100s;\nsee the "table".'


def _graph() -> tuple[list[Node], list[Relationship]]:
    nodes = [
        Node(key="paper:p", label=Label.PAPER, properties={"title": 'A "quoted", title', "authors": 3, "abstract": None,
                                                            "sources": ["a.txt:1", "b.txt:2"], "listing_dates": []}),
        Node(key="system:vllm", label=Label.SYSTEM, properties={"name": "vLLM", "aliases": ["v-LLM", "vllm"], "catalogued": True}),
    ]
    rels = [Relationship(type=RelType.COMPARES_TO, start="paper:p", end="system:vllm", properties={
        "evidence": SENTENCE, "line": 7, "source": "a.txt", "sources": ["a.txt:7"],
        "claims": ["2.5× throughput", "40% latency"], "claim_values": [2.5, 40.0], "claim_units": ["x", "%"]})]
    return nodes, rels


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_columns_are_typed_and_values_quoted_so_commas_quotes_and_line_breaks_survive(tmp_path: Path) -> None:
    nodes, rels = _graph()
    export = write_admin_import(nodes, rels, tmp_path / "out")
    out = tmp_path / "out"
    assert export.nodes == {"Paper": 1, "System": 1} and export.relationships == {"COMPARES_TO": 1}
    assert export.array_delimiter == "\x1f" and export.multiline
    header = _rows(out / "COMPARES_TO.relationships.header.csv")[0]
    assert header[:3] == [":START_ID(KG)", ":END_ID(KG)", ":TYPE"]
    assert {"claim_values:double[]", "claims:string[]", "evidence:string", "line:long"} <= set(header)
    row = dict(zip(header, _rows(out / "COMPARES_TO.relationships.csv")[0]))
    assert row["evidence:string"] == SENTENCE
    assert row["claim_values:double[]"].split("\x1f") == ["2.5", "40.0"]
    assert row["claims:string[]"].split("\x1f") == ["2.5× throughput", "40% latency"]
    paper_header = _rows(out / "Paper.nodes.header.csv")[0]
    paper = dict(zip(paper_header, _rows(out / "Paper.nodes.csv")[0]))
    assert paper["key:ID(KG)"] == "paper:p" and paper["title:string"] == 'A "quoted", title'
    assert paper["authors:long"] == "3" and paper["abstract:string"] == ""
    # the derived lookup properties travel too, so the imported graph answers the canned queries
    assert paper["fold:string"] == "aquotedtitle" and "search_head:string" in paper_header
    system_header = _rows(out / "System.nodes.header.csv")[0]
    assert {"lookup:string[]", "catalogued:boolean"} <= set(system_header)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["format"] == "neo4j-admin" and [f["rows"] for f in manifest["files"]] == [1, 1, 1]
    args = export.arguments()
    assert args[:4] == ["database", "import", "full", "neo4j"]
    assert f"--nodes=Paper={out.resolve() / 'Paper.nodes.header.csv'},{out.resolve() / 'Paper.nodes.csv'}" in args
    assert "--array-delimiter=U+001F" in args and "--multiline-fields=true" in args


def test_a_list_item_holding_the_delimiter_moves_to_another_and_a_forced_one_is_refused(tmp_path: Path) -> None:
    nodes = [Node(key="system:x", label=Label.SYSTEM, properties={"name": "X", "aliases": ["odd\x1fname"]})]
    export = write_admin_import(nodes, [], tmp_path / "a")
    assert export.array_delimiter == "\x1e"
    assert "--array-delimiter=U+001E" in export.arguments()
    nodes = [Node(key="system:x", label=Label.SYSTEM, properties={"name": "X", "aliases": ["a|b"]})]
    with pytest.raises(AdminExportError, match=r"holds the array delimiter U\+007C"):
        write_admin_import(nodes, [], tmp_path / "b", array_delimiter="|")
    assert not (tmp_path / "b").exists() and not list(tmp_path.glob(".b.*"))


@pytest.mark.parametrize(("props", "fragment"), [
    ({"year": 2024}, None),
    ({"year": "2024"}, "several types"),
    ({"year": [2024]}, "a list on some items"),
    ({"year": {"a": 1}}, "a dict cannot be a Neo4j property"),
    ({"year": 2**70}, "64-bit"),
    ({"bad name": 1}, "cannot be a CSV header column"),
    ({"aliases": [""]}, "read back as no value"),
])
def test_values_the_importer_would_misread_are_refused_in_one_line(tmp_path: Path, props: dict, fragment: str | None) -> None:
    nodes = [Node(key="system:a", label=Label.SYSTEM, properties={"name": "A", "year": 2023}),
             Node(key="system:b", label=Label.SYSTEM, properties={"name": "B", **props})]
    if fragment is None:
        assert write_admin_import(nodes, [], tmp_path / "out").nodes == {"System": 2}
        return
    with pytest.raises(AdminExportError, match=fragment) as info:
        write_admin_import(nodes, [], tmp_path / "out")
    assert "\n" not in str(info.value) and not (tmp_path / "out").exists()


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x1f"), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_text, st.lists(_text, min_size=1, max_size=5).filter(lambda v: v != [""]),
                 st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=5)))
def test_every_value_reads_back_as_written_under_rfc_4180(value: str | list) -> None:
    field = encode(value, "\x1f")
    (parsed,) = next(csv.reader(io.StringIO(field, newline="")))
    if isinstance(value, str):
        assert parsed == value
    elif value and isinstance(value[0], float):
        assert [float(x) for x in parsed.split("\x1f")] == value
    else:
        assert parsed.split("\x1f") == value


def _kg(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``kg --store STORE ARGS`` in this process (click's runner): a process start costs a second here."""
    from click.testing import CliRunner

    from graph.cli import main

    result = CliRunner().invoke(main, ["--store", str(store), *args], env={"KG_BACKEND": None, "KG_STORE": None})
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def test_kg_export_writes_the_directory_whole_replaces_an_earlier_export_and_refuses_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    KnowledgeGraph.open(Settings(store=store)).load([FIXTURES / "compact.txt"])
    first = _kg(store, "export", "--format", "neo4j-admin", str(tmp_path / "import"))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("neo4j-admin database import full neo4j --nodes=Paper=")
    assert (tmp_path / "import" / MANIFEST).is_file()
    again = _kg(store, "export", "--format", "neo4j-admin", str(tmp_path / "import"))
    assert again.returncode == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["import", "store"]
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    for target, fragment in ((store, "the store"), (store / "sub", "the store"), (tmp_path, "the store"),
                             (tmp_path / "other", "not empty")):
        result = _kg(store, "export", "--format", "neo4j-admin", str(target))
        assert result.returncode == 1 and fragment in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert (tmp_path / "other" / "notes.txt").read_text() == "mine"
    missing = _kg(store, "export", "--format", "neo4j-admin")
    assert missing.returncode == 1 and "needs a DIR" in missing.stderr
    assert _kg(store, "export", str(tmp_path / "g.jsonl")).returncode == 0  # jsonl still takes a FILE
    assert (tmp_path / "g.jsonl").read_text().startswith('{"type":"node"')


def test_kg_neo4j_import_refuses_a_directory_that_is_no_export_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KG_", "NEO4J_"))}
    env.update(KG_NEO4J_HOME=str(tmp_path / "home"), NEO4J_PASSWORD="long-enough")
    result = subprocess.run([KG, "neo4j", "import", str(tmp_path)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "is not a `kg export --format neo4j-admin` directory" in result.stderr
    assert not (tmp_path / "home").exists()


# ---- the real importer --------------------------------------------------------------------------


def _comparable(lines: list[str]) -> list[dict]:
    """Export lines without empty lists: Neo4j's importer cannot write one (it is left unset)."""
    out = []
    for line in lines:
        record = json.loads(line)
        record["properties"] = {k: v for k, v in record["properties"].items() if v != []}
        out.append(record)
    return out


@pytest.mark.neo4j
def test_neo4j_admin_imports_the_export_and_the_server_holds_the_same_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.neo4j_local.server import LocalNeo4j
    from graph.neo4j_local.admin_import import import_into_local_server
    from graph.neo4j_local.config import Layout
    from graph.store.neo4j import Neo4jStore

    started = time.monotonic()
    listing = tmp_path / "quoted.txt"
    listing.write_text(
        "QuoteServe: Serving LLMs with Quoted Prompts\n\n"
        'Prompts arrive quoted. QuoteServe outperforms vLLM by 3.1x throughput, "with quotes", on A100 GPUs.\n',
        encoding="utf-8")
    sources = [FIXTURES / name for name in ("compact.txt", "blank_separated.txt", "with_meta.txt", "crlf_bom.txt")]
    sources += [listing] + ([SEEDS] if SEEDS.is_dir() else [])
    kg = KnowledgeGraph.open(Settings(store=tmp_path / "store"))
    kg.load(sources)
    export = write_admin_import(kg.store.nodes(), kg.store.relationships(), tmp_path / "import")

    home = tmp_path / "home"
    bolt, http = fresh_server_home(home)
    password = "admin-import-test"
    for key, value in {"KG_NEO4J_HOME": str(home), "NEO4J_URI": f"bolt://127.0.0.1:{bolt}", "NEO4J_BOLT_PORT": str(bolt),
                       "NEO4J_HTTP_PORT": str(http), "NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": password,
                       "NEO4J_DATABASE": "neo4j"}.items():
        monkeypatch.setenv(key, value)
    server = LocalNeo4j(tmp_path, Layout(home))
    report = import_into_local_server(server, export.directory)  # what `kg neo4j import DIR` runs
    assert "IMPORT DONE" in report
    server.up()
    try:
        neo = Neo4jStore.connect(Settings(backend="neo4j", neo4j_uri=f"bolt://127.0.0.1:{bolt}", neo4j_password=password))
        try:
            assert neo.stats() == kg.stats()
            assert neo.stats().nodes == export.nodes and neo.stats().relationships == export.relationships
            rows = neo.run_cypher(
                "MATCH (p:Paper)-[r:COMPARES_TO]->(s:System {name: 'vLLM'}) WHERE p.title STARTS WITH 'QuoteServe' "
                "RETURN r.evidence AS evidence, r.claim_values AS values, r.sources AS sources, p.sources AS paper_sources", {})
            assert rows == [{"evidence": 'QuoteServe outperforms vLLM by 3.1x throughput, "with quotes", on A100 GPUs.',
                             "values": [3.1], "sources": ["quoted.txt:3"], "paper_sources": ["quoted.txt:1"]}]
            assert _comparable(list(export_lines(neo.nodes(), neo.relationships()))) == \
                _comparable(list(export_lines(kg.store.nodes(), kg.store.relationships())))
            neo.run_cypher("CALL db.awaitIndexes(60)", {})
            imported = KnowledgeGraph(neo)
            for name, params in (("most-compared", {"limit": 5}), ("papers-comparing-to", {"name": "vllm"}),
                                 ("search", {"q": "quoted prompts"})):
                assert imported.query(name, **params) == kg.query(name, **params), name
        finally:
            neo.close()
    finally:
        server.down()
    assert time.monotonic() - started < 120
