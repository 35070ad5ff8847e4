"""`kg cypher` against a real Neo4j: one-shot statements, the read-only guard, formats, and the
interactive console driven through a real pseudo-terminal."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from conftest import FIXTURES
from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.lookup import INTERNAL
from graph.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j

KG = str(Path(sys.executable).with_name("kg"))
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(scope="module")
def loaded(neo: Neo4jStore) -> Iterator[Neo4jStore]:
    """The fixture listings in Neo4j for this module; the database is empty again afterwards."""
    neo.clear()
    KnowledgeGraph(neo).load([FIXTURES])
    yield neo
    neo.clear()


@pytest.fixture
def env(neo4j_settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path), "LANG": "C.UTF-8", "COLUMNS": "100",
        "KG_BACKEND": "neo4j", "NEO4J_URI": neo4j_settings.neo4j_uri, "NEO4J_USERNAME": neo4j_settings.neo4j_username,
        "NEO4J_PASSWORD": neo4j_settings.neo4j_password, "NEO4J_DATABASE": neo4j_settings.neo4j_database,
    }


def kg(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KG, *args], capture_output=True, text=True, env=env, input=stdin, timeout=120)


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def _count(store: Neo4jStore, pattern: str = "(n)") -> int:
    with store.driver.session(database=store.database) as session:
        return session.run(f"MATCH {pattern} RETURN count(*) AS n").single(strict=True)["n"]


def test_a_read_answers_in_json(loaded: Neo4jStore, env: dict[str, str]) -> None:
    out = _ok(kg(env, "cypher", "MATCH (p:Paper) RETURN count(p) AS n", "--format", "json"))
    assert json.loads(out) == [{"n": loaded.stats().nodes["Paper"]}]


@pytest.mark.parametrize("statement", [
    "CREATE (:X)",
    "MATCH (p:Paper) SET p.touched = true RETURN count(p)",
    "MATCH (n) DETACH DELETE n",
    "CREATE INDEX scratch_x IF NOT EXISTS FOR (n:X) ON (n.y)",
])
def test_anything_but_a_read_is_refused_in_one_line_and_changes_nothing(loaded: Neo4jStore, env: dict[str, str], statement: str) -> None:
    before = _count(loaded), _count(loaded, "(p:Paper) WHERE p.touched IS NOT NULL")
    line = _one_line_error(kg(env, "cypher", statement))
    assert "refused" in line and "--write" in line
    assert (_count(loaded), _count(loaded, "(p:Paper) WHERE p.touched IS NOT NULL")) == before


def test_write_opts_in_to_writing(loaded: Neo4jStore, env: dict[str, str]) -> None:
    before = _count(loaded)
    try:
        out = _ok(kg(env, "cypher", "CREATE (x:Scratch {n: $n}) RETURN x", "-p", "n=7", "--write", "--format", "json"))
        assert json.loads(out) == [{"x": {"labels": ["Scratch"], "properties": {"n": 7}}}]
        assert _count(loaded) == before + 1
    finally:
        _ok(kg(env, "cypher", "MATCH (x:Scratch) DELETE x", "--write"))
    assert _count(loaded) == before


def test_a_syntax_error_is_one_line_with_the_servers_position(loaded: Neo4jStore, env: dict[str, str]) -> None:
    line = _one_line_error(kg(env, "cypher", "MATCH (n) RETRN n"))
    assert "syntax error" in line and "RETRN" in line and "column 11" in line


def test_parameters_are_typed_from_json_else_text(loaded: Neo4jStore, env: dict[str, str]) -> None:
    args = ["-p", "i=5", "-p", "f=2.5", "-p", "l=[1, 2]", "-p", 's="5"', "-p", "t=vLLM"]
    out = _ok(kg(env, "cypher", "RETURN $i AS i, $f AS f, $l AS l, $s AS s, $t AS t", *args, "--format", "json"))
    assert json.loads(out) == [{"i": 5, "f": 2.5, "l": [1, 2], "s": "5", "t": "vLLM"}]


def test_nodes_relationships_paths_and_dates_come_out_as_plain_json(loaded: Neo4jStore, env: dict[str, str]) -> None:
    statement = (
        "MATCH path = (p:Paper)-[r:COMPARES_TO]->(s:System {name: $name}) "
        "RETURN s, r, path, date('2024-05-06') AS day ORDER BY p.title LIMIT 1"
    )
    row = json.loads(_ok(kg(env, "cypher", statement, "-p", "name=vLLM", "--format", "json")))[0]
    assert row["s"]["labels"] == ["System"] and row["s"]["properties"]["key"] == "system:vllm"
    assert row["r"]["type"] == "COMPARES_TO" and row["r"]["end"] == "system:vllm" and row["r"]["properties"]["evidence"]
    assert [n["labels"] for n in row["path"]["nodes"]] == [["Paper"], ["System"]]
    assert row["day"] == "2024-05-06"


def test_nodes_show_the_graphs_own_properties_and_internal_ones_only_when_asked(loaded: Neo4jStore, env: dict[str, str]) -> None:
    statement = "MATCH path = (p:Paper)-[:COMPARES_TO]->(s:System {name: 'vLLM'}) RETURN s, p, path, s.lookup AS asked LIMIT 1"
    row = json.loads(_ok(kg(env, "cypher", statement, "--format", "json")))[0]
    shown = [row["s"]["properties"], row["p"]["properties"], *(n["properties"] for n in row["path"]["nodes"])]
    assert all(INTERNAL.isdisjoint(props) for props in shown), [sorted(p) for p in shown]
    assert row["s"]["properties"]["name"] == "vLLM" and row["p"]["properties"]["title"] and row["asked"]  # a named property is a value asked for
    table = _ok(kg(env, "cypher", "MATCH (s:System {name: 'vLLM'}) RETURN s"))
    assert "search_head" not in table and "lookup" not in table and "vLLM" in table
    full = json.loads(_ok(kg(env, "cypher", statement, "--format", "json", "--internal")))[0]
    assert {"lookup", "search_head"} <= set(full["s"]["properties"]) and "fold" in full["p"]["properties"]


def test_every_format_of_cypher(loaded: Neo4jStore, env: dict[str, str]) -> None:
    statement = "MATCH (p:Paper)-[r:COMPARES_TO]->(s) RETURN p.title AS title, s.aliases AS aliases, r.line AS line ORDER BY title, line"
    rows = json.loads(_ok(kg(env, "cypher", statement, "--format", "json")))
    assert rows
    assert [json.loads(line) for line in _ok(kg(env, "cypher", statement, "--format", "jsonl")).splitlines()] == rows
    parsed = list(csv.DictReader(io.StringIO(_ok(kg(env, "cypher", statement, "--format", "csv")))))
    assert [(r["title"], r["aliases"], int(r["line"])) for r in parsed] == [(r["title"], "; ".join(r["aliases"]), r["line"]) for r in rows]
    table = _ok(kg(env | {"COLUMNS": "50"}, "cypher", statement)).splitlines()  # piped: no cell is cut
    assert len(table) == 2 + len(rows) and "…" not in "".join(table) and all(r["title"] in line for r, line in zip(rows, table[2:]))


def test_statements_from_standard_input_run_in_order(loaded: Neo4jStore, env: dict[str, str]) -> None:
    script = "RETURN 1 AS n;\n// a comment; with a semicolon\nRETURN 'a;b' AS s;\n"
    out = _ok(kg(env, "cypher", "--format", "jsonl", stdin=script))
    assert [json.loads(line) for line in out.splitlines()] == [{"n": 1}, {"s": "a;b"}]


# ---- the interactive console through a pseudo-terminal --------------------------------------


class Console:
    """`kg cypher` on a real pseudo-terminal."""

    def __init__(self, env: dict[str, str], history: Path) -> None:
        self.child = pexpect.spawn(
            KG, ["cypher"], env=env | {"KG_HISTORY": str(history), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"},
            encoding="utf-8", timeout=30, dimensions=(40, 120),
        )
        self.child.expect_exact("cypher>")

    def run(self, *keys: str, until: str) -> str:
        """Type ``keys`` (the last one ends with Enter), wait until the console prints ``until`` and
        then its next prompt; return what it printed (the echo of the keys included), colours removed."""
        for key in keys:
            self.child.send(key)
        self.child.expect_exact(until)
        printed = (self.child.before or "") + until
        self.child.expect_exact("cypher>")
        return ANSI.sub("", printed + (self.child.before or ""))

    def close(self) -> None:
        self.child.sendcontrol("d")
        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.exitstatus == 0


def test_console_multiline_completion_canned_queries_and_parameters(loaded: Neo4jStore, env: dict[str, str], tmp_path: Path) -> None:
    papers = loaded.stats().nodes["Paper"]
    console = Console(env, tmp_path / "history")
    # A statement spans lines until one ends with ';'.
    console.child.send("MATCH (p:Paper)\r")
    console.child.expect_exact("...>")
    out = console.run("RETURN count(p) + 1000 AS papers;\r", until="(1 row)")
    assert str(1000 + papers) in out
    # Tab completes a label from the database: the statement then finds Hardware nodes.
    out = console.run("MATCH (h:Hardw", "\t", ") RETURN DISTINCT 'found ' + labels(h)[0] AS what;\r", until="row")
    assert "found Hardware" in out and "(1 row)" in out
    out = console.run(":run most-compared limit=2\r", until="rows)")
    assert "baseline" in out and "(2 rows)" in out
    assert "'vLLM'" in console.run(":param name => 'vLLM'\r", until="$name = ")
    out = console.run("MATCH (s:System {name: $name}) RETURN 'key ' + s.key AS key;\r", until="row")
    assert "key system:vllm" in out
    assert "vLLM" in console.run(":params\r", until="vLLM")
    # An error is one line, and the console goes on.
    out = console.run("RETRN 1;\r", until="error: ")
    assert "error: Cypher syntax error: Invalid input 'RETRN'" in out
    assert "--write" in console.run("CREATE (:X);\r", until="error: refused")
    assert "42" in console.run("RETURN 41 + 1 AS answer;\r", until="(1 row)")
    console.close()
    assert _count(loaded, "(x:X)") == 0


def test_console_history_survives_a_restart(loaded: Neo4jStore, env: dict[str, str], tmp_path: Path) -> None:
    history = tmp_path / "share" / "history"
    first = Console(env, history)
    first.run("RETURN 'remem' + 'bered' AS word;\r", until="(1 row)")
    first.close()
    second = Console(env, history)
    out = second.run("\x1b[A", "\r", until="(1 row)")  # Up, then Enter: the statement of the last session runs again
    assert "remembered" in out
    second.close()
