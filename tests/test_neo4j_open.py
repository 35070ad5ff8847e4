"""`kg neo4j open`: the embedded graph copied into a local Neo4j of its own (a fresh server home,
free ports), by the batched writer and by the bulk importer, then the Cypher console on it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from conftest import FIXTURES, fresh_server_home
from test_docs import QUESTIONS, blocks

pytestmark = pytest.mark.neo4j

KG = str(Path(sys.executable).with_name("kg"))
CLAIMS_IDIOM = "MATCH ()-[r:COMPARES_TO]->() UNWIND range(0, size(r.claims) - 1) AS i RETURN count(*) AS claims"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("open")
    home = root / "home"
    bolt, http = fresh_server_home(home)
    values = {"PATH": os.environ["PATH"], "HOME": str(root), "LANG": "C.UTF-8", "KG_NEO4J_HOME": str(home),
              "NEO4J_URI": f"bolt://127.0.0.1:{bolt}", "NEO4J_BOLT_PORT": str(bolt), "NEO4J_HTTP_PORT": str(http),
              "NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": "open-test-password", "KG_STORE": str(root / "store")}
    values |= {k: v for k, v in os.environ.items() if k in ("JAVA_HOME",)}
    yield values
    kg(values, "neo4j", "down")
    shutil.rmtree(home / "data", ignore_errors=True)


def kg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KG, *args], capture_output=True, text=True, env=env, cwd=Path(env["HOME"]), timeout=300)


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stdout + result.stderr
    return result.stdout


def _count(env: dict[str, str], statement: str, backend: str = "neo4j") -> int:
    rows = json.loads(_ok(kg(env, "--backend", backend, "cypher", statement, "--format", "json")))
    return int(next(iter(rows[0].values())))


def _stats(env: dict[str, str], backend: str) -> dict:
    return json.loads(_ok(kg(env, "--backend", backend, "stats", "--format", "json")))


def test_open_copies_skips_an_unchanged_copy_recopies_its_own_and_refuses_anothers_graph(env: dict[str, str], tmp_path: Path) -> None:
    _ok(kg(env, "load", str(FIXTURES / "compact.txt")))
    refused = kg(env, "cypher", "MATCH (p:Paper) RETURN count(p)")  # the embedded default names the command
    assert refused.returncode == 2 and "kg neo4j open" in refused.stderr and len(refused.stderr.splitlines()) == 1
    first = _ok(kg(env, "neo4j", "open", "--no-console"))
    assert "with the writer" in first and "Neo4j Browser at http://127.0.0.1:" in first
    assert _stats(env, "neo4j") == _stats(env, "embedded")
    assert _count(env, CLAIMS_IDIOM) > 0
    assert "already holds the graph" in _ok(kg(env, "neo4j", "open", "--no-console"))

    _ok(kg(env, "load", str(FIXTURES / "with_meta.txt")))  # the embedded graph grows: its copy follows
    assert "copied" in _ok(kg(env, "neo4j", "open", "--no-console"))
    assert _stats(env, "neo4j") == _stats(env, "embedded")

    _ok(kg(env, "--backend", "neo4j", "load", str(FIXTURES / "blank_separated.txt")))  # Neo4j now holds more
    held = _stats(env, "neo4j")
    refused = kg(env, "neo4j", "open", "--no-console")
    assert refused.returncode == 1 and "--replace" in refused.stderr.splitlines()[-1] and "Traceback" not in refused.stderr
    assert _stats(env, "neo4j") == held, "a refused open changes nothing"
    assert "copied" in _ok(kg(env, "neo4j", "open", "--no-console", "--replace"))
    assert _stats(env, "neo4j") == _stats(env, "embedded")


def test_open_by_the_bulk_importer_gives_the_same_graph_with_claim_lists(env: dict[str, str]) -> None:
    _ok(kg(env, "load", str(FIXTURES)))
    out = _ok(kg(env, "neo4j", "open", "--no-console", "--via", "importer"))
    assert "with the bulk importer" in out
    assert _stats(env, "neo4j") == _stats(env, "embedded")
    assert _count(env, "MATCH ()-[r:COMPARES_TO]->() WHERE r.claims IS NULL RETURN count(r)") == 0
    assert _count(env, CLAIMS_IDIOM) > 0
    for statement in blocks(QUESTIONS, "cypher"):  # the documented ad-hoc queries, on the copy of the embedded graph
        _ok(kg(env, "--backend", "neo4j", "cypher", statement, "--format", "json"))


def test_open_on_a_terminal_opens_the_console_on_the_copy(env: dict[str, str]) -> None:
    child = pexpect.spawn(KG, ["neo4j", "open"], env=env | {"TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "KG_HISTORY": env["HOME"] + "/h"},
                          cwd=env["HOME"], encoding="utf-8", timeout=120, dimensions=(40, 120))
    child.expect_exact("cypher>")
    child.sendline("MATCH (p:Paper) RETURN count(p) AS papers;")
    child.expect(r"papers")
    child.expect_exact("cypher>")
    child.sendline(":exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
