"""The listing layouts of today (:mod:`loaders.listing`): daily-papers pages saved as text.

Any text splits into "entries" under the listing rules, so a file is only taken for a listing
when its layout is one: a text whose lines are Markdown or HTML markup (headings, code fences,
tables, list items, links) in more than :data:`MAX_MARKUP_SHARE` of its lines is a document, not
a listing (a README, a guide), and is refused like any file with no entry carrying an abstract.

>>> markup_share("# Title\\n\\n```sh\\nkg load x\\n```\\nSome prose here.\\n")
0.6
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from graph.model import ListingEntry
from loaders.formats.common import admit
from loaders.listing import parse_listing
from loaders.source_io import NotASource, check_lines, decode_text, read_bytes

if TYPE_CHECKING:
    from loaders.formats import ReadOptions, ReadStats

NAME = "listing"
SUFFIXES = (".txt", ".md", ".text")
CONTENT_ONLY_OK = False
#: The seeds and examples have no markup line at all (one in 1,000 at most); documents have a third or more.
MAX_MARKUP_SHARE = 0.1
_MARKUP = re.compile(
    r"^\s*(?:#{1,6}\s|```|~~~|\||<[A-Za-z!/]|>\s|[-*+]\s|[0-9]+[.)]\s|\$\s|\[[^\]]*\]:)|\]\(|`[^`]+`"
)
_LISTING_HEADER = re.compile(rb"daily papers|subscribe", re.IGNORECASE)


def detect(start: bytes) -> bool:
    """Any text may be a listing; the layout check happens on reading."""
    return b"\x00" not in start or start.startswith((b"\xff\xfe", b"\xfe\xff"))


def markup_share(text: str) -> float:
    lines = [line for line in text.splitlines() if line.strip()]
    return sum(1 for line in lines if _MARKUP.search(line)) / len(lines) if lines else 0.0


def read(path: Path, source: str, options: ReadOptions, stats: ReadStats) -> Iterator[ListingEntry]:
    text = decode_text(path, read_bytes(path))
    check_lines(path, text)
    entries = parse_listing(text, source)
    share = markup_share(text)
    if share > MAX_MARKUP_SHARE:
        raise NotASource(f"{path}: {share:.0%} of its lines are Markdown/HTML markup — a document, not a paper listing")
    for entry in entries:
        if admit(entry, options, stats):
            yield entry
