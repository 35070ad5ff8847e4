"""Shared paths and fixtures: the project's own listings, the shared seeds and gold when present,
and a real Neo4j server for the tests marked ``neo4j``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.store import StoreUnavailable
from graph.store.embedded import EmbeddedStore
from graph.store.neo4j import Neo4jStore

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "eval" / "dev_gold.jsonl"
SCORE = SHARED / "eval" / "score.py"

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the checkout")
needs_gold = pytest.mark.skipif(not (GOLD.is_file() and SCORE.is_file()), reason="../shared/eval is not beside the checkout")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read a developer's KG_* settings; Neo4j settings stay for the neo4j tests."""
    for var in ("KG_BACKEND", "KG_STORE"):
        monkeypatch.delenv(var, raising=False)


# ---- a real Neo4j server (tests marked neo4j) -----------------------------------------------


def _required() -> bool:
    return os.environ.get("KG_REQUIRE_NEO4J") == "1"


def _node_count(store: Neo4jStore) -> int:
    with store.driver.session(database=store.database) as session:
        return session.run("MATCH (n) RETURN count(n) AS n").single(strict=True)["n"]


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The test server's settings; its kept answers (graph.store.neo4j_answers) go to a directory of the session's."""
    return Settings.from_env().model_copy(update={"backend": "neo4j", "store": tmp_path_factory.mktemp("neo4j-answers")})


@pytest.fixture(scope="session")
def neo(neo4j_settings: Settings) -> Iterator[Neo4jStore]:
    """A connected store on an empty database (emptied at the end, too)."""
    try:
        store = Neo4jStore.connect(neo4j_settings, schema=False)
    except StoreUnavailable as exc:
        if _required():
            pytest.fail(f"KG_REQUIRE_NEO4J=1 but Neo4j is not available: {exc}", pytrace=False)
        pytest.skip(f"Neo4j is not available: {exc}")
    if not _required() and _node_count(store) > 0:
        store.close()
        pytest.skip(
            f"the Neo4j database at {neo4j_settings.neo4j_uri} is not empty and these tests clear it: "
            "run `make test` (a throw-away server of its own), or set KG_REQUIRE_NEO4J=1 to allow it"
        )
    store.ensure_schema()
    store.clear()
    yield store
    store.clear()
    store.close()


# ---- a paper whose title is hostile to a page (the pictures and charts must show it as text) -----

HOSTILE_TITLE = "SplitServe </script><script>alert(1)</script> &amp; Merge: Serving LLMs Safely"
HOSTILE_SENTENCE = "SplitServe outperforms vLLM by 3.1x throughput on A100 GPUs for chat workloads."


def write_hostile_listing(directory: Path) -> Path:
    """The bundled example listing plus one paper with script and an entity in its title; it
    compares against vLLM (3.1× throughput) and targets the A100."""
    path = directory / "hostile_listing.txt"
    example = (ROOT / "loaders" / "examples" / "example_listing.txt").read_text(encoding="utf-8")
    path.write_text(f"{example.rstrip()}\n\n{HOSTILE_TITLE}\n\nLarge models need careful serving. {HOSTILE_SENTENCE}\n", encoding="utf-8")
    return path


# ---- the seeds (or the fixtures) in Neo4j and in an embedded store, for tests that compare or query them ----

INPUTS = [SEEDS] if SEEDS.is_dir() else sorted(FIXTURES.glob("*.txt"))


class Seeded:
    def __init__(self, neo: Neo4jStore, embedded: EmbeddedStore) -> None:
        self.neo = neo
        self.embedded = embedded


@pytest.fixture(scope="session")
def _seeds(neo: Neo4jStore, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    embedded = EmbeddedStore(tmp_path_factory.mktemp("embedded") / "kg")
    KnowledgeGraph(embedded).load(INPUTS)
    neo.clear()
    KnowledgeGraph(neo).load(INPUTS)
    return Seeded(neo, embedded)


@pytest.fixture
def seeded(_seeds: Seeded) -> Seeded:
    """Neo4j and an embedded store, both loaded with the seeds (reloaded if a test emptied Neo4j)."""
    if _seeds.neo.stats() != _seeds.embedded.stats():
        _seeds.neo.clear()
        KnowledgeGraph(_seeds.neo).load(INPUTS)
    return _seeds


# ---- a graph with a hub (pictures fold what a hub alone leads to) -----------------------------------


def hub_graph(papers: int = 30) -> tuple[list[Any], list[Any]]:
    """An engine three papers compare against (1.78× and 1.36× throughput; one states no number),
    all on one accelerator that ``papers`` more papers target; the first of those also uses a
    technique a comparing paper uses, so it is reached through a node that is not a hub."""
    from graph.model import Label, Node, Relationship, RelType

    def paper(key: str, title: str) -> Node:
        return Node(key=f"paper:{key}", label=Label.PAPER, properties={"title": title, "abstract": "Long text. " * 80})

    def rel(kind: RelType, start: str, end: str, **props: Any) -> Relationship:
        return Relationship(type=kind, start=start, end=end, properties={"evidence": f"{start} {kind.value} {end}.",
                                                                         "source": "hub.txt", "line": 1, **props})

    engine = Node(key="system:engine", label=Label.SYSTEM, properties={"name": "Engine"})
    accel = Node(key="hardware:accel", label=Label.HARDWARE, properties={"name": "Accel"})
    trick = Node(key="technique:trick", label=Label.TECHNIQUE, properties={"name": "trick"})
    near = [paper(f"near{i}", f"Near{i}: Serving Quantization-Friendly Models") for i in range(3)]
    far = [paper(f"far{i:02}", f"Far{i:02}: Throughput-Latency Tradeoffs on One Accelerator") for i in range(papers)]
    rels = [
        rel(RelType.COMPARES_TO, "paper:near0", "system:engine", claims=["1.36× throughput", "1.78× throughput"],
            claim_values=[1.36, 1.78], claim_units=["x", "x"], claim_metrics=["throughput", "throughput"],
            claim_directions=["higher", "higher"]),
        rel(RelType.COMPARES_TO, "paper:near1", "system:engine", claims=["2.08% accuracy"], claim_values=[2.08],
            claim_units=["%"], claim_metrics=["accuracy"], claim_directions=["higher"]),
        rel(RelType.COMPARES_TO, "paper:near2", "system:engine"),
        rel(RelType.USES, "paper:near0", "technique:trick"),
        rel(RelType.USES, "paper:far00", "technique:trick"),
    ]
    rels += [rel(RelType.TARGETS, p.key, "hardware:accel") for p in near + far]
    return [engine, accel, trick, *near, *far], rels


# ---- a local Neo4j of a test's own: a fresh home beside the fetched server, on free ports ---------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def kg_serve(args: list[str], env: dict[str, str], cwd: Path | None = None, timeout: float = 60) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A real ``kg ARGS serve --port PORT`` process on a free loopback port: its base URL once it
    accepts connections, and the process (stopped, its output read, on leaving)."""
    kg = str(Path(sys.executable).with_name("kg"))
    port = free_port()
    proc = subprocess.Popen([kg, *args, "serve", "--port", str(port)], env={**os.environ, "KG_SERVE_TOKEN": "", **env}, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"kg serve did not start: {proc.communicate()[1]}", pytrace=False)
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def fetched_neo4j_home() -> Path | None:
    """A home where `kg neo4j fetch` put the server's artifacts (the test server's first)."""
    from graph.neo4j_local.config import Layout
    from graph.neo4j_local.fetch import is_fetched

    candidates = [os.environ.get("KG_NEO4J_HOME"), ROOT / ".cache" / "neo4j-test", ROOT / ".cache" / "neo4j",
                  ROOT / ".cache" / "neo4j-admin-test"]
    for c in candidates:
        if c and is_fetched(Layout(Path(c).resolve())):
            return Path(c).resolve()
    return None


def fresh_server_home(home: Path) -> tuple[int, int]:
    """Make ``home`` a new, stopped server home that shares the fetched server's lib and plugins;
    its Bolt and HTTP ports. Skips (fails under KG_REQUIRE_NEO4J=1) when nothing was fetched."""
    import shutil

    from graph.neo4j_local.fetch import FETCH_MARKER

    source = fetched_neo4j_home()
    if source is None or shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if _required():
            pytest.fail("KG_REQUIRE_NEO4J=1 but no fetched local Neo4j (kg neo4j fetch) or Java is here", pytrace=False)
        pytest.skip("no fetched local Neo4j server (kg neo4j fetch) or no Java")
    home.mkdir(parents=True)
    for part in ("lib", "plugins"):
        (home / part).symlink_to(source / part, target_is_directory=True)
    (home / "FETCHED").write_text(FETCH_MARKER + "\n")
    return free_port(), free_port()
