"""Every source format behind one interface, and the registry that picks one for a file.

A format is a module with ``NAME``, ``SUFFIXES`` (what its files are called, under an optional
``.gz``), ``detect(head)`` (does the start of the decompressed content look like it?) and
``read(path, source, options)`` yielding :class:`graph.model.ListingEntry` records. A malformed
record is a :class:`ListingError` naming the file and its line or record number.

>>> from pathlib import Path
>>> choose(Path("loaders/examples/formats/example_papers.bib")).NAME, choose(Path("loaders/examples/formats/example_papers.csv")).NAME
('bibtex', 'csv')
>>> [f.NAME for f in FORMATS]
['arxiv-jsonl', 'hf-daily', 'bibtex', 'csv', 'listing']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from graph.model import ListingEntry
from loaders.formats import arxiv_jsonl, bibtex, csv_table, hf_daily, listing
from loaders.source_io import ListingError, NotASource, head, inner_suffix

FORMATS: tuple[ModuleType, ...] = (arxiv_jsonl, hf_daily, bibtex, csv_table, listing)
BY_NAME = {f.NAME: f for f in FORMATS}
KNOWN_SUFFIXES = frozenset(s for f in FORMATS for s in f.SUFFIXES)
_HTML = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


@dataclass
class ReadOptions:
    """What the user asked for: a forced format, arXiv categories to keep."""

    format: str | None = None
    categories: frozenset[str] = frozenset()
    allow_title_only: bool = False  # a file whose entries have titles only is still a source


@dataclass
class ReadStats:
    """What one file held: its records, those with a title and an abstract, those filtered out."""

    records: int = 0
    with_abstract: int = 0
    filtered: int = 0
    kept: int = 0
    notes: list[str] = field(default_factory=list)


def choose(path: Path, forced: str | None = None) -> ModuleType:
    """The format of ``path``: ``forced``, else the one its suffix names whose content fits, else
    the one its content fits; NotASource when none does."""
    start = head(path)
    if _HTML.match(start):
        raise NotASource(f"{path}: an HTML page, not a paper source (save the papers as a listing, arXiv JSON lines, BibTeX or CSV)")
    if forced is not None:
        if forced not in BY_NAME:
            raise ListingError(f"unknown format {forced!r}; known: {', '.join(BY_NAME)}")
        return BY_NAME[forced]
    suffix = inner_suffix(path)
    for fmt in FORMATS:
        if suffix in fmt.SUFFIXES and fmt.detect(start):
            return fmt
    for fmt in FORMATS:
        if fmt.CONTENT_ONLY_OK and fmt.detect(start):
            return fmt
    shown = suffix or "no suffix"
    raise NotASource(
        f"{path}: not a paper source in a known format ({shown}; known: {', '.join(BY_NAME)}; or pass --format)",
        "unknown format",
    )


def read_source(path: Path, source: str, options: ReadOptions, stats: ReadStats | None = None) -> Iterator[ListingEntry]:
    """The entries of one file, streamed; after the last one, a file with no entry carrying both
    a title and an abstract is refused (:class:`NotASource`)."""
    stats = stats if stats is not None else ReadStats()
    fmt = choose(path, options.format)
    yield from fmt.read(path, source, options, stats)
    if stats.with_abstract == 0 and not (options.allow_title_only and stats.records):
        what = f"{stats.records} record(s)" if stats.records else "nothing"
        raise NotASource(f"{path}: read as {fmt.NAME}, {what} but no entry with both a title and an abstract — not a paper source (a list of titles? pass --allow-title-only)")


__all__ = ["BY_NAME", "FORMATS", "KNOWN_SUFFIXES", "ReadOptions", "ReadStats", "choose", "read_source"]
