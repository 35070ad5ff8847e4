"""Read paper listings (daily-papers pages saved as text) into `ListingEntry` records.

Three layouts are recognised without being told which one a file uses:

* blank-separated: header lines ("new", "Subscribe", "Daily Papers", ...), a listing
  date ("Mar 11"), then entries separated by blank lines: a title line, an abstract line;
* the same with meta lines after an entry: "  • 5 authors", "·", the paper's own date
  ("Jan 12, 2018", "Sep 27", "May 18 2" where the trailing 2 is an upvote count), or an
  organisation line ("stanfordnlp Stanford NLP") in place of the authors line;
* compact: no blank lines, the first title glued to the header ("SubscribeFooServe: ...").

Lines are classified one by one (header, meta, noise, title-like, abstract-like) using
length and sentence cues rather than strict alternation, so a missing abstract or an
extra meta line does not shift the entries that follow.  An abstract-like line that has
no title waiting for it (e.g. a second paragraph) is dropped rather than misattributed.
`organisation` keeps the display part of an org line: "stanfordnlp Stanford NLP" gives
"Stanford NLP"; a line that does not start with a hub handle is kept whole.

>>> text = "new\\nSubscribe\\nMar 11\\n\\nFooServe: Fast LLM Serving\\n\\n" \\
...     "We present FooServe. It outperforms vLLM by 2.1x throughput on A100 GPUs.\\n" \\
...     "\\n  \\u2022 4 authors\\n\\u00b7\\nMay 18 2\\n"
>>> [entry] = parse_listing(text, "demo.txt")
>>> entry.title, entry.title_line, entry.abstract_line
('FooServe: Fast LLM Serving', 5, 7)
>>> entry.listing_date, entry.published, entry.authors
('Mar 11', 'May 18', 4)
>>> parse_listing("", "empty.txt")
Traceback (most recent call last):
...
loaders.source_io.NotASource: empty.txt: file is empty — is this a paper listing?
"""

from __future__ import annotations

import re
from pathlib import Path

from graph.model import ListingEntry
from loaders.source_io import MAX_FILE_BYTES, MAX_LINE_CHARS, ListingError, NotASource, check_lines, decode_text, read_bytes

__all__ = ["MAX_FILE_BYTES", "MAX_LINE_CHARS", "ListingError", "parse_listing", "read_listing"]

LISTING_SUFFIXES = (".txt", ".md")

_HEADER = re.compile(
    r"new|subscribe|daily papers|by\s*ak and the research community"
    r"|get trending papers in your email inbox( once a day)?\s*!?",
    re.IGNORECASE,
)
# "SubscribeLeveraging ASIC ...": anywhere before a capital; right after the header also
# before a lower-case start ("SubscribevAttention"), but not inside "Subscriber(s)"/"Subscribed".
_GLUE = re.compile(r"(?:(?i:subscribe))+(?=[A-Z0-9\"'(\[])")
_HEADER_GLUE = re.compile(r"(?:(?i:subscribe))+(?!(?:rs?|d)\b)\s*(?=\S)")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t|tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# "Sep 27", "Jan 12, 2018", "May 18 2" (upvotes), "Jan 31, 2024 1", "May 18 2024"
_DATE = re.compile(
    rf"(?P<date>{_MONTH} [0-9]{{1,2}}(?:,? (?:19|20)[0-9]{{2}}(?![0-9]))?)(?: [0-9]{{1,7}})?"
)
_AUTHORS = re.compile(r"(?:[\u2022\u00b7*-]\s*)?([0-9]{1,6})\s+authors?", re.IGNORECASE)
_DOT = frozenset({"\u00b7", "\u2022", "\u22c5"})
_HANDLE = re.compile(r"[a-z0-9][a-z0-9._-]*")
_ABBREV = re.compile(r"\b(?:vs|e\.g|i\.e|et al|etc|Dr|No|Fig|Eq|cf|al|St|Inc|Ltd)\.$")
_NEWLINE = re.compile(r"\r\n|\r|\n")


# Abstracts copied from LaTeX sources keep some markup: "\\textbf{HSPI}", "50\\%".
_LATEX_MARKUP = re.compile(r"\\(?:textbf|textit|emph|texttt|textsc|mathrm|mathbf|text)\{([^{}]*)\}")


def _clean(line: str) -> str:
    line = _LATEX_MARKUP.sub(r"\1", line).replace("\\%", "%").replace("\\&", "&")
    return " ".join(line.split())


def _has_sentence_break(text: str) -> bool:
    for match in re.finditer(r"\.\s+(?=[A-Z(])", text):
        if not _ABBREV.search(text[: match.start() + 1]):
            return True
    return False


def _looks_like_abstract(text: str) -> bool:
    """Abstracts are long prose; titles are short and rarely contain a full stop."""
    words = len(text.split())
    if len(text) >= 250 or words >= 32:
        return True
    if words >= 12 and _has_sentence_break(text):
        return True
    return words >= 8 and text.endswith(".") and not text.endswith("..")


def _organisation(text: str) -> str:
    handle, _, display = text.partition(" ")
    display = display.strip()
    folded = re.sub(r"\W", "", display.lower())
    if display and (_HANDLE.fullmatch(handle) or folded.startswith(handle.lower())):
        return display
    return text


def _kind(text: str, glued: bool) -> str:
    if not text:
        return "blank"
    if not glued and _HEADER.fullmatch(text):
        return "header"
    if text in _DOT:
        return "dot"
    if _AUTHORS.fullmatch(text):
        return "authors"
    if _DATE.fullmatch(text):
        return "date"
    if not any(ch.isalnum() for ch in text):
        return "noise"
    return "abstract" if _looks_like_abstract(text) else "title"


def _classify(text: str) -> list[tuple[int, str, str]]:
    """(line number, kind, cleaned text) per physical line, with the Subscribe glue cut off."""
    rows = []
    after_header = True  # start of file, or the last non-blank line was a header line
    for number, raw in enumerate(_NEWLINE.split(text.removeprefix("\ufeff")), start=1):
        cleaned = _clean(raw.replace("\ufeff", ""))
        glue = (_HEADER_GLUE if after_header else _GLUE).match(cleaned)
        if glue:
            cleaned = cleaned[glue.end() :].strip()
        kind = _kind(cleaned, bool(glue))
        rows.append((number, kind, cleaned))
        if kind != "blank":
            after_header = kind == "header"
    return rows


def parse_listing(text: str, source: str) -> list[ListingEntry]:
    """Parse a listing's text; raise ListingError if it is empty or holds no entries."""
    if not text.strip():
        raise NotASource(f"{source}: file is empty — is this a paper listing?")
    rows = _classify(text)
    entries: list[dict] = []
    listing_date: str | None = None
    in_header = True  # header lines seen and no title since: a date is the listing date
    open_entry = False  # the last entry may still receive its abstract
    for i, (number, kind, value) in enumerate(rows):
        prev_kind = rows[i - 1][1] if i else "blank"
        next_kind = rows[i + 1][1] if i + 1 < len(rows) else "blank"
        if kind == "header":
            in_header, open_entry = True, False
        elif kind == "date":
            date = _DATE.fullmatch(value).group("date")  # type: ignore[union-attr]
            if in_header or not entries:
                listing_date = date
            elif entries[-1]["published"] is None:
                entries[-1]["published"] = date
            open_entry = False
        elif kind == "authors":
            if entries and not in_header and entries[-1]["authors"] is None:
                entries[-1]["authors"] = int(_AUTHORS.fullmatch(value).group(1))  # type: ignore[union-attr]
            open_entry = False
        elif kind == "dot":
            open_entry = False
        elif kind == "title" and entries and not in_header and (
            next_kind == "dot" or (prev_kind == "dot" and next_kind == "date")
        ):
            if entries[-1]["organisation"] is None:
                entries[-1]["organisation"] = _organisation(value)
            open_entry = False
        elif kind == "title":
            entries.append(
                dict(title=value, abstract="", source=source, title_line=number, abstract_line=None,
                     listing_date=listing_date, published=None, authors=None, organisation=None)
            )
            in_header, open_entry = False, True
        elif kind == "abstract" and open_entry:
            entries[-1].update(abstract=value, abstract_line=number)
            open_entry = False
    if not entries:
        raise NotASource(f"{source}: no paper entries found — is this a paper listing?")
    return [ListingEntry(**entry) for entry in entries]


def read_listing(path: Path, source: str | None = None) -> list[ListingEntry]:
    """Read a UTF-8 (or UTF-16, with its byte-order mark) listing file; every failure is a
    ListingError naming the file: special files, files over ``MAX_FILE_BYTES`` and lines over
    ``MAX_LINE_CHARS`` are refused before they are parsed."""
    path = Path(path)
    name = source if source is not None else path.name
    text = decode_text(path, read_bytes(path))
    check_lines(path, text)
    return parse_listing(text, name)
