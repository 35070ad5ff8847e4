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

from pydantic import BaseModel, ConfigDict, Field


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


class ListingEntry(_Frozen):
    """One paper as a listing file shows it, before any extraction."""

    title: str = Field(min_length=1)
    abstract: str = ""
    source: str  # file name of the listing
    title_line: int = Field(ge=1)
    abstract_line: int | None = None
    listing_date: str | None = None  # the date heading of the listing ("Mar 11")
    published: str | None = None  # the paper's own date line ("Jan 12, 2018")
    authors: int | None = Field(default=None, ge=0)
    organisation: str | None = None


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
