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
    r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?)\s?\\?(×|x|X|times\b|-fold\b|fold\b|%|percent\b)(?![\dx×])",
)
# The lower end of a range shares the unit of the upper end: "1.4-11.2x", "1.1x to 2x", "10-40%".
RANGE_LOW = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:-|–|to|\\?sim|~)\s?(?=\d+(?:\.\d+)?\s?\\?(?:×|x|X|times\b|%))"
    r"|\bbetween\s+(\d+(?:\.\d+)?)\s?[×x]?\s+and\s+(?=\d+(?:\.\d+)?\s?\\?(?:×|x|X|times\b|%))"  # "between 1.2× and 1.6×"
)
METRICS = {
    "throughput": r"throughput|goodput|tokens?/s|tokens?\s+per\s+(?:gpu-)?second|tok/s|qps|queries\s+per\s+second|requests?\s+per\s+second|request\s+rate|"
    r"samples?/s|samples?\s+per\s+second|images?/s|bandwidth|t?flops/s|tflops|gflops|flops\s+per|utili[sz]ation|iterations?\s+per\s+second|serving\s+capacity",
    "latency": r"latency|latencies|ttft|tpot|time[- ]to[- ]first[- ]token|time[- ]per[- ]output[- ]token|response\s+time|tail|p9\d|slo\s+violations?|inter-token",
    "memory": r"memory|footprint|kv[- ]cache\s+size|longer\s+(?:sequences?|contexts?)|sequence\s+lengths?",
    "size": r"smaller|model\s+size|file\s+size|size|compression|fewer\s+parameters|parameters|storage",
    "energy": r"energy[- ]efficien\w*|power[- ]efficien\w*|energy|power|watts?|joules?|carbon|battery",
    "accuracy": r"accuracy|accurate|map\b|perplexity|f1|bleu|rouge|top-1|top1|error|points?|win\s+rate|exact\s+match|scores?",
    "quality": r"quality|fidelity|fid\b",
    "cost": r"cost|costing|price|\$|dollars?|fewer\s+flops|flops|computational\s+(?:load|cost)|(?:more|fewer|as\s+many)\s+(?:gpus|devices|nodes|accelerators)",
    "speed": r"speed-?ups?|faster|slower|slowdown|speed|runtime|run\s+time|step\s+time|epochs?|iteration\s+time|time|acceleration|accelerat\w*|longer|shorter",
}
# "within latency SLOs", "under a memory budget": a metric word that only states a constraint;
# "memory-efficient attention": a metric word inside a compound name
_CONSTRAINT = r"(?![\w-]*\s+(?:SLOs?|SLAs?|constraints?|budgets?|limits?|targets?|requirements?)\b)(?!-(?:efficient|aware|bound|optimal|saving)\b)"
_METRIC_RE = [(name, re.compile(rf"(?<![a-z])(?:{body}){_CONSTRAINT}", re.I)) for name, body in METRICS.items()]
_CLAUSE_BREAK = re.compile(
    r"[;:]\s|\.\s|,\s+(?:while|whereas|but|and\s+(?:it|we|they|the|its|our)\b)|\s(?:while|whereas)\s"
    r"|,\s+and\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?\s+(?:[a-z]+s|is|are|was|were|has|had)\b"  # ", and Ring Attention trails …"
)
_NEAR_STOP = re.compile(r"\s(?:and|or|while|but|than|over|compared|relative|vs|with|at|on|in|for|under|across)\b|[,;(]")
_LABEL = re.compile(r"([^.;:]{1,80}?)\s*:\s*$")  # "TTFT: 1.9×", "Speedups over other SpMV baselines: 2.8-13.0x"
_SPEED_CUE = re.compile(r"\b(?:outperform\w*|beat\w*|surpass\w*|exceed\w*|speeds?\s+up|improvement|trail\w*|lag\w*)\b", re.I)


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


def _metrics_in(text: str) -> list[tuple[int, int, str]]:
    hits = sorted(((m.start(), -m.end(), name) for name, pattern in _METRIC_RE for m in pattern.finditer(text)))
    return [(start, -neg_end, name) for start, neg_end, name in hits]  # the longest word first where two start together


def _metric_near(text: str, start: int, end: int) -> str:
    metric = _metric_read(text, start, end)
    if metric == "speed" and _LATENCY_MEASURE.search(text, end, _clause_end(text, end)):
        return "latency"  # "speedups of 1.4-11.2x across different tail TTFT and TBT": a latency, and less of it
    return metric


_LATENCY_MEASURE = re.compile(r"\b(?:in|of|across|for|on)\s+(?:[\w-]+\s+){0,3}?(?:TTFT|TBT|TPOT|ITL|p9\d|P9\d|tail\s+latenc\w+|time[- ]to[- ]first[- ]token|latenc\w+)\b")


def _clause_end(text: str, end: int) -> int:
    m = _CLAUSE_BREAK.search(text, end)
    return m.start() if m else len(text)


def _metric_read(text: str, start: int, end: int) -> str:
    """The metric a number measures, read in its clause: a metric word right after it ('2x lower
    latency', '6x smaller'), else 'in <metric>' later in the clause ('by 1.9x in step time'), else
    the nearest metric word before it ('improves throughput by 2x'), else any after it; a bare
    'outperforms X by 2x' is speed."""
    breaks = [m for m in _CLAUSE_BREAK.finditer(text)]
    clause_start = max([m.end() for m in breaks if m.end() <= start], default=0)
    clause_end = min([m.start() for m in breaks if m.start() >= end], default=len(text))
    after = text[end:clause_end]
    hits = _metrics_in(after)
    words_between = lambda a: len(after[:a].split())  # noqa: E731
    stop = _NEAR_STOP.search(after)
    near = [h for h in hits if words_between(h[0]) <= 4 and (stop is None or h[0] < stop.start())]
    if near:
        return near[0][2]
    in_metric = [h for h in hits if re.search(r"\b(?:in|of|for)\s+(?:[\w-]+\s+){0,2}$", after[: h[0]])]
    if in_metric:
        return in_metric[0][2]
    before = _metrics_in(text[clause_start:start])
    if before:
        return max(before, key=lambda h: (h[1], h[1] - h[0]))[2]  # the nearest, and the longest of those
    if hits:
        return hits[0][2]
    label = _LABEL.search(text[max(0, clause_start - 80) : clause_start])  # "TTFT: 1.9× lower vs. X"
    labelled = _metrics_in(label.group(1)) if label else []
    if labelled:
        return labelled[-1][2]
    return "speed" if _SPEED_CUE.search(text[clause_start:clause_end]) else "other"


# "by a factor of 2.6"; "3.2 points higher", "by 5.1 points"; "perplexity is 1.3 lower than"
FACTOR = re.compile(r"\b(?:a\s+)?factor\s+of\s+(\d+(?:\.\d+)?)(?![\d.]*\s?(?:%|x|×))")
POINTS = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:(?:percentage\s+)?points?\b|pp\b|(?=\s+(?:higher|lower|better|worse)\s+(?:[\w-]+\s+){0,2}?than\b))"
)
_UNIT_TEXT = {"x": "×", "%": "%", "points": " points"}


_LOWER = re.compile(r"\b(?:lower|less|fewer|smaller|shorter|cheaper|below|reduc\w*|cut\w*|drop\w*|shrink\w*|sav\w*|lowers?|decreas\w*|trims?|halv\w*)\b", re.I)


def _direction(text: str, start: int, end: int) -> str:
    """'within 3% of X' bounds a gap; '2× lower latency', 'cuts memory by 40%' state less of the
    metric; anything else ('2× faster', '30% higher throughput') states more."""
    if re.search(r"\bwithin\s+(?:about\s+|only\s+)?$", text[max(0, start - 20) : start], re.I):
        return "within"
    after = text[end : end + 40]
    stop = _NEAR_STOP.search(after)
    near_after = after[: stop.start() if stop else len(after)]
    before = text[max(0, start - 40) : start]
    clause = _CLAUSE_BREAK.split(before)[-1]
    return "lower" if _LOWER.search(near_after) or re.search(r"\b(?:by|to)\s+" + r"(?:up\s+to\s+|about\s+|roughly\s+)?$", clause) and _LOWER.search(clause) else "higher"


_UP_TO = re.compile(r"\b(?:up\s+to|as\s+much\s+as|as\s+high\s+as|a\s+maximum\s+of|max(?:imum)?|peak(?:s|ing)?(?:\s+at)?)\s+(?:an?\s+|~\s*|about\s+)?$", re.I)
_AT_LEAST = re.compile(r"(?:\b(?:at\s+least|more\s+than|over|above|greater\s+than|exceeding)\s+|>\s*|≥\s*)$", re.I)
_AVERAGE_BEFORE = re.compile(r"\b(?:on\s+average|average|avg\.?|mean|geo(?:metric)?[- ]?mean|geomean)\s+(?:of\s+|speedup\s+of\s+|by\s+|[\w-]+\s+of\s+)?(?:an?\s+|~\s*|about\s+)?$", re.I)
_AVERAGE_AFTER = re.compile(r"\s*(?:[\w-]+\s+){0,3}?(?:\(\s*)?(?:on\s+average|in\s+average|average|in\s+(?:the\s+)?geo(?:metric)?[- ]?mean|geomean)\b", re.I)


def _bound(text: str, start: int, end: int) -> str:
    """How the number is bounded: 'up to 3x', 'at least 2x', '1.8x on average' (a range is marked by its caller)."""
    before = text[max(0, start - 40) : start]
    if _UP_TO.search(before):
        return "up to"
    if _AT_LEAST.search(before):
        return "at least"
    if _AVERAGE_BEFORE.search(before) or _AVERAGE_AFTER.match(text, end):
        return "average"
    return "plain"


_MORE_AFTER = re.compile(r"\s*(?:[\w-]+\s+)?(?:higher|more|longer|increase)\b", re.I)


def _claim(text: str, value: str, unit_text: str, start: int, end: int, metric: str, tail: int = -1) -> FoundClaim:
    number = float(value.replace(",", ""))
    unit = "%" if unit_text in ("%", "percent") else ("points" if unit_text == "points" else "x")
    label = f"{number:g}{_UNIT_TEXT[unit]} {metric}"
    direction = _direction(text, start, end)
    if metric == "latency" and direction == "higher" and not _MORE_AFTER.match(text, end):
        direction = "lower"  # a latency gain is less latency: "1.9x in TTFT", "3x lower p99"
    claim = Claim(value=number, unit=unit, metric=metric, text=label, direction=direction, bound="range" if tail != -1 else _bound(text, start, end))
    return FoundClaim(claim, start, end, tail)


def with_metric(claim: Claim, metric: str) -> Claim:
    """The claim read as measuring ``metric`` (its text says so too)."""
    return claim if metric == claim.metric else claim.model_copy(update={"metric": metric, "text": claim.text.replace(claim.metric, metric)})


_RUN_GAP = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_METRIC_RIGHT_AFTER = re.compile(r"\s*(?:[\w-]+\s+){0,3}?")


def _run_metrics(text: str, found: list[FoundClaim]) -> list[FoundClaim]:
    """'35x, 5.2x and 3.2x energy saving than A, B and C': numbers listed together measure what
    the last of them is followed by."""
    out = list(found)
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and _RUN_GAP.fullmatch(text, out[j].end, out[j + 1].start):
            j += 1
        if j > i:
            last = out[j]
            after = _metrics_in(text[last.end : last.end + 30])
            if after and after[0][0] <= 12:
                metric = after[0][2]
                for k in range(i, j):
                    if out[k].metric != metric:
                        c = out[k]
                        out[k] = FoundClaim(with_metric(c.claim, metric), c.start, c.end, c.tail)
        i = j + 1
    return out


def find_claims(text: str) -> list[FoundClaim]:
    """Every 'N×' and 'N%' in the text, with the lower ends of ranges ('1.4-11.2x') as claims too."""
    out: list[FoundClaim] = []
    for m in NUMBER.finditer(text):
        metric = _metric_near(text, m.start(), m.end())
        if out and re.match(r"\s+(?:that|those)\s+of\b", text[m.end() :]) and m.start() - out[-1].end < 80:
            metric = out[-1].metric  # "2.4× the decoding throughput of A and 1.6× that of B"
        elif metric == "other" and out and m.start() - out[-1].end < 80:
            metric = out[-1].metric  # "2.6x higher throughput on one GPU and up to 6.9x on eight"; "…; against Tutel, by 22%"
        out.append(_claim(text, m.group(1), m.group(2), m.start(), m.end(), metric))
    out = _run_metrics(text, out)
    for pattern, unit in ((FACTOR, "x"), (POINTS, "points")):
        for m in pattern.finditer(text):
            metric = _metric_near(text, m.start(), m.end())
            if unit == "points" and metric == "other":
                metric = "accuracy"  # points of a score
            out.append(_claim(text, m.group(1), unit, m.start(), m.end(), metric))
    for low in RANGE_LOW.finditer(text):
        upper = NUMBER.match(text, low.end())
        if upper:
            metric = _metric_near(text, upper.start(), upper.end())
            out.append(_claim(text, low.group(1) or low.group(2), upper.group(2), low.start(), low.end(), metric, upper.end()))
    lows = [(c.start, c.end) for c in out if c.tail != -1]
    out = [c for c in out if c.tail != -1 or not any(a < c.start < b for a, b in lows)]  # "between 1.2× and": one 1.2
    tops = {c.tail for c in out if c.tail != -1}
    out = [FoundClaim(c.claim.model_copy(update={"bound": "range"}), c.start, c.end, c.tail) if c.end in tops else c for c in out]
    return sorted(out, key=lambda c: c.start)
