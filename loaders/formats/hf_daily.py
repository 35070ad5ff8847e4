"""The Hugging Face daily-papers API JSON: a list of entries whose ``paper`` holds ``id`` (the
arXiv id), ``title``, ``summary``, ``authors`` ([{"name": ...}]) and ``publishedAt``. An entry is
named by its record number (1 for the first) where a line would be.

>>> from loaders.formats import ReadOptions, ReadStats
>>> entries = list(read(Path("loaders/examples/formats/example_papers_hf.json"), "x", ReadOptions(), ReadStats()))
>>> entries[0].arxiv_id, entries[0].published, entries[0].title_line
('2501.00001', '2025-01-02', 1)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.model import ListingEntry, iso_date
from loaders.formats.common import admit, clean, make_entry, record_error
from loaders.source_io import check_lines, decode_text, read_bytes

if TYPE_CHECKING:
    from loaders.formats import ReadOptions, ReadStats

NAME = "hf-daily"
SUFFIXES = (".json",)
CONTENT_ONLY_OK = True


def detect(start: bytes) -> bool:
    return start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[") and b'"paper"' in start


def _entry(item: Any, path: Path, source: str, number: int) -> ListingEntry:
    where = f"record {number}"
    paper = item.get("paper") if isinstance(item, dict) else None
    if not isinstance(paper, dict):
        raise record_error(path, where, "no 'paper' object")
    for name in ("id", "title", "summary", "publishedAt"):
        if paper.get(name) is not None and not isinstance(paper[name], str):
            raise record_error(path, where, f"paper.{name} is not a string")
    authors = paper.get("authors") or []
    names = tuple(clean(a.get("name")) for a in authors if isinstance(a, dict) and clean(a.get("name"))) if isinstance(authors, list) else ()
    return make_entry(
        path, where, title=paper.get("title"), abstract=paper.get("summary"), source=source,
        title_line=number, abstract_line=number, published=iso_date(paper.get("publishedAt")),
        arxiv_id=paper.get("id") or None, author_names=names, authors=len(names) if names else None,
    )


def read(path: Path, source: str, options: ReadOptions, stats: ReadStats) -> Iterator[ListingEntry]:
    text = decode_text(path, read_bytes(path))
    check_lines(path, text)
    try:
        items = json.loads(text)
    except RecursionError:
        raise record_error(path, "top level", "JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise record_error(path, f"line {exc.lineno}", f"not JSON ({exc.msg})") from None
    if not isinstance(items, list):
        raise record_error(path, "top level", "not a list of daily-paper entries")
    for number, item in enumerate(items, start=1):
        entry = _entry(item, path, source, number)
        if admit(entry, options, stats):
            yield entry
