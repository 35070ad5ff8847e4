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

from graph.model import Label, ListingEntry, Node, Relationship, RelType
from graph.store import GraphBatch, plan_merge
from loaders.extract import Extractor, PaperFacts
from graph.identity import KnownPapers, resolve_papers
from loaders.origins import origin_facts
from loaders.formats import KNOWN_SUFFIXES, ReadOptions, ReadStats, read_source
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
    """Read, extract and fold; papers are keyed by :mod:`graph.identity` (``known`` finds the
    keys a store already gives to titles)."""
    read = read_sources(paths, options)
    batch = batch_from_entries(read.entries, extractor, progress, jobs)
    stubs, proposes = origin_facts(batch.nodes, extractor.matcher.catalogue if extractor else None)
    batch = resolve_papers(GraphBatch(nodes=[*batch.nodes, *stubs], relationships=[*batch.relationships, *proposes]), known)
    papers = sum(1 for n in batch.nodes if n.label is Label.PAPER and n.properties.get("sources"))
    return batch, BuildReport(
        files=read.files, entries=len(read.entries), papers=papers, skipped=read.skipped, filtered=read.filtered
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
