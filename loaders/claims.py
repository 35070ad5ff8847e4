"""Quantitative claims: the numbers a sentence states, with unit and metric.

>>> [(c.value, c.unit, c.metric) for c in find_claims("achieves up to 2.3x higher throughput and 40% lower latency")]
[(2.3, 'x', 'throughput'), (40.0, '%', 'latency')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.model import Claim

NUMBER = re.compile(
    r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?)\s?(×|x|X|times\b|-fold\b|fold\b|%|percent\b)(?![\dx×])",
)
METRICS = {
    "throughput": r"throughput|tokens?/s|tokens per second|qps|requests per second|goodput|bandwidth|flops|utili[sz]ation",
    "latency": r"latency|latencies|ttft|tpot|time[- ]to[- ]first|response time|tail",
    "memory": r"memory|footprint|storage|kv cache size|parameters",
    "energy": r"energy|power|watt|joule|carbon",
    "accuracy": r"accuracy|map\b|perplexity|f1|bleu|top-1|top1|error|quality|score|win rate",
    "cost": r"cost|price|\$|dollar|budget",
    "speed": r"speed-?ups?|faster|speed|runtime|run time|time|acceleration|accelerat",
}
_METRIC_RE = [(name, re.compile(rf"(?<![a-z])(?:{body})", re.I)) for name, body in METRICS.items()]


@dataclass(frozen=True)
class FoundClaim:
    claim: Claim
    start: int
    end: int

    @property
    def value(self) -> float:
        return self.claim.value

    @property
    def unit(self) -> str:
        return self.claim.unit

    @property
    def metric(self) -> str:
        return self.claim.metric


def _metric_near(text: str, start: int, end: int) -> str:
    """The metric word closest to the number, looking a few words either side."""
    best: tuple[int, str] | None = None
    window_start = max(0, start - 50)
    window = text[window_start : end + 60]
    for name, pattern in _METRIC_RE:
        for m in pattern.finditer(window):
            pos = m.start() + window_start
            distance = pos - end if pos >= end else start - (m.end() + window_start)
            distance = max(distance, 0) + (0 if pos >= end else 5)  # ties go to the word after the number
            if best is None or distance < best[0]:
                best = (distance, name)
    return best[1] if best else "other"


def find_claims(text: str) -> list[FoundClaim]:
    out: list[FoundClaim] = []
    for m in NUMBER.finditer(text):
        value = float(m.group(1).replace(",", ""))
        unit = "%" if m.group(2) in ("%", "percent") else "x"
        metric = _metric_near(text, m.start(), m.end())
        label = f"{value:g}{'×' if unit == 'x' else '%'} {metric}"
        out.append(FoundClaim(Claim(value=value, unit=unit, metric=metric, text=label), m.start(), m.end()))
    return out
