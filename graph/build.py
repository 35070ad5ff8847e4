"""Listing files in, one graph batch out: parse every file first, then extract, then merge.

Nothing is written until every file has parsed, so a bad file leaves the store as it was.

>>> from pathlib import Path
>>> batch, report = build_batch([Path("tests/fixtures/blank_separated.txt")])
>>> report.files, report.entries == report.papers
(1, True)
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
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
    return batch_from_entries(entries, extractor, progress, jobs), report_of(entries, n_files)


def report_of(entries: list[ListingEntry], files: int) -> BuildReport:
    return BuildReport(files=files, entries=len(entries), papers=len({Paper.key_for(e.title) for e in entries}))


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


#: Entries whose facts are folded into one batch and handed to the store before the next ones:
#: what bounds a big load's memory (the embedded store writes them all in one transaction).
BATCH_ENTRIES = 5000


def extract_batches(
    entries: list[ListingEntry],
    extractor: Extractor | None = None,
    progress: Callable[[Iterable[ListingEntry]], Iterable[ListingEntry]] = lambda it: it,
    jobs: int = 1,
    batch_entries: int = BATCH_ENTRIES,
) -> Iterator[GraphBatch]:
    """The entries' facts, folded ``batch_entries`` entries at a time, in the entries' order, from
    ``jobs`` processes; while the caller writes one batch, the processes extract the next.

    Merging the batches in order gives the same graph for any ``jobs`` and any batch size: each
    entry is extracted alone, and folding parts in order is folding everything in order
    (``graph.merge`` keeps first-seen values and orders)."""
    global _worker_extractor
    extractor = extractor or Extractor()
    if jobs <= 1 or len(entries) < MIN_PARALLEL_ENTRIES or "fork" not in multiprocessing.get_all_start_methods():
        facts = (extractor.extract(entry) for entry in progress(entries))
        while part := list(itertools.islice(facts, batch_entries)):
            yield _folded(*_facts_of(part), derived=False)
        return
    _worker_extractor = extractor
    size = max(16, min(256, len(entries) // (jobs * 8)))
    chunks = [entries[i : i + size] for i in range(0, len(entries), size)]
    nodes: list[Node] = []
    rels: list[Relationship] = []
    pending = 0
    ticks = iter(progress(entries))
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for chunk, (chunk_nodes, chunk_rels) in zip(chunks, pool.imap(_extract_chunk, chunks)):
            for _ in chunk:  # the bar moves as each chunk comes back
                next(ticks, None)
            nodes.extend(Node.model_construct(key=k, label=Label(label), properties=p) for k, label, p in chunk_nodes)
            rels.extend(
                Relationship.model_construct(type=RelType(t), start=a, end=b, properties=p) for t, a, b, p in chunk_rels
            )
            pending += len(chunk)
            if pending >= batch_entries:
                yield _folded(nodes, rels, derived=True)
                nodes, rels, pending = [], [], 0
    if pending:
        yield _folded(nodes, rels, derived=True)
    deque(ticks, maxlen=0)  # let the bar finish


def _folded(nodes: list[Node], rels: list[Relationship], derived: bool) -> GraphBatch:
    """Each node and relationship once, its occurrences merged, its derived properties computed."""
    merged_nodes, merged_rels, _ = plan_merge(GraphBatch(nodes=nodes, relationships=rels, derived=derived), {}, {})
    return GraphBatch(nodes=merged_nodes, relationships=merged_rels, derived=True)


def batch_from_entries(
    entries: list[ListingEntry],
    extractor: Extractor | None = None,
    progress: Callable[[Iterable[ListingEntry]], Iterable[ListingEntry]] = lambda it: it,
    jobs: int = 1,
) -> GraphBatch:
    """Extract each entry and fold the results so each node and relationship appears once."""
    nodes: list[Node] = []
    rels: list[Relationship] = []
    for batch in extract_batches(entries, extractor, progress, jobs):
        nodes.extend(batch.nodes)
        rels.extend(batch.relationships)
    return _folded(nodes, rels, derived=True)
