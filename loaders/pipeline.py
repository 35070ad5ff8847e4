"""Listing files in, one graph batch out: parse every file first, then extract, then merge.

Nothing is written until every file has parsed, so a bad file leaves the store as it was.

>>> from pathlib import Path
>>> batch, report = build_batch([Path("tests/fixtures/blank_separated.txt")])
>>> report.files, report.entries == report.papers
(1, True)
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from pathlib import Path

from pydantic import BaseModel

from graph.lookup import derive
from graph.model import Label, ListingEntry, Node, Paper, Relationship, RelType
from graph.store import GraphBatch, plan_merge
from graph.store.identity import KnownPapers, apply_moves, key_moves
from loaders.catalogue import load_catalogue
from loaders.extract import Extractor, PaperFacts
from loaders.formats import KNOWN_SUFFIXES, ReadOptions, ReadStats, read_source
from loaders.origins import origin_facts
from loaders.source_io import ListingError, NotASource, inner_suffix


class Skipped(BaseModel):
    """A file met in a folder and not loaded: ``reason`` is "not a source" or "unknown format"."""

    path: str
    reason: str
    detail: str


class BuildReport(BaseModel):
    files: int
    entries: int
    papers: int  # distinct papers among the entries
    skipped: list[Skipped] = []
    filtered: int = 0  # records left out by the category filter


class SourceRead(BaseModel):
    entries: list[ListingEntry]
    files: int
    skipped: list[Skipped]
    filtered: int = 0


def _walk(folder: Path) -> list[Path]:
    """Every visible file under ``folder``, recursively, in sorted order (hidden folders left out)."""
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).parts
        if any(part.startswith(".") for part in rel) or not path.is_file():
            continue
        found.append(path)
    return found


def read_sources(paths: Iterable[Path], options: ReadOptions | None = None) -> SourceRead:
    """Every entry of every source under ``paths``: named files must be sources (else ListingError);
    folders are walked recursively, and their files of no known format, or holding no papers, are
    skipped with the reason. A malformed record in a source fails the whole read."""
    options = options or ReadOptions()
    paths = list(map(Path, paths))
    entries: list[ListingEntry] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    files = filtered = 0
    for named in paths:
        if named.is_dir():
            members, walking = _walk(named), True
        elif named.exists() or named.is_symlink():
            members, walking = [named], False
        else:
            raise ListingError(f"{named}: no such file or directory")
        for path in members:
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            if walking and options.format is None and inner_suffix(path) not in KNOWN_SUFFIXES:
                skipped.append(Skipped(path=str(path), reason="unknown format", detail=f"{path}: suffix {inner_suffix(path) or '(none)'}"))
                continue
            stats = ReadStats()
            try:
                got = list(read_source(path, path.name, options, stats))
            except NotASource as exc:
                if not walking:
                    raise
                skipped.append(Skipped(path=str(path), reason=exc.kind, detail=str(exc)))
                continue
            entries.extend(got)
            files += 1
            filtered += stats.filtered
    if not files:
        why = f" (skipped {describe_skips(skipped)})" if skipped else ""
        raise ListingError(f"{', '.join(map(str, paths))}: no listing files or other paper sources found{why}")
    return SourceRead(entries=entries, files=files, skipped=skipped, filtered=filtered)


def describe_skips(skipped: list[Skipped]) -> str:
    """'3 files: 2 not a source, 1 unknown format'."""
    counts: dict[str, int] = {}
    for s in skipped:
        counts[s.reason] = counts.get(s.reason, 0) + 1
    parts = ", ".join(f"{n} {reason}" for reason, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    return f"{len(skipped)} file{'s' if len(skipped) != 1 else ''}: {parts}"


def read_entries(paths: Iterable[Path]) -> tuple[list[ListingEntry], int]:
    """Every entry of every source under ``paths``; raises ListingError on the first bad one."""
    read = read_sources(paths)
    return read.entries, read.files


def build_batch(
    paths: Iterable[Path],
    extractor: Extractor | None = None,
    progress: Callable[[Iterable[ListingEntry]], Iterable[ListingEntry]] = lambda it: it,
    jobs: int = 1,
    options: ReadOptions | None = None,
    known: KnownPapers | None = None,
) -> tuple[GraphBatch, BuildReport]:
    """Read, extract and fold a load into one batch (what :func:`load_batches` yields, folded);
    papers are keyed by :mod:`graph.store.identity` (``known`` finds the keys a store already gives to titles)."""
    read = read_sources(paths, options)
    nodes: list[Node] = []
    rels: list[Relationship] = []
    for batch in load_batches(read.entries, known, extractor, progress, jobs):
        nodes.extend(batch.nodes)
        rels.extend(batch.relationships)
    return _folded(nodes, rels, derived=True), report_of(read)


def report_of(read: SourceRead) -> BuildReport:
    moves = paper_moves(read.entries)
    papers = {moves.get(k, k) for k in map(_own_key, read.entries)}
    return BuildReport(files=read.files, entries=len(read.entries), papers=len(papers), skipped=read.skipped, filtered=read.filtered)


def _own_key(entry: ListingEntry) -> str:
    return Paper.key_of(entry.arxiv_id, entry.doi, entry.title)


def paper_moves(entries: list[ListingEntry], known: KnownPapers | None = None) -> dict[str, str]:
    """Own key (:meth:`Paper.key_of`) -> the key the paper goes under in this load, for the papers
    that move: those whose titles fold alike, the catalogue's origin papers among them, are one
    paper (:func:`graph.store.identity.key_moves`)."""
    own = [(_own_key(e), e.title) for e in entries]
    origins = [(Paper.key_of(o.arxiv, o.doi, o.title), o.title) for entry in load_catalogue() if (o := entry.origin)]
    return key_moves(own + origins, known)


def load_batches(
    entries: list[ListingEntry],
    known: KnownPapers | None = None,
    extractor: Extractor | None = None,
    progress: Callable[[Iterable[ListingEntry]], Iterable[ListingEntry]] = lambda it: it,
    jobs: int = 1,
) -> Iterator[GraphBatch]:
    """What a load merges, a batch at a time (:func:`extract_batches`): the facts of the entries,
    with the catalogue's origin papers of the systems they name (:mod:`loaders.origins`), and
    every paper under its one key. Keys are settled once for the whole load, from all its entries
    and the store's papers (``known``, asked when the first batch is wanted, which is inside the
    embedded store's write lock), so they do not depend on where batches begin."""
    moves = paper_moves(entries, known)
    for batch in extract_batches(entries, extractor, progress, jobs):
        stubs, proposes = origin_facts(batch.nodes)
        stubs = [Node.model_construct(key=n.key, label=n.label, properties=derive(Label.PAPER.value, n.properties)) for n in stubs]
        yield apply_moves(GraphBatch.model_construct(nodes=[*batch.nodes, *stubs], relationships=[*batch.relationships, *proposes], derived=True), moves)


#: Below this many entries one process is faster than starting others.
MIN_PARALLEL_ENTRIES = 400
_worker_extractor: Extractor | None = None  # set before the workers fork, so each inherits it compiled
_worker_entries: list[ListingEntry] = []  # likewise: a worker is sent index ranges, not pickled entries

_Plain = tuple[list[tuple[str, str, dict[str, Any]]], list[tuple[str, str, str, dict[str, Any]]]]


def _worker_signals() -> None:
    """A worker dies on SIGTERM (the pool stops its workers so) and leaves Ctrl-C to the parent,
    whatever handlers the parent process had when it forked."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _extract_chunk(span: tuple[int, int]) -> _Plain:
    """A worker's share, ``_worker_entries[start:end]``: its entries' facts folded together, as
    plain tuples (cheap to send back)."""
    assert _worker_extractor is not None
    nodes, rels = _facts_of(_worker_extractor.extract(e) for e in _worker_entries[span[0] : span[1]])
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
    """The entries' facts, ``batch_entries`` entries at a time, in the entries' order, from ``jobs``
    processes; while the caller writes one batch, the processes extract the next. A batch may
    hold a node or relationship more than once (each process folds its own share): the store's
    merge folds them, so the parent does not fold them first.

    Merging the batches in order gives the same graph for any ``jobs`` and any batch size: each
    entry is extracted alone, and folding parts in order is folding everything in order
    (``graph.store.merge`` keeps first-seen values and orders)."""
    global _worker_extractor, _worker_entries
    extractor = extractor or Extractor()
    if jobs <= 1 or len(entries) < MIN_PARALLEL_ENTRIES or "fork" not in multiprocessing.get_all_start_methods():
        facts = (extractor.extract(entry) for entry in progress(entries))
        while part := list(itertools.islice(facts, batch_entries)):
            yield _folded(*_facts_of(part), derived=False)
        return
    _worker_extractor, _worker_entries = extractor, entries
    size = max(16, min(256, len(entries) // (jobs * 8)))
    spans = [(i, min(i + size, len(entries))) for i in range(0, len(entries), size)]
    ticks = iter(progress(entries))
    gc.freeze()  # the workers' collections leave the inherited objects alone, so their pages stay shared
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_signals) as pool:
            yield from _collect(pool.imap(_extract_chunk, spans), spans, ticks, batch_entries)
    finally:
        gc.unfreeze()
        _worker_entries = []
    deque(ticks, maxlen=0)  # let the bar finish


def _collect(results: Iterator[_Plain], spans: list[tuple[int, int]], ticks: Iterator[Any], batch_entries: int) -> Iterator[GraphBatch]:
    """The workers' results as batches of at least ``batch_entries`` entries, in order."""
    nodes: list[Node] = []
    rels: list[Relationship] = []
    pending = 0
    for (start, end), (chunk_nodes, chunk_rels) in zip(spans, results):
        for _ in range(start, end):  # the bar moves as each chunk comes back
            next(ticks, None)
        nodes.extend(Node.model_construct(key=k, label=Label(label), properties=p) for k, label, p in chunk_nodes)
        rels.extend(Relationship.model_construct(type=RelType(t), start=a, end=b, properties=p) for t, a, b, p in chunk_rels)
        pending += end - start
        if pending >= batch_entries:
            yield GraphBatch.model_construct(nodes=nodes, relationships=rels, derived=True)
            nodes, rels, pending = [], [], 0
    if pending:
        yield GraphBatch.model_construct(nodes=nodes, relationships=rels, derived=True)


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
