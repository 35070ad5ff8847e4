"""The arXiv metadata snapshot: JSON lines of ``id``, ``title``, ``abstract``, ``authors`` or
``authors_parsed``, ``categories`` ("cs.DC cs.LG"), ``versions`` ([{"version": "v1", "created":
"Tue, 12 Sep 2023 17:58:05 GMT"}]), ``update_date`` and ``doi``. Read one line at a time: the
category filter drops a record before the next is read, so memory holds only what is kept.

>>> from loaders.formats import ReadOptions, ReadStats
>>> stats = ReadStats()
>>> [e.arxiv_id for e in read(Path("loaders/examples/formats/example_papers.jsonl"), "x", ReadOptions(categories=frozenset({"cs.AR"})), stats)]
['2501.00004', '2501.00011', '2501.00018', '2501.00025']
>>> stats.records, stats.kept
(30, 4)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.model import ListingEntry, iso_date
from loaders.formats.common import admit, clean, make_entry, record_error
from loaders.source_io import iter_lines

if TYPE_CHECKING:
    from loaders.formats import ReadOptions, ReadStats

NAME = "arxiv-jsonl"
SUFFIXES = (".jsonl", ".json", ".ndjson")
CONTENT_ONLY_OK = True


def detect(start: bytes) -> bool:
    """JSON objects, one a line, the first with a title (whether records carry abstracts is
    checked on reading)."""
    first = start.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    return first.startswith(b"{") and b'"title"' in first


def _published(record: dict[str, Any]) -> str | None:
    versions = record.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        created = versions[0].get("created")
        if isinstance(created, str):
            try:
                return parsedate_to_datetime(created).date().isoformat()
            except (TypeError, ValueError, IndexError):
                pass
    date = record.get("update_date")
    return iso_date(date) if isinstance(date, str) else None


def _authors(record: dict[str, Any]) -> tuple[str, ...]:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and all(isinstance(a, list) for a in parsed):
        return tuple(clean(" ".join(str(p) for p in reversed(a[:2]) if p)) for a in parsed if a)
    text = record.get("authors")
    if isinstance(text, str):
        return tuple(clean(a) for a in text.replace(" and ", ", ").split(",") if clean(a))
    return ()


def entry_of(record: Any, path: Path, source: str, number: int) -> ListingEntry:
    where = f"line {number}"
    if not isinstance(record, dict):
        raise record_error(path, where, f"a JSON {type(record).__name__}, not an arXiv record (an object)")
    for name in ("id", "title", "abstract", "categories", "doi"):
        if record.get(name) is not None and not isinstance(record[name], str):
            raise record_error(path, where, f"{name!r} is not a string")
    authors = _authors(record)
    return make_entry(
        path, where, title=record.get("title"), abstract=record.get("abstract"), source=source,
        title_line=number, abstract_line=number, published=_published(record),
        arxiv_id=record.get("id") or None, doi=(record.get("doi") or "").split()[0] if record.get("doi") else None,
        categories=tuple((record.get("categories") or "").split()), author_names=authors,
        authors=len(authors) if authors else None,
    )


def read(path: Path, source: str, options: ReadOptions, stats: ReadStats) -> Iterator[ListingEntry]:
    for number, line in iter_lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except RecursionError:
            raise record_error(path, f"line {number}", "JSON nested too deeply") from None
        except json.JSONDecodeError as exc:
            raise record_error(path, f"line {number}", f"not JSON ({exc.msg} at column {exc.colno})") from None
        entry = entry_of(record, path, source, number)
        if admit(entry, options, stats):
            yield entry
