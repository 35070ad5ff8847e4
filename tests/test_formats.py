"""Output formats of `kg query` and `kg show` as a user pipes them, and `kg cypher` without Neo4j."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from conftest import FIXTURES

KG = str(Path(sys.executable).with_name("kg"))
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def kg(store: Path, *args: str, columns: int = 100) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(store.parent), "LANG": "C.UTF-8", "COLUMNS": str(columns)}
    return subprocess.run([KG, "--store", str(store), *args], capture_output=True, text=True, env=env, cwd=store.parent, timeout=120)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("formats") / "kg"
    assert kg(path, "load", str(FIXTURES)).returncode == 0
    return path


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


QUERY = ("query", "papers-comparing-to", "-p", "name=vLLM")


def test_query_jsonl_and_csv_hold_the_same_rows_as_json(store: Path) -> None:
    rows = json.loads(_ok(kg(store, *QUERY, "--format", "json")))
    assert rows and all(isinstance(r["claims"], list) for r in rows)
    lines = _ok(kg(store, *QUERY, "--format", "jsonl")).splitlines()
    assert [json.loads(line) for line in lines] == rows
    table = list(csv.DictReader(io.StringIO(_ok(kg(store, *QUERY, "--format", "csv")))))
    assert list(table[0]) == list(rows[0])
    assert [r["paper"] for r in table] == [r["paper"] for r in rows]
    assert [r["claims"] for r in table] == ["; ".join(r["claims"]) for r in rows]
    assert [r["line"] for r in table] == [str(r["line"]) for r in rows]


@pytest.mark.parametrize("columns", [40, 80, 160])
def test_query_table_fits_the_terminal_width_on_a_terminal(store: Path, columns: int) -> None:
    child = pexpect.spawn(KG, ["--store", str(store), *QUERY], env={"PATH": str(Path(sys.executable).parent), "HOME": str(store.parent),
                          "LANG": "C.UTF-8", "TERM": "xterm"}, cwd=str(store.parent), encoding="utf-8", dimensions=(50, columns), timeout=60)
    child.expect(pexpect.EOF)
    lines = ANSI.sub("", child.before).splitlines()
    assert lines[0].startswith("pa")  # the header, itself cut short on a narrow terminal
    assert max(len(line) for line in lines) <= columns
    if columns < 100:
        assert "…" in child.before  # the evidence sentences do not fit: they are cut, not wrapped
    assert len(lines) == 2 + len(json.loads(_ok(kg(store, *QUERY, "--format", "json"))))


@pytest.mark.parametrize("columns", [40, 80])
def test_a_piped_table_cuts_no_cell_and_has_no_colour(store: Path, columns: int) -> None:
    out = _ok(kg(store, *QUERY, columns=columns))  # COLUMNS set as a terminal would: a pipe is no terminal
    rows = json.loads(_ok(kg(store, *QUERY, "--format", "json")))
    lines = out.splitlines()
    assert "…" not in out and "\x1b" not in out and len(lines) == 2 + len(rows)
    assert all(row["paper"] in line and row["evidence"] in line for row, line in zip(rows, lines[2:]))
    assert all(line == line.rstrip() for line in lines)


def test_show_csv_and_jsonl_are_one_row_per_fact_with_its_citation(store: Path) -> None:
    profile = json.loads(_ok(kg(store, "show", "vLLM", "--format", "json")))
    rows = list(csv.DictReader(io.StringIO(_ok(kg(store, "show", "vLLM", "--format", "csv")))))
    jsonl = [json.loads(line) for line in _ok(kg(store, "show", "vLLM", "--format", "jsonl")).splitlines()]
    assert len(rows) == len(jsonl) == len(profile["facts"]) > 0
    for row, record, fact in zip(rows, jsonl, profile["facts"]):
        assert row["key"] == record["key"] == profile["key"] and row["name"] == "vLLM"
        assert (record["type"], record["other"], record["evidence"], record["source"], record["line"]) == (
            fact["type"], fact["other"], fact["evidence"], fact["source"], fact["line"])
        assert row["evidence"] == fact["evidence"] and row["line"] == str(fact["line"])


def test_show_text_is_unchanged_by_default(store: Path) -> None:
    out = _ok(kg(store, "show", "vLLM"))
    assert out.startswith("System: vLLM") and "<-[COMPARES_TO]-" in out


def test_cypher_on_the_embedded_store_says_how_to_start_neo4j_and_exits_2(store: Path) -> None:
    result = kg(store, "cypher", "MATCH (n) RETURN count(n)")
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "kg neo4j open" in lines[0] and "--backend neo4j" in lines[0] and "KG_BACKEND=neo4j" in lines[0]


def test_a_malformed_cypher_parameter_is_a_one_line_error(store: Path) -> None:
    result = kg(store, "cypher", "RETURN $x", "-p", "x")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [result.stderr.strip()] and "KEY=VALUE" in result.stderr
