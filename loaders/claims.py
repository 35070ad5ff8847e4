"""Quantitative claims: the numbers a sentence states, with unit and metric.

>>> [(c.value, c.unit, c.metric) for c in find_claims("achieves up to 2.3x higher throughput and 40% lower latency")]
[(2.3, 'x', 'throughput'), (40.0, '%', 'latency')]
>>> [c.claim.text for c in find_claims("improves throughput within latency SLOs by 2.6x on one GPU and 6.9x on eight")]
['2.6× throughput', '6.9× throughput']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.model import Claim

NUMBER = re.compile(
    r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?)\s?(×|x|X|times\b|-fold\b|fold\b|%|percent\b)(?![\dx×])",
)
# The lower end of a range shares the unit of the upper end: "1.4-11.2x", "1.1x to 2x", "10-40%".
RANGE_LOW = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:-|–|to)\s?(?=\d+(?:\.\d+)?\s?(?:×|x|X|times\b|%))")
METRICS = {
    "throughput": r"throughput|tokens?/s|tokens per second|qps|requests per second|goodput|bandwidth|flops|utili[sz]ation",
    "latency": r"latency|latencies|ttft|tpot|time[- ]to[- ]first|response time|tail",
    "memory": r"memory|footprint|storage|kv cache size|parameters",
    "energy": r"energy|power|watt|joule|carbon",
    "accuracy": r"accuracy|map\b|perplexity|f1|bleu|top-1|top1|error|quality|score|win rate",
    "cost": r"cost|price|\$|dollar|budget",
    "speed": r"speed-?ups?|faster|speed|runtime|run time|time|acceleration|accelerat",
}
# "within latency SLOs", "under a memory budget": a metric word that only states a constraint
_CONSTRAINT = r"(?![\w-]*\s+(?:SLOs?|SLAs?|constraints?|budgets?|limits?|targets?|requirements?)\b)"
_METRIC_RE = [(name, re.compile(rf"(?<![a-z])(?:{body}){_CONSTRAINT}", re.I)) for name, body in METRICS.items()]


@dataclass(frozen=True)
class FoundClaim:
    claim: Claim
    start: int
    end: int
    tail: int = -1  # the lower end of a range: where the range's upper number ends

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
    """The metric a number measures: the first metric word after it in its clause ('2x lower
    latency'), else the nearest one before it ('a speedup of 2x')."""
    clause_end = re.search(r"[,;.]\s|\s(?:and|while|but)\s|$", text[end : end + 70])
    after = text[end : end + (clause_end.start() if clause_end else 70)]
    hits = [(m.start(), name) for name, pattern in _METRIC_RE for m in pattern.finditer(after)]
    if hits:
        return min(hits)[1]
    before = text[max(0, start - 60) : start]
    hits = [(m.end(), name) for name, pattern in _METRIC_RE for m in pattern.finditer(before)]
    return max(hits)[1] if hits else "other"


def _claim(text: str, value: str, unit_text: str, start: int, end: int, metric: str, tail: int = -1) -> FoundClaim:
    number = float(value.replace(",", ""))
    unit = "%" if unit_text in ("%", "percent") else "x"
    label = f"{number:g}{'×' if unit == 'x' else '%'} {metric}"
    return FoundClaim(Claim(value=number, unit=unit, metric=metric, text=label), start, end, tail)


def find_claims(text: str) -> list[FoundClaim]:
    """Every 'N×' and 'N%' in the text, with the lower ends of ranges ('1.4-11.2x') as claims too."""
    out: list[FoundClaim] = []
    for m in NUMBER.finditer(text):
        metric = _metric_near(text, m.start(), m.end())
        if metric == "other" and out and re.search(r"\band\b", text[out[-1].end : m.start()]) and m.start() - out[-1].end < 80:
            metric = out[-1].metric  # "2.6x higher throughput on one GPU and up to 6.9x on eight"
        out.append(_claim(text, m.group(1), m.group(2), m.start(), m.end(), metric))
    for low in RANGE_LOW.finditer(text):
        upper = NUMBER.match(text, low.end())
        if upper:
            metric = _metric_near(text, upper.start(), upper.end())
            out.append(_claim(text, low.group(1), upper.group(2), low.start(), low.end(), metric, upper.end()))
    return sorted(out, key=lambda c: c.start)
