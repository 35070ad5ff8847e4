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


def slug(text: str) -> str:
    """Lower-case, runs of anything but letters and digits folded to one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def title_key(title: str) -> str:
    """How two listings' titles are recognised as the same paper: case and punctuation folded."""
    return re.sub(r"[^a-z0-9]", "", title.lower())


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
        return (self.start, self.type.value, self.end)


class Paper:
    """Helpers for paper node keys (papers are plain Nodes with label Paper)."""

    @staticmethod
    def key_for(title: str) -> str:
        return f"paper:{title_key(title)}"
