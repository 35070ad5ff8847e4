"""README.md and the pages in docs/ as a reader uses them: a small runner over their fenced blocks.

- ```sh blocks: every `kg` line runs, in order, in a folder laid out like the checkout (``../shared``
  beside it) whose ``./.kg`` is a copy of the seed graph, so commands that write files or load write
  only there; commands that need Neo4j (``--backend neo4j``, ``kg cypher``) run in a Neo4j-marked
  test against the test server with the seeds loaded. A block that must not run here (servers,
  ``make``, ``docker``, ``curl``, ``kg neo4j up/down/reset/import/open``) says so in an HTML comment
  right above it, ``<!-- not run: REASON -->``, naming the test that covers it.
- ```python blocks: doctests (``>>>``) run under pytest's ``--doctest-glob``; the others run as
  scripts in the same folder, on Neo4j when their first line is ``# on Neo4j``.
- ```cypher blocks answer on Neo4j with the seeds loaded. ```text blocks are output, not run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import INPUTS, ROOT, SHARED, Seeded, needs_seeds
from graph.config import Settings

KG = str(Path(sys.executable).with_name("kg"))
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SCHEMA = ROOT / "docs" / "schema.md"
SETTINGS_PAGE = ROOT / "docs" / "cli.md"
QUESTIONS = SCHEMA  # the ten questions (tests/test_neo4j_open.py runs their Cypher on a copied graph)
LANGUAGES = {"sh", "python", "cypher", "text"}
ON_NEO4J = "# on Neo4j"
#: ``kg neo4j`` subcommands that start, stop, wipe or replace a server: never run against the test server.
SERVER_ADMIN = {"up", "down", "reset", "import", "open", "fetch", "status"}


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    text: str
    not_run: str | None  # the reason, when the comment right above the fence says it is not run

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def page_blocks(page: Path) -> list[Block]:
    """The fenced blocks of a page, in order, each with its language and any not-run note above it."""
    text = page.read_text(encoding="utf-8")
    found = []
    for m in re.finditer(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", text, re.S | re.M):
        above = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1] if text[: m.start()].endswith("-->\n") else ""
        note = re.fullmatch(r"<!-- not run: (.+) -->", above.strip())
        found.append(Block(page, text.count("\n", 0, m.start()) + 1, m.group(1).strip(), m.group(2), note.group(1) if note else None))
    return found


ALL_BLOCKS = [b for page in PAGES for b in page_blocks(page)]


def blocks(page: Path, language: str) -> list[str]:
    """The text of a page's fenced blocks of one language, in order."""
    return [b.text for b in page_blocks(page) if b.language == language]


def run_blocks(language: str, *, run: bool = True) -> list[Block]:
    return [b for b in ALL_BLOCKS if b.language == language and (b.not_run is None) == run]


def command_lines(block: Block) -> list[str]:
    """The block's commands: its lines that are not blank or a comment."""
    return [line.strip() for line in block.text.splitlines() if line.strip() and not line.strip().startswith("#")]


def subcommand(argv: list[str]) -> list[str]:
    """``kg``'s arguments after its global options (``--backend X``, ``--store X``)."""
    rest = argv[1:]
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if "=" not in rest[0] else rest[1:]
    return rest


def needs_neo4j(argv: list[str]) -> bool:
    sub = subcommand(argv)
    return "neo4j" in (argv[argv.index("--backend") + 1] if "--backend" in argv else "") or sub[:1] == ["cypher"]


def never_here(argv: list[str]) -> str | None:
    """Why a command may not run in the suite, or None."""
    sub = subcommand(argv)
    if sub[:1] == ["serve"]:
        return "starts a server"
    if sub[:1] == ["neo4j"] and sub[1:2] and sub[1] in SERVER_ADMIN:
        return "starts, stops, wipes or replaces a Neo4j server"
    if sub[:1] == ["cypher"] and len(sub) == 1 and "<" not in argv:
        return "opens the interactive console"
    return None


def kg_commands(block: Block) -> list[list[str]]:
    return [shlex.split(line, comments=True) for line in command_lines(block)]


def embedded_blocks() -> list[Block]:
    sh = [b for b in run_blocks("sh") if any(not needs_neo4j(c) for c in kg_commands(b))]
    return sh + [b for b in run_blocks("python") if ">>>" not in b.text and not b.text.startswith(ON_NEO4J)]


def neo4j_blocks() -> list[Block]:
    sh = [b for b in run_blocks("sh") if any(needs_neo4j(c) for c in kg_commands(b))]
    return sh + [b for b in run_blocks("python") if ">>>" not in b.text and b.text.startswith(ON_NEO4J)]


# ---- every block is run, or says why not -----------------------------------------------------------


def test_every_block_has_a_language_the_runner_knows() -> None:
    unknown = [f"{b.id} ```{b.language}" for b in ALL_BLOCKS if b.language not in LANGUAGES]
    assert not unknown, f"a fenced block is sh, python, cypher or text (output): {unknown}"


def test_every_sh_block_runs_or_says_why_not_and_names_the_test_that_covers_it() -> None:
    problems = []
    for b in run_blocks("sh"):
        lines = command_lines(b)
        if not lines:
            problems.append(f"{b.id}: no command")
        for line in lines:
            if not line.startswith("kg "):
                problems.append(f"{b.id}: `{line}` is not a kg command: mark the block <!-- not run: why; tests/... -->")
            elif why := never_here(shlex.split(line, comments=True)):
                problems.append(f"{b.id}: `{line}` {why}: mark the block <!-- not run: why; tests/... -->")
    for b in run_blocks("sh", run=False) + run_blocks("python", run=False) + run_blocks("cypher", run=False):
        named = re.findall(r"tests/test_\w+\.py", b.not_run or "")
        if not named:
            problems.append(f"{b.id}: the not-run note names no test that covers the block")
        problems += [f"{b.id}: {t} does not exist" for t in named if not (ROOT / t).is_file()]
    assert not problems, "\n".join(problems)


def test_the_runner_finds_the_blocks_of_every_page() -> None:
    assert len(PAGES) >= 11
    assert len(embedded_blocks()) >= 10 and len(neo4j_blocks()) >= 4 and len(run_blocks("cypher")) >= 11
    assert all(">>>" in b.text for b in run_blocks("python") if b.page.name == "README.md")


# ---- the blocks, run -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("docs") / "kg"
    subprocess.run([KG, "--store", str(store), "load", "-q", *map(str, INPUTS)], check=True, capture_output=True, timeout=300)
    return store


def workdir(tmp_path: Path, seed_store: Path) -> Path:
    """A folder laid out like the checkout, ``../shared`` beside it, ``./.kg`` a copy of the seed graph."""
    work = tmp_path / "mlsys-kg"
    work.mkdir()
    for entry in ("graph", "loaders", "queries", "tests", "scripts", "benchmarks", "docs", "README.md", "pyproject.toml"):
        (work / entry).symlink_to(ROOT / entry)
    if SHARED.exists():
        (tmp_path / "shared").symlink_to(SHARED.resolve(), target_is_directory=True)
    shutil.copytree(seed_store, work / ".kg")
    return work


def run_block(block: Block, work: Path, env: dict[str, str], *, neo4j: bool) -> None:
    """Run the block's commands (those for this backend) in order; each must succeed in one piece."""
    if block.language == "python":
        result = subprocess.run([sys.executable, "-c", block.text], cwd=work, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{block.id}:\n{result.stderr[-3000:]}"
        return
    for argv in kg_commands(block):
        if needs_neo4j(argv) != neo4j:
            continue
        stdin = None
        if "<" in argv:
            at = argv.index("<")
            stdin, argv = (work / argv[at + 1]).read_text(encoding="utf-8"), argv[:at] + argv[at + 2:]
        result = subprocess.run([KG, *argv[1:]], cwd=work, env=env, input=stdin, capture_output=True, text=True, timeout=300)
        shown = shlex.join(argv)
        assert result.returncode == 0, f"{block.id}: `{shown}` exited {result.returncode}: {result.stderr.strip()[-2000:]}"
        assert "Traceback" not in result.stderr, f"{block.id}: `{shown}`: {result.stderr[-2000:]}"
        assert result.stdout.strip() or result.stderr.strip(), f"{block.id}: `{shown}` said nothing"


@needs_seeds
@pytest.mark.parametrize("block", embedded_blocks(), ids=lambda b: b.id)
def test_every_command_and_script_runs_on_the_embedded_seed_graph(block: Block, seed_store: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KG_", "NEO4J_"))}
    run_block(block, workdir(tmp_path, seed_store), env, neo4j=False)


@pytest.mark.neo4j
@needs_seeds
@pytest.mark.parametrize("block", neo4j_blocks(), ids=lambda b: b.id)
def test_every_neo4j_command_and_script_runs_on_the_seeds_in_neo4j(block: Block, seeded: Seeded, neo4j_settings: Settings,
                                                                     seed_store: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KG_", "NEO4J_"))}
    env |= {"KG_BACKEND": "neo4j", "NEO4J_URI": neo4j_settings.neo4j_uri, "NEO4J_USERNAME": neo4j_settings.neo4j_username,
            "NEO4J_PASSWORD": neo4j_settings.neo4j_password, "NEO4J_DATABASE": neo4j_settings.neo4j_database}
    run_block(block, workdir(tmp_path, seed_store), env, neo4j=True)


@pytest.mark.neo4j
@needs_seeds
@pytest.mark.parametrize("block", run_blocks("cypher"), ids=lambda b: b.id)
def test_every_cypher_block_answers_on_neo4j(seeded: Seeded, block: Block) -> None:
    rows = seeded.neo.run_cypher(block.text, {})
    assert rows, f"{block.id}: each documented query has an answer on the seed graph"
    assert json.dumps(rows)  # plain values a reader can print


# ---- what the pages say ------------------------------------------------------------------------------


def test_the_schema_page_has_ten_questions_each_with_a_command_and_cypher() -> None:
    text = SCHEMA.read_text(encoding="utf-8")
    sections = re.split(r"^### ", text.split("## Ten questions researchers ask", 1)[1], flags=re.M)[1:]
    assert [s[:3] for s in sections] == [f"({c})" for c in "abcdefghij"]
    assert all("```sh" in s and "```cypher" in s for s in sections)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_between_the_pages_reaches_a_page_and_a_heading() -> None:
    broken = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and dest.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", dest.read_text(encoding="utf-8"), re.M)
                if anchor not in {slug(h) for h in headings}:
                    broken.append(f"{page.name}: {target}")
    assert not broken, f"links to nothing: {broken}"


def test_the_readme_is_a_front_door() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    assert all(f"(docs/{page.name})" in readme for page in PAGES[1:]), "the README lists every docs page"


def test_every_environment_variable_the_code_reads_is_in_the_settings_table() -> None:
    """A variable the code reads (``environ.get("KG_X")``, a ``.env`` key) that the settings table
    of docs/cli.md lacks is a setting no user can find."""
    read = set()
    for path in [*ROOT.glob("graph/**/*.py"), *ROOT.glob("loaders/**/*.py"), *ROOT.glob("queries/**/*.py")]:
        read |= set(re.findall(r"[\"'](KG_[A-Z0-9_]+|NEO4J_(?:URI|USERNAME|PASSWORD|DATABASE|BOLT_PORT|HTTP_PORT))[\"']", path.read_text(encoding="utf-8")))
    page = SETTINGS_PAGE.read_text(encoding="utf-8")
    table = page[page.index("| option / variable |"):]
    table = table[: table.index("\n\n")]
    documented = set(re.findall(r"`((?:KG|NEO4J|TEST_NEO4J)_[A-Z0-9_]+)`", table))
    assert read, "the scan found the variables"
    assert read <= documented, f"read by the code but not in the settings table: {sorted(read - documented)}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert set(re.findall(r"^(TEST_NEO4J_[A-Z_]+)\s*\?=", makefile, re.M)) <= documented


@needs_seeds
def test_the_generated_parts_of_every_page_are_what_the_code_and_seeds_give_today() -> None:
    """The seed graph's counts and the canned-query table are written by `make readme` (cog), which
    covers every page that holds a generated part."""
    generated = [p for p in PAGES if "[[[cog" in p.read_text(encoding="utf-8")]
    assert {p.name for p in generated} >= {"README.md", "cli.md"}
    recipe = re.search(r"^readme:.*\n\t(.+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert recipe and "README.md" in recipe.group(1) and "docs/*.md" in recipe.group(1)
    result = subprocess.run([str(Path(sys.executable).with_name("cog")), "--check", "-I", "scripts", *map(str, generated)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"a generated part is stale: run `make readme` ({result.stdout.strip()} {result.stderr.strip()})"
    assert "`beats-proposed-by`" in SETTINGS_PAGE.read_text(encoding="utf-8")
