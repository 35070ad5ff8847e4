"""Listing files in, one graph batch out: parse every file first, then extract, then merge.

Nothing is written until every file has parsed, so a bad file leaves the store as it was.

>>> from pathlib import Path
>>> batch, report = build_batch([Path("tests/fixtures/blank_separated.txt")])
>>> report.files, report.entries == report.papers
(1, True)
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any
from pathlib import Path

from pydantic import BaseModel

from graph.model import Label, ListingEntry, Node, Paper, Relationship, RelType
from graph.store import GraphBatch, plan_merge
from loaders.extract import Extractor, PaperFacts
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
    jobs: int = 1,
) -> tuple[GraphBatch, BuildReport]:
    entries, n_files = read_entries(paths)
    return batch_from_entries(entries, extractor, progress, jobs), BuildReport(
        files=n_files, entries=len(entries), papers=len({Paper.key_for(e.title) for e in entries})
    )


#: Below this many entries one process is faster than starting others.
MIN_PARALLEL_ENTRIES = 400
_worker_extractor: Extractor | None = None  # set before the workers fork, so each inherits it compiled

_Plain = tuple[list[tuple[str, str, dict[str, Any]]], list[tuple[str, str, str, dict[str, Any]]]]


def _extract_chunk(entries: list[ListingEntry]) -> _Plain:
    """A worker's share: its entries' facts folded together, as plain tuples (cheap to send back)."""
    assert _worker_extractor is not None
    nodes, rels = _facts_of(_worker_extractor.extract(e) for e in entries)
    merged_nodes, merged_rels, _ = plan_merge(GraphBatch(nodes=nodes, relationships=rels), {}, {})
    return (
        [(n.key, n.label.value, n.properties) for n in merged_nodes],
        [(r.type.value, r.start, r.end, r.properties) for r in merged_rels],
    )


def _facts_of(all_facts: Iterable[PaperFacts]) -> tuple[list[Node], list[Relationship]]:
    nodes: list[Node] = []
    rels: list[Relationship] = []
    for facts in all_facts:
        nodes.append(facts.paper)
        nodes.extend(facts.nodes)
        rels.extend(facts.relationships)
    return nodes, rels


def extract_all(
    entries: list[ListingEntry],
    extractor: Extractor | None = None,
    progress: Callable[[Iterable[ListingEntry]], Iterable[ListingEntry]] = lambda it: it,
    jobs: int = 1,
) -> tuple[list[Node], list[Relationship]]:
    """The entries' nodes and relationships, in the entries' order, from ``jobs`` processes.

    The result does not depend on ``jobs``: each entry is extracted alone, the chunks come back in
    order, and folding a chunk first then the chunks in order is folding everything in order
    (``graph.merge`` keeps first-seen values and orders)."""
    global _worker_extractor
    extractor = extractor or Extractor()
    if jobs <= 1 or len(entries) < MIN_PARALLEL_ENTRIES or "fork" not in multiprocessing.get_all_start_methods():
        return _facts_of(extractor.extract(entry) for entry in progress(entries))
    _worker_extractor = extractor
    size = max(16, min(256, len(entries) // (jobs * 8)))
    chunks = [entries[i : i + size] for i in range(0, len(entries), size)]
    nodes: list[Node] = []
    rels: list[Relationship] = []
    ticks = iter(progress(entries))
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for chunk, (chunk_nodes, chunk_rels) in zip(chunks, pool.imap(_extract_chunk, chunks)):
            for _ in chunk:  # the bar moves as each chunk comes back
                next(ticks, None)
            nodes.extend(Node.model_construct(key=k, label=Label(label), properties=p) for k, label, p in chunk_nodes)
            rels.extend(
                Relationship.model_construct(type=RelType(t), start=a, end=b, properties=p) for t, a, b, p in chunk_rels
            )
    deque(ticks, maxlen=0)  # let the bar finish
    return nodes, rels


def batch_from_entries(
    entries: list[ListingEntry],
    extractor: Extractor | None = None,
    progress: Callable[[Iterable[ListingEntry]], Iterable[ListingEntry]] = lambda it: it,
    jobs: int = 1,
) -> GraphBatch:
    """Extract each entry and fold the results so each node and relationship appears once."""
    nodes, rels = extract_all(entries, extractor, progress, jobs)
    merged_nodes, merged_rels, _ = plan_merge(GraphBatch(nodes=nodes, relationships=rels), {}, {})
    return GraphBatch(nodes=merged_nodes, relationships=merged_rels)
