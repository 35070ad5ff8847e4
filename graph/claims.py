"""Every number the graph holds against one baseline, one typed row per claim, with its citation.

A ``COMPARES_TO`` relationship keeps its claims as parallel lists (``claims``, ``claim_values``,
``claim_units``, ``claim_metrics``, ``claim_directions``, ``claim_bounds``, ``claim_hardware``);
:func:`claim_rows` unfolds them. A
comparison that states no number is one row with ``value`` None, so nothing the graph holds is lost.

>>> from graph.model import Relationship, RelType
>>> r = Relationship(type=RelType.COMPARES_TO, start="paper:x", end="system:vllm", properties={
...     "evidence": "X is 2x faster and uses 40% less memory than vLLM.", "source": "a.txt", "line": 3,
...     "claims": ["2× throughput", "40% memory"], "claim_values": [2.0, 40.0], "claim_units": ["x", "%"],
...     "claim_metrics": ["throughput", "memory"], "claim_directions": ["higher", "lower"]})
>>> [(c.value, c.unit, c.metric, c.direction, c.cited_at) for c in claim_rows(r, "X: a paper", "vLLM")]
[(2.0, 'x', 'throughput', 'higher', 'a.txt:3'), (40.0, '%', 'memory', 'lower', 'a.txt:3')]
"""

from __future__ import annotations

from typing import Any

from graph.model import Relationship
from graph.rows import EdgeRow


class ClaimRow(EdgeRow):
    """One number a paper states against a baseline (or, with ``value`` None, a comparison without one)."""

    ends = ("paper", "baseline")

    paper: str  # the paper's title
    paper_key: str
    baseline: str  # the baseline's name (a variant's own name when variants are included)
    claim: str | None = None  # the claim's text: "2.2× throughput"
    value: float | None = None
    unit: str | None = None  # "x", "%" or "points"
    metric: str | None = None  # throughput, latency, memory, energy, accuracy, ...
    direction: str | None = None  # higher, lower, within (or unstated)
    bound: str | None = None  # "up to", "average", "range", "at least" or "plain"
    hardware: str | None = None  # what the number was measured on, when its sentence says
    evidence: str | None = None  # the sentence
    source: str | None = None
    line: int | None = None

    @property
    def cited_at(self) -> str:
        return f"{self.source}:{self.line}" if self.source and self.line else (self.source or "")


def _at(values: Any, i: int) -> Any:
    return values[i] if isinstance(values, list) and i < len(values) else None


def claim_rows(r: Relationship, paper: str, baseline: str) -> list[ClaimRow]:
    """The claims of one ``COMPARES_TO`` relationship as rows (one row without a value if it has none)."""
    p = r.properties
    cited = {"paper": paper, "paper_key": r.start, "baseline": baseline, "source": p.get("source"), "line": p.get("line")}
    texts = list(p.get("claims") or [])
    if not texts:
        return [ClaimRow(**cited, evidence=p.get("evidence"))]
    rows = []
    for i, text in enumerate(texts):
        value = _at(p.get("claim_values"), i)
        rows.append(ClaimRow(
            **cited, claim=str(text), value=None if value is None else float(value), unit=_at(p.get("claim_units"), i),
            metric=_at(p.get("claim_metrics"), i), direction=_at(p.get("claim_directions"), i),
            bound=_at(p.get("claim_bounds"), i), hardware=_at(p.get("claim_hardware"), i),
            evidence=_at(p.get("claim_evidence"), i) or p.get("evidence"),
        ))
    return rows


#: Which kind of number headlines a comparison: a factor before a percentage before points.
HEADLINE_UNITS = ("x", "%", "points")


def best_claim(r: Relationship) -> ClaimRow | None:
    """The claim that headlines a ``COMPARES_TO`` relationship: its largest factor, else its largest
    percentage, else its first claim; None when it states no number.

    >>> from graph.model import RelType
    >>> r = Relationship(type=RelType.COMPARES_TO, start="paper:x", end="system:vllm", properties={
    ...     "claims": ["1.36× throughput", "40% memory", "1.78× throughput"], "claim_values": [1.36, 40.0, 1.78],
    ...     "claim_units": ["x", "%", "x"]})
    >>> best_claim(r).claim
    '1.78× throughput'
    """
    rows = [row for row in claim_rows(r, "", "") if row.claim]
    if not rows:
        return None

    def rank(row: ClaimRow) -> tuple[int, float]:
        unit = HEADLINE_UNITS.index(row.unit) if row.unit in HEADLINE_UNITS else len(HEADLINE_UNITS)
        return unit, -(row.value if row.value is not None else float("-inf"))

    return min(rows, key=rank)
