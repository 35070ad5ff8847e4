"""Typed domain model: the nodes and relationships of the knowledge graph.

Every relationship is a citation: it carries the sentence it was read from and where that
sentence stands (source file and line).

>>> Paper.key_for("ParaFold: Paralleling AlphaFold!")
'paper:parafoldparallelingalphafold'
>>> entity_key("Hardware", "TPU v4")
'hardware:tpu-v4'
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Label(str, Enum):
    PAPER = "Paper"
    SYSTEM = "System"
    HARDWARE = "Hardware"
    TECHNIQUE = "Technique"
    DATASET = "Dataset"  # a dataset or benchmark a paper releases (never a System)


class RelType(str, Enum):
    PROPOSES = "PROPOSES"
    COMPARES_TO = "COMPARES_TO"
    TARGETS = "TARGETS"
    USES = "USES"
    IS_A = "IS_A"  # hardware product -> its class (A100 -> GPU)
    VARIANT_OF = "VARIANT_OF"  # a version -> its family (FlashAttention-2 -> FlashAttention)


ENTITY_LABELS = (Label.SYSTEM, Label.HARDWARE, Label.TECHNIQUE, Label.DATASET)


def _fold(text: str) -> str:
    """NFKC, then case folded: the same text however it was typed or encoded ('Ｌｌａｍａ' = 'llama')."""
    return unicodedata.normalize("NFKC", text).casefold()


def _is_word(ch: str) -> bool:
    """A letter, digit or mark of any script (marks: Devanagari vowel signs, say, tell words apart)."""
    return unicodedata.category(ch)[0] in "LNM"


def slug(text: str) -> str:
    """Folded (case, NFKC), runs of anything but letters and digits of any script as one hyphen.

    >>> slug("TPU v4"), slug("Ascend 910B"), slug("昇腾 910B")
    ('tpu-v4', 'ascend-910b', '昇腾-910b')
    """
    folded = _fold(text)
    if folded.isascii():
        return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return "-".join("".join(c if _is_word(c) else " " for c in folded).split())


def title_key(title: str) -> str:
    """How two listings' titles are recognised as the same paper: case (NFKC, folded) and
    punctuation ignored, letters and digits of every script kept.

    >>> title_key("Ünïcödé: A Study"), title_key("ÜNÏCÖDÉ — a study"), title_key("Глубокое обучение")
    ('ünïcödéastudy', 'ünïcödéastudy', 'глубокоеобучение')
    """
    folded = _fold(title)
    if folded.isascii():
        return re.sub(r"[^a-z0-9]", "", folded)
    return "".join(c for c in folded if _is_word(c))


def entity_key(label: Label | str, name: str) -> str:
    value = label.value if isinstance(label, Label) else label
    return f"{value.lower()}:{slug(name)}"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


_ARXIV_NEW = re.compile(r"[0-9]{4}\.[0-9]{4,5}")
_ARXIV_OLD = re.compile(r"[a-z-]+(?:\.[A-Z]{2})?/[0-9]{7}")
_ARXIV_PREFIX = re.compile(r"^(?:https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/|arxiv:)", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)


def arxiv_id(text: str) -> str:
    """An arXiv identifier without its version or URL; ValueError when it is none.

    >>> arxiv_id("2309.06180v2"), arxiv_id("arXiv:2205.14135"), arxiv_id("https://arxiv.org/abs/cs/0112017v1")
    ('2309.06180', '2205.14135', 'cs/0112017')
    """
    value = _ARXIV_PREFIX.sub("", text.strip()).removesuffix(".pdf")
    value = re.sub(r"v[0-9]+$", "", value)
    if not (_ARXIV_NEW.fullmatch(value) or _ARXIV_OLD.fullmatch(value)):
        raise ValueError(f"not an arXiv identifier: {text!r}")
    return value


def doi(text: str) -> str:
    """A DOI, lower-cased, without its URL or ``doi:`` prefix; ValueError when it is none.

    >>> doi("https://doi.org/10.1145/3600006.3613165"), doi("DOI:10.1145/ABC")
    ('10.1145/3600006.3613165', '10.1145/abc')
    """
    value = _DOI_PREFIX.sub("", text.strip()).lower()
    if not re.fullmatch(r"10\.[0-9]{4,9}/\S+", value):
        raise ValueError(f"not a DOI: {text!r}")
    return value


class ListingEntry(_Frozen):
    """One paper as a source shows it (a listing, an arXiv record, a BibTeX entry, ...), before
    any extraction. ``title_line`` is the line (or, in a JSON array, the record number) it starts at."""

    title: str = Field(min_length=1)
    abstract: str = ""
    source: str  # file name of the listing
    title_line: int = Field(ge=1)
    abstract_line: int | None = None
    listing_date: str | None = None  # the date heading of the listing ("Mar 11")
    published: str | None = None  # the paper's own date: a listing's line ("Jan 12, 2018", "Sep 27") or ISO
    authors: int | None = Field(default=None, ge=0)
    organisation: str | None = None
    arxiv_id: str | None = None  # versions folded: "2309.06180v2" is "2309.06180"
    doi: str | None = None  # lower-cased
    categories: tuple[str, ...] = ()  # arXiv categories ("cs.DC")
    author_names: tuple[str, ...] = ()

    @field_validator("arxiv_id")
    @classmethod
    def _arxiv(cls, value: str | None) -> str | None:
        return None if value is None else arxiv_id(value)

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        return None if value is None else doi(value)


class Citation(_Frozen):
    """Where a fact was read: the sentence, the listing file and the line in it."""

    evidence: str = Field(min_length=1)
    source: str = Field(min_length=1)
    line: int = Field(ge=1)


class Claim(_Frozen):
    """A number stated against a comparison target: '13.8x speedup' -> 13.8, 'x', 'speed'."""

    value: float
    unit: str  # "x", "%" or "points"
    metric: str  # throughput, latency, memory, size, energy, accuracy, quality, cost, speed, other
    text: str
    direction: str = "higher"  # "higher" (more of the metric), "lower" (less of it) or "within" (a bound)
    bound: str = "plain"  # "up to", "average", "range" (an end of one), "at least", or "plain"
    hardware: str = "unstated"  # the hardware the number was measured on, when its clause names it ("3.1× on L40S")


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    label: Label
    properties: dict[str, Any] = Field(default_factory=dict)


class Relationship(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: RelType
    start: str  # node key
    end: str  # node key
    properties: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.start, self.type._value_, self.end)  # _value_: .value is a slow descriptor, and this is hot


class Paper:
    """Helpers for paper node keys (papers are plain Nodes with label Paper)."""

    @staticmethod
    def key_for(title: str) -> str:
        return f"paper:{title_key(title)}"

    @staticmethod
    def key_of(arxiv: str | None, doi_: str | None, title: str) -> str:
        """A paper's own key: its arXiv id, else its DOI, else its folded title.

        >>> Paper.key_of("2309.06180", None, "x"), Paper.key_of(None, "10.1/a", "x"), Paper.key_of(None, None, "A b")
        ('paper:arxiv:2309.06180', 'paper:doi:10.1/a', 'paper:ab')
        """
        if arxiv:
            return f"paper:arxiv:{arxiv}"
        if doi_:
            return f"paper:doi:{doi_}"
        return Paper.key_for(title)


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_TEXT_DATE = re.compile(r"([A-Za-z]{3})[a-z]*\.? ([0-9]{1,2}),? ((?:19|20)[0-9]{2})")


def iso_date(text: str | None) -> str | None:
    """``text`` as an ISO date when it names a day of a year; None when it does not ("Sep 27").

    >>> iso_date("Jan 12, 2018"), iso_date("2023-09-12T17:58:05.000Z"), iso_date("Sep 27"), iso_date("2023-02-30")
    ('2018-01-12', '2023-09-12', None, None)
    """
    import datetime

    if not text:
        return None
    text = text.strip()
    m = re.match(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", text)
    parts = (int(m[1]), int(m[2]), int(m[3])) if m else None
    if parts is None and (t := _TEXT_DATE.fullmatch(text)) and t[1].lower() in _MONTHS:
        parts = (int(t[3]), _MONTHS[t[1].lower()], int(t[2]))
    if parts is None:
        return None
    try:
        return datetime.date(*parts).isoformat()
    except ValueError:
        return None
