"""Listing files in, one graph batch out: parse every file first, then extract, then merge.

Nothing is written until every file has parsed, so a bad file leaves the store as it was.

>>> from pathlib import Path
>>> batch, report = build_batch([Path("tests/fixtures/blank_separated.txt")])
>>> report.files, report.entries == report.papers
(1, True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel

from graph.model import ListingEntry, Node, Paper, Relationship
from graph.store import GraphBatch, plan_merge
from loaders.extract import Extractor
from loaders.listing import ListingError, iter_listing_files, read_listing


class BuildReport(BaseModel):
    files: int
    entries: int
    papers: int  # distinct papers among the entries


def read_entries(paths: Iterable[Path]) -> tuple[list[ListingEntry], int]:
    """Every entry of every listing file under ``paths``; raises ListingError on the first bad one."""
    paths = list(paths)
    files = iter_listing_files(paths)
    if not files:
        raise ListingError(f"{', '.join(map(str, paths))}: no listing files (*.txt, *.md) found")
    entries: list[ListingEntry] = []
    for path in files:
        entries.extend(read_listing(path))
    return entries, len(files)


def build_batch(
    paths: Iterable[Path],
    extractor: Extractor | None = None,
    progress: Callable[[Iterable[ListingEntry]], Iterable[ListingEntry]] = lambda it: it,
) -> tuple[GraphBatch, BuildReport]:
    entries, n_files = read_entries(paths)
    return batch_from_entries(entries, extractor, progress), BuildReport(
        files=n_files, entries=len(entries), papers=len({Paper.key_for(e.title) for e in entries})
    )


def batch_from_entries(
    entries: list[ListingEntry],
    extractor: Extractor | None = None,
    progress: Callable[[Iterable[ListingEntry]], Iterable[ListingEntry]] = lambda it: it,
) -> GraphBatch:
    """Extract each entry and fold the results so each node and relationship appears once."""
    extractor = extractor or Extractor()
    nodes: list[Node] = []
    rels: list[Relationship] = []
    for entry in progress(entries):
        facts = extractor.extract(entry)
        nodes.append(facts.paper)
        nodes.extend(facts.nodes)
        rels.extend(facts.relationships)
    merged_nodes, merged_rels, _ = plan_merge(GraphBatch(nodes=nodes, relationships=rels), {}, {})
    return GraphBatch(nodes=merged_nodes, relationships=merged_rels)
