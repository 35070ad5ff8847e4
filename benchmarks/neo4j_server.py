"""The benchmark's own Neo4j: started with the project's ``kg neo4j up`` in its own home and ports."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.kg_cli import BenchError, Kg, kg_for

FORBIDDEN_PORTS = frozenset({7687, 7688, 7689, 7474, 7475, 7476, 7691, 7478, 7693, 7479})  # other people's servers


@dataclass(frozen=True)
class Neo4jTarget:
    uri: str
    username: str
    password: str
    database: str = "neo4j"
    #: Start the server afresh with an empty database: set when the runner owns the server, where
    #: that takes seconds and deleting a 100k-paper graph with Cypher takes most of a minute.
    restart_empty: Callable[[], None] | None = field(default=None, compare=False)

    def env(self) -> dict[str, str]:
        return {"NEO4J_URI": self.uri, "NEO4J_USERNAME": self.username, "NEO4J_PASSWORD": self.password,
                "NEO4J_DATABASE": self.database}


@contextlib.contextmanager
def own_server(project: Path, home: Path, bolt: int, http: int, password: str) -> Iterator[Neo4jTarget]:
    """Start a local server (``kg neo4j up``) for the duration of the block, then stop it."""
    if {bolt, http} & FORBIDDEN_PORTS:
        raise BenchError(f"ports {bolt}/{http}: 7687-7689, 7474-7476, 7691, 7478, 7693 and 7479 belong to other servers")
    target = Neo4jTarget(f"bolt://127.0.0.1:{bolt}", "neo4j", password)
    kg: Kg = kg_for(project, {**target.env(), "KG_NEO4J_HOME": str(home), "NEO4J_BOLT_PORT": str(bolt),
                              "NEO4J_HTTP_PORT": str(http)})

    def up() -> None:
        run = kg.run("neo4j", "up", check=False)
        if not run.ok:
            raise BenchError(f"kg neo4j up: {run.error()}")

    def restart_empty() -> None:
        kg.run("neo4j", "reset")
        up()

    up()
    try:
        yield dataclasses.replace(target, restart_empty=restart_empty)
    finally:
        kg.run("neo4j", "down", check=False)
