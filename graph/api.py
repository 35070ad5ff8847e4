"""The Python face of the library: the same functions the ``kg`` command calls.

>>> import tempfile
>>> kg = KnowledgeGraph.open(Settings(store=tempfile.mkdtemp()))
>>> kg.load(["tests/fixtures/blank_separated.txt"]).papers > 0
True
>>> rows = kg.query("most-compared", limit=1)
>>> sorted(rows[0]) if rows else ['baseline', 'label', 'papers']
['baseline', 'label', 'papers']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from graph.build import build_batch
from graph.config import Settings
from graph.cypher import CypherNeedsNeo4j
from graph.export import write_export
from graph.model import ListingEntry, Node, Relationship
from graph.viz import render_html
from graph.store import EmbeddedStore, GraphStore, MergeSummary, Stats
from queries.catalog import CannedQuery, canned_queries, get_query


class LoadResult(BaseModel):
    files: int
    entries: int
    papers: int
    summary: MergeSummary


def open_store(settings: Settings) -> GraphStore:
    if settings.backend == "neo4j":
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore.connect(settings)
    return EmbeddedStore(settings.store)


class KnowledgeGraph:
    """A store plus the operations users run on it."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    @classmethod
    def open(cls, settings: Settings | None = None) -> KnowledgeGraph:
        return cls(open_store(settings or Settings.from_env()))

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def load(
        self,
        paths: Iterable[str | Path],
        progress: Callable[[Iterable[ListingEntry]], Iterable[ListingEntry]] = lambda it: it,
    ) -> LoadResult:
        """Parse, extract and merge listing files; nothing is written unless every file parses."""
        batch, report = build_batch([Path(p) for p in paths], progress=progress)
        summary = self.store.merge(batch)
        return LoadResult(files=report.files, entries=report.entries, papers=report.papers, summary=summary)

    def stats(self) -> Stats:
        return self.store.stats()

    def queries(self) -> tuple[CannedQuery, ...]:
        return canned_queries()

    def query(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        get_query(query_name).bind(params)  # unknown names and bad parameters fail the same on every backend
        return self.store.run_query(query_name, params)

    def cypher(self, statement: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]:
        """Rows of one ad-hoc Cypher statement as plain Python (needs the Neo4j backend).

        Read-only unless ``write=True``: a statement the server plans as anything but a read is
        refused with :class:`graph.cypher.CypherError`. Values travel as ``params``."""
        from graph.neo4j_store import Neo4jStore

        if not isinstance(self.store, Neo4jStore):
            raise CypherNeedsNeo4j()
        return self.store.run_cypher(statement, dict(params or {}), write=write)

    def show(self, name_or_title: str) -> list[Profile]:
        """Everything the graph knows about the papers or entities matching ``name_or_title``."""
        nodes, rels = self.store.nodes(), self.store.relationships()
        return [profile(nodes, rels, n) for n in find_nodes(nodes, name_or_title)]

    def visualize(self) -> str:
        return render_html(self.store.nodes(), self.store.relationships())

    def export(self, fh: IO[str]) -> int:
        return write_export(self.store.nodes(), self.store.relationships(), fh)


class Fact(BaseModel):
    """One relationship seen from a node: direction, type, the node at the other end, the citation."""

    direction: str  # "out" (this node -> other) or "in"
    type: str
    other: str  # name or title of the node at the other end
    other_key: str
    evidence: str | None = None
    source: str | None = None
    line: int | None = None
    claims: list[str] = []


class Profile(BaseModel):
    key: str
    label: str
    name: str
    properties: dict[str, Any]
    facts: list[Fact]


def _display(node: Node) -> str:
    return str(node.properties.get("name") or node.properties.get("title") or node.key)


def find_nodes(nodes: list[Node], needle: str) -> list[Node]:
    """Nodes named ``needle`` (name, alias or key, any case); failing that, papers whose title contains it."""
    wanted = needle.strip().lower()
    exact = [
        n for n in nodes
        if wanted in {n.key.lower(), str(n.properties.get("name", "")).lower(), str(n.properties.get("title", "")).lower()}
        or wanted in {a.lower() for a in n.properties.get("aliases") or []}
    ]
    if exact:
        return exact
    return [n for n in nodes if wanted and wanted in str(n.properties.get("title", "")).lower()]


def profile(nodes: list[Node], relationships: list[Relationship], node: Node) -> Profile:
    by_key = {n.key: n for n in nodes}
    facts = []
    for r in relationships:
        if node.key not in (r.start, r.end) or r.type.value == "IS_A" and r.start != node.key:
            continue
        out = r.start == node.key
        other = by_key[r.end if out else r.start]
        p = r.properties
        facts.append(Fact(
            direction="out" if out else "in", type=r.type.value, other=_display(other), other_key=other.key,
            evidence=p.get("evidence"), source=p.get("source"), line=p.get("line"), claims=list(p.get("claims") or []),
        ))
    facts.sort(key=lambda f: (f.direction, f.type, f.other))
    return Profile(key=node.key, label=node.label.value, name=_display(node), properties=node.properties, facts=facts)
