"""CSV (or tab-separated) with a header row: ``title``, ``abstract``, and optionally ``date``
(or ``published``), ``arxiv_id`` (or ``arxiv``), ``doi``, ``authors`` (names separated by ";"),
``categories``. Header names are matched ignoring case; other columns are ignored. A row is named
by the line it starts on.

>>> from loaders.formats import ReadOptions, ReadStats
>>> entries = list(read(Path("loaders/examples/formats/example_papers.csv"), "x", ReadOptions(), ReadStats()))
>>> entries[0].arxiv_id, entries[0].published, entries[0].title_line
('2501.00001', '2025-01-02', 2)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from graph.model import ListingEntry, iso_date
from loaders.formats.common import admit, clean, make_entry, record_error
from loaders.source_io import MAX_LINE_CHARS, NotASource, check_lines, decode_text, read_bytes

if TYPE_CHECKING:
    from loaders.formats import ReadOptions, ReadStats

NAME = "csv"
SUFFIXES = (".csv", ".tsv")
CONTENT_ONLY_OK = True
_ALIASES = {"published": "date", "arxiv": "arxiv_id", "arxivid": "arxiv_id", "summary": "abstract"}


def _header(first_line: str) -> list[str]:
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return [h.strip().lower().replace(" ", "_") for h in next(csv.reader([first_line], delimiter=delimiter), [])]


def detect(start: bytes) -> bool:
    first = start.decode("utf-8", "replace").lstrip("\ufeff").split("\n", 1)[0]
    names = {_ALIASES.get(h, h) for h in _header(first)}
    return {"title", "abstract"} <= names


def read(path: Path, source: str, options: ReadOptions, stats: ReadStats) -> Iterator[ListingEntry]:
    text = decode_text(path, read_bytes(path))
    check_lines(path, text)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    csv.field_size_limit(MAX_LINE_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [_ALIASES.get(h, h) for h in _header(first)]
        next(reader, None)
        if "title" not in header:
            raise NotASource(f"{path}: a CSV header without a 'title' column — not a paper source")
        column = {name: header.index(name) for name in ("title", "abstract", "date", "arxiv_id", "doi", "authors", "categories") if name in header}
        start = reader.line_num + 1
        for row in reader:
            where, line = f"line {start}", start
            start = reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise record_error(path, where, f"{len(row)} fields, the header has {len(header)}")
            get = {name: (row[i] if i < len(row) else "") for name, i in column.items()}
            authors = tuple(clean(a) for a in get.get("authors", "").split(";") if clean(a))
            entry = make_entry(
                path, where, title=get.get("title"), abstract=get.get("abstract"), source=source,
                title_line=line, abstract_line=line, published=iso_date(get.get("date")) or clean(get.get("date")) or None,
                arxiv_id=clean(get.get("arxiv_id")) or None, doi=clean(get.get("doi")) or None,
                categories=tuple(get.get("categories", "").split()), author_names=authors, authors=len(authors) if authors else None,
            )
            if admit(entry, options, stats):
                yield entry
    except csv.Error as exc:
        raise record_error(path, f"line {reader.line_num}", f"malformed CSV ({exc})") from None
