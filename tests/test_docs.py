"""The pages in docs/ as a reader uses them: every `kg` command of docs/questions.md runs on the
embedded seed graph, and every Cypher block answers on Neo4j with the seeds loaded."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INPUTS, ROOT, Seeded, needs_seeds

KG = str(Path(sys.executable).with_name("kg"))
QUESTIONS = ROOT / "docs" / "questions.md"


def blocks(page: Path, language: str) -> list[str]:
    """The fenced blocks of one language on a page, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```", page.read_text(encoding="utf-8"), re.S | re.M)


def commands(page: Path) -> list[list[str]]:
    return [shlex.split(line) for block in blocks(page, "sh") for line in block.splitlines() if line.startswith("kg ")]


def test_the_questions_page_has_ten_questions_each_with_a_command_and_cypher() -> None:
    text = QUESTIONS.read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.M)[1:]
    assert [s[:3] for s in sections] == [f"({c})" for c in "abcdefghij"]
    assert all("```sh" in s and "```cypher" in s for s in sections)


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("docs") / "kg"
    subprocess.run([KG, "--store", str(store), "load", "-q", *map(str, INPUTS)], check=True, capture_output=True, timeout=300)
    return store


@pytest.mark.parametrize("command", commands(QUESTIONS), ids=" ".join)
def test_every_command_on_the_questions_page_runs_on_the_embedded_default(seed_store: Path, command: list[str]) -> None:
    assert command[0] == "kg"
    result = subprocess.run([KG, "--store", str(seed_store), *command[1:]], capture_output=True, text=True,
                            cwd=seed_store.parent, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.strip() or "Wrote" in result.stderr


@pytest.mark.neo4j
@needs_seeds
@pytest.mark.parametrize("statement", blocks(QUESTIONS, "cypher"), ids=lambda s: s.split("\n")[0][:60])
def test_every_cypher_block_on_the_questions_page_answers_on_neo4j(seeded: Seeded, statement: str) -> None:
    rows = seeded.neo.run_cypher(statement, {})
    assert rows, "each documented query has an answer on the seed graph"
    assert json.dumps(rows)  # plain values a reader can print


def test_every_environment_variable_the_code_reads_is_in_the_readme_table() -> None:
    """A variable the code reads (``environ.get("KG_X")``, a ``.env`` key) that the README's settings
    table lacks is a setting no user can find."""
    read = set()
    for path in [*ROOT.glob("graph/**/*.py"), *ROOT.glob("loaders/**/*.py"), *ROOT.glob("queries/**/*.py")]:
        read |= set(re.findall(r"[\"'](KG_[A-Z0-9_]+|NEO4J_(?:URI|USERNAME|PASSWORD|DATABASE|BOLT_PORT|HTTP_PORT))[\"']", path.read_text(encoding="utf-8")))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| option / variable |"):]
    table = table[: table.index("\n\n")]
    documented = set(re.findall(r"`((?:KG|NEO4J|TEST_NEO4J)_[A-Z0-9_]+)`", table))
    assert read, "the scan found the variables"
    assert read <= documented, f"read by the code but not in the README's table: {sorted(read - documented)}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert set(re.findall(r"^(TEST_NEO4J_[A-Z_]+)\s*\?=", makefile, re.M)) <= documented


@needs_seeds
def test_the_readmes_generated_parts_are_what_the_code_and_seeds_give_today() -> None:
    """The seed graph's counts and the canned-query table are written by `make readme` (cog)."""
    result = subprocess.run([str(Path(sys.executable).with_name("cog")), "--check", "-I", "scripts", "README.md"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"README.md is stale: run `make readme` ({result.stdout.strip()} {result.stderr.strip()})"
    assert "`beats-proposed-by`" in (ROOT / "README.md").read_text(encoding="utf-8")
