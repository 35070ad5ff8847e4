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
from graph.export import write_export
from graph.model import ListingEntry
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

    def visualize(self) -> str:
        return render_html(self.store.nodes(), self.store.relationships())

    def export(self, fh: IO[str]) -> int:
        return write_export(self.store.nodes(), self.store.relationships(), fh)
