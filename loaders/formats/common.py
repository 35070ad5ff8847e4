"""What every format module shares: building a validated entry, the category filter, the counts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from graph.model import ListingEntry
from loaders.markup import plain_text
from loaders.source_io import ListingError

if TYPE_CHECKING:
    from loaders.formats import ReadOptions, ReadStats


def clean(value: Any) -> str:
    """Text with its runs of white space as one space ('' for None)."""
    return " ".join(str(value).split()) if value is not None else ""


def record_error(path: Path, where: str, problem: str) -> ListingError:
    return ListingError(f"{path}: {where}: {' '.join(problem.split())}")


def make_entry(path: Path, where: str, **fields: Any) -> ListingEntry:
    """A ListingEntry, or a ListingError naming the file, the record ('line 12') and the problem."""
    if not clean(fields.get("title")):
        raise record_error(path, where, "no title")
    fields["title"] = plain_text(clean(fields["title"]))  # TeX, HTML and BibTeX markup read as a reader sees it
    fields["abstract"] = plain_text(clean(fields.get("abstract")))
    try:
        return ListingEntry(**fields)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
        raise record_error(path, where, problems) from None


def admit(entry: ListingEntry, options: ReadOptions, stats: ReadStats) -> bool:
    """Count the entry; is it kept? Entries that carry arXiv categories must share one with
    ``options.categories`` (when given); entries without categories are kept."""
    stats.records += 1
    if entry.abstract:
        stats.with_abstract += 1
    if options.categories and entry.categories and not options.categories.intersection(entry.categories):
        stats.filtered += 1
        return False
    stats.kept += 1
    return True
