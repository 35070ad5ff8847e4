"""BibTeX (Zotero, Google Scholar, arXiv exports), parsed by ``bibtexparser``: ``title``,
``abstract``, ``year``/``month`` (or ``date``), ``eprint`` (with ``archiveprefix`` arXiv, or a
bare arXiv id) and ``doi``. Braces and common LaTeX accents are taken out of the text; an entry is
named by the line it starts on.

>>> from loaders.formats import ReadOptions, ReadStats
>>> entries = list(read(Path("loaders/examples/formats/example_papers.bib"), "x", ReadOptions(), ReadStats()))
>>> entries[0].arxiv_id, entries[0].published, entries[0].title_line
('2501.00001', '2025-01', 1)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import bibtexparser

from graph.model import ListingEntry, arxiv_id, iso_date
from loaders.formats.common import admit, clean, make_entry, record_error
from loaders.markup import plain_text
from loaders.source_io import check_lines, decode_text, read_bytes

if TYPE_CHECKING:
    from loaders.formats import ReadOptions, ReadStats

NAME = "bibtex"
SUFFIXES = (".bib", ".bibtex")
CONTENT_ONLY_OK = True
_ENTRY_START = re.compile(rb"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def detect(start: bytes) -> bool:
    return bool(_ENTRY_START.search(start))


def _text(value: str | None) -> str:
    if not value:
        return ""
    return plain_text(clean(re.sub(r"(?<!\\)~", " ", value)))  # BibTeX's tie is a space


def _published(fields: dict[str, str]) -> str | None:
    """An ISO date, or year-month ('2023-09'), or year: as precise as the entry is."""
    if iso := iso_date(fields.get("date")):
        return iso
    year = re.fullmatch(r"\s*((?:19|20)[0-9]{2})\s*", fields.get("year", ""))
    if not year:
        return None
    month = fields.get("month", "").strip().lower()
    number = int(month) if month.isdigit() and 1 <= int(month) <= 12 else (_MONTHS.index(month[:3]) + 1 if month[:3] in _MONTHS else None)
    return f"{year[1]}-{number:02d}" if number else year[1]


def _arxiv(fields: dict[str, str]) -> str | None:
    eprint = fields.get("eprint", "").strip()
    prefix = fields.get("archiveprefix", fields.get("eprinttype", "")).strip().lower()
    if eprint and prefix in ("", "arxiv"):
        try:
            return arxiv_id(eprint)
        except ValueError:
            if prefix == "arxiv":
                raise
    journal = fields.get("journal", "")
    m = re.search(r"arXiv[:\s]+([0-9]{4}\.[0-9]{4,5})", journal, re.IGNORECASE)
    return m[1] if m else None


def read(path: Path, source: str, options: ReadOptions, stats: ReadStats) -> Iterator[ListingEntry]:
    text = decode_text(path, read_bytes(path))
    check_lines(path, text)
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # the parser's own errors have no common base class
        raise record_error(path, "BibTeX", f"cannot be parsed ({exc.__class__.__name__})") from None
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise record_error(path, f"line {block.start_line + 1}", f"a malformed BibTeX entry ({len(library.failed_blocks)} in the file)")
    for item in library.entries:
        fields = {k.lower(): str(f.value) for k, f in item.fields_dict.items()}
        line = item.start_line + 1
        try:
            arxiv = _arxiv(fields)
        except ValueError as exc:
            raise record_error(path, f"line {line}", str(exc)) from None
        authors = tuple(a for a in (_text(a) for a in re.split(r"\s+and\s+", fields.get("author", ""))) if a)
        entry = make_entry(
            path, f"line {line}", title=_text(fields.get("title")), abstract=_text(fields.get("abstract")),
            source=source, title_line=line, abstract_line=line, published=_published(fields),
            arxiv_id=arxiv, doi=fields.get("doi", "").strip() or None,
            author_names=authors, authors=len(authors) if authors else None,
        )
        if admit(entry, options, stats):
            yield entry
