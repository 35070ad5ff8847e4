"""The `kg` command as a user runs it: a real process, real files, a store on disk."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

KG = str(Path(sys.executable).with_name("kg"))


def kg(store: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(store.parent), "LANG": "C.UTF-8"}
    return subprocess.run([KG, "--store", str(store), *args], capture_output=True, text=True, env=env, cwd=cwd or store.parent, timeout=120)


def _export(store: Path) -> list[dict]:
    out = kg(store, "export")
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_load_then_export_is_apoc_json_lines_with_cited_relationships(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    result = kg(store, "load", str(FIXTURES))
    assert result.returncode == 0, result.stderr
    assert "distinct papers" in result.stdout
    records = _export(store)
    nodes = {r["id"]: r for r in records if r["type"] == "node"}
    rels = [r for r in records if r["type"] == "relationship"]
    assert rels and all(r["start"]["id"] in nodes and r["end"]["id"] in nodes for r in rels)
    for r in rels:
        assert r["properties"]["evidence"] and r["properties"]["source"], r
    papers = [n for n in nodes.values() if n["labels"] == ["Paper"]]
    assert all(n["properties"]["title"] for n in papers)
    entities = [n for n in nodes.values() if n["labels"] != ["Paper"]]
    assert all(isinstance(n["properties"]["name"], str) and isinstance(n["properties"]["aliases"], list) for n in entities)


def test_loading_the_same_files_twice_leaves_the_export_unchanged(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    kg(store, "load", str(FIXTURES))
    first = kg(store, "export").stdout
    again = kg(store, "load", str(FIXTURES / "with_meta.txt"), str(FIXTURES))
    assert again.returncode == 0
    assert "0 nodes and 0 relationships added, 0 nodes and 0 relationships updated" in again.stdout
    assert kg(store, "export").stdout == first


@pytest.mark.parametrize(
    "bad, message",
    [
        ("binary.txt", "binary"),
        ("missing.txt", "missing.txt"),
        ("empty.txt", "empty.txt"),
    ],
)
def test_a_bad_file_gives_one_line_and_leaves_the_store_as_it_was(tmp_path: Path, bad: str, message: str) -> None:
    store = tmp_path / "kg"
    kg(store, "load", str(FIXTURES / "compact.txt"))
    before = (store / "graph.sqlite").read_bytes()
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = kg(store, "load", str(FIXTURES / "blank_separated.txt"), str(tmp_path / bad))
    assert result.returncode == 1
    assert message in _one_line_error(result).lower()
    assert (store / "graph.sqlite").read_bytes() == before


def test_queries_lists_every_canned_query_with_parameters(tmp_path: Path) -> None:
    result = kg(tmp_path / "kg", "queries", "--format", "json")
    listed = {q["name"]: q for q in json.loads(result.stdout)}
    assert len(listed) >= 5
    assert [p["name"] for p in listed["papers-targeting"]["parameters"]] == ["hardware", "limit"]


def test_query_answers_with_citations_in_json(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    kg(store, "load", str(FIXTURES))
    result = kg(store, "query", "papers-comparing-to", "-p", "name=vllm", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows, "the fixtures compare against vLLM"
    assert all(r["baseline"] == "vLLM" and r["evidence"] and r["source"].endswith(".txt") and r["line"] >= 1 for r in rows)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["query", "no-such-query"], "no canned query"),
        (["query", "papers-targeting"], "needs -p hardware"),
        (["query", "most-compared", "-p", "limit=many"], "must be a whole number"),
            (["query", "most-compared", "-p", "limit=-1"], "must be from 1 to 100000"),
            (["query", "most-compared", "-p", "limit=0"], "must be from 1 to 100000"),
            (["query", "most-compared", "-p", "limit=1e23"], "must be a whole number"),
        (["query", "most-compared", "-p", "colour=red"], "no parameter"),
    ],
)
def test_query_mistakes_are_one_line_errors(tmp_path: Path, args: list[str], fragment: str) -> None:
    result = kg(tmp_path / "kg", *args)
    assert result.returncode == 1
    assert fragment in _one_line_error(result)


def test_a_corrupt_store_is_a_one_line_error(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    store.mkdir()
    (store / "graph.json").write_text("[]", encoding="utf-8")
    result = kg(store, "stats")
    assert result.returncode == 1
    assert "graph.json" in _one_line_error(result)


def test_viz_writes_a_self_contained_page(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    kg(store, "load", str(FIXTURES))
    result = kg(store, "viz", "-o", str(tmp_path / "g.html"))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "g.html").read_text(encoding="utf-8")
    assert 'id="neo4j-viz-data"' in page and "vLLM" in page and "kg-viz-counts" in page
    assert not re.search(r"""(src|href)=["']?https?:""", page)  # nothing to fetch; tests/test_viz_browser.py proves it


@pytest.mark.parametrize("command", ["load", "stats", "queries", "query", "cypher", "show", "export", "viz", "chart"])
def test_every_command_explains_itself_with_help(tmp_path: Path, command: str) -> None:
    result = kg(tmp_path / "kg", command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Usage: kg {command}") and result.stderr == ""


def test_a_usage_mistake_is_reported_by_click_with_exit_2(tmp_path: Path) -> None:
    result = kg(tmp_path / "kg", "query", "most-compared", "--format", "yaml")
    assert result.returncode == 2
    assert "Invalid value" in result.stderr and "internal error" not in result.stderr


def test_kg_stats_tells_papers_loaded_from_sources_from_catalogue_stubs(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    loaded = kg(store, "load", str(Path(__file__).parents[1] / "loaders" / "examples" / "example_listing.txt"))
    papers = int(loaded.stdout.split(" distinct papers")[0].split()[-1])
    table = kg(store, "stats").stdout
    stats = json.loads(kg(store, "stats", "--format", "json").stdout)
    assert stats["papers_loaded"] == papers and stats["paper_stubs"] == stats["nodes"]["Paper"] - papers > 0
    assert f"loaded from sources  {papers}" in table and f"catalogue stubs      {stats['paper_stubs']}" in table
