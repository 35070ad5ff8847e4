"""Features of a decision, read once from the sentence: the words around a mention, its shape,
what the rules said. Each feature is a string; a model weighs the ones present.

>>> s = "It runs 2.1x faster than an A100 GPU with vLLM."
>>> f = mention_features(s, s.index("A100"), s.index("A100") + 4, kind="Hardware:gpu", rule=False)
>>> [x for x in f if x.startswith(("w-1=", "cue_before", "rule", "num_before"))]
['rule=0', 'w-1=an', 'cue_before=than', 'num_before']
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][\w-]*|\d+(?:\.\d+)?|[^\w\s]")
_CUES = ("than", "over", "compared", "versus", "vs", "against", "relative", "outperform", "outperforms", "outperforming",
         "beats", "surpass", "surpasses", "unlike", "baseline", "baselines", "match", "matches", "comparable", "within", "on", "using",
         "with", "built", "atop", "implemented", "integrated", "into", "across", "including", "such", "like", "e.g.")
_NUMBER = re.compile(r"\d(?:[\d.,]*\d)?\s?(?:×|x\b|%|-fold|times\b)")
_OWN = re.compile(r"\b(?:we|our|ours)\b", re.I)


def _shape(name: str) -> str:
    if any(c.isdigit() for c in name):
        return "digit"
    if name.isupper():
        return "upper"
    if name.islower():
        return "lower"
    if any(c.isupper() for c in name[1:]):
        return "camel"
    return "title"


def mention_features(text: str, start: int, end: int, *, kind: str, rule: bool) -> list[str]:
    """Features of the mention ``text[start:end]``: is it a baseline of the paper's contribution?"""
    before = [w.lower() for w in _WORD.findall(text[max(0, start - 80) : start])]
    after = [w.lower() for w in _WORD.findall(text[end : end + 60])]
    name = text[start:end]
    out = [f"rule={int(rule)}", f"kind={kind}", f"shape={_shape(name)}", "name=" + re.sub(r"[^a-z0-9]", "", name.lower())]
    for i in (1, 2, 3):
        if len(before) >= i:
            out.append(f"w-{i}={before[-i]}")
        if len(after) >= i:
            out.append(f"w+{i}={after[i - 1]}")
    if len(before) >= 2:
        out.append(f"w-2,-1={before[-2]}_{before[-1]}")
    for w in before[-8:]:
        if w in _CUES:
            out.append(f"cue_before={w}")
    for w in after[:5]:
        if w in _CUES:
            out.append(f"cue_after={w}")
    window_before, window_after = text[max(0, start - 70) : start], text[end : end + 70]
    if _NUMBER.search(window_before):
        out.append("num_before")
    if _NUMBER.search(window_after):
        out.append("num_after")
    if _NUMBER.search(text):
        out.append("num_in_sentence")
    if _OWN.search(text[:start]):
        out.append("own_before")
    if start < 3:
        out.append("sentence_start")
    if text[max(0, start - 1) : start] == "(" or text[end : end + 1] == ")":
        out.append("parenthesised")
    if re.match(r"\s*-?\s*(?:based|style|like|enabled|powered|optimized|accelerated)\b", window_after):
        out.append("qualifies_next")
    if re.match(r"\s+[a-z]", window_after) and re.match(r"\s+(?:framework|engine|system|library|kernel|baseline|implementation|backend|runtime|server)s?\b", window_after):
        out.append("head_noun_after")
    return out


_PAIR_WORDS = frozenset("over than compared vs versus against relative by respectively and or , ; ( ) of to with on in while whereas but outperforms outperform".split())


def _bucket(n: int) -> str:
    return "0" if n <= 0 else "1" if n == 1 else "2-3" if n <= 3 else "4-7" if n <= 7 else "8-15" if n <= 15 else "16+"


def pair_features(
    text: str, item: tuple[int, int], target: tuple[int, int], *, rule: bool, rule_none: bool, kind: str, unit: str,
    targets: list[tuple[int, int]], items: list[tuple[int, int]],
) -> list[str]:
    """Features of "is the number at ``item`` stated against the baseline at ``target``?" in one sentence.

    >>> s = "It is 2x faster than A and 3x faster than B."
    >>> a, b = (s.index("A "), s.index("A ") + 1), (s.index("B."), s.index("B.") + 1)
    >>> n2, n3 = (s.index("2x"), s.index("2x") + 2), (s.index("3x"), s.index("3x") + 2)
    >>> f = pair_features(s, n2, a, rule=True, rule_none=False, kind="System", unit="x", targets=[a, b], items=[n2, n3])
    >>> [x for x in f if x.startswith(("order", "gap=", "between_targets", "rank"))]
    ['order=number_first', 'order_dist=number_first_2-3', 'gap=faster_than', 'between_targets=0', 'rank_equal']
    """
    (i0, i1), (t0, t1) = item, target
    first = "number_first" if i1 <= t0 else "target_first"
    lo, hi = (i1, t0) if i1 <= t0 else (t1, i0)
    between = text[lo:hi]
    words = _WORD.findall(between.lower())
    out = [f"rule={int(rule)}", f"rule_none={int(rule_none)}", f"order={first}", f"kind={kind}", f"unit={unit}",
           f"dist={_bucket(len(words))}", f"order_dist={first}_{_bucket(len(words))}"]
    if len(words) <= 4:
        out.append("gap=" + "_".join(words))
    for w in set(words) & _PAIR_WORDS:
        out.append(f"between={w}")
        out.append(f"between_{first}={w}")
    others_t = sum(1 for t in targets if lo <= t[0] < hi and t != target)
    others_i = sum(1 for x in items if lo <= x[0] < hi and x != item)
    out += [f"between_targets={min(others_t, 2)}", f"between_numbers={min(others_i, 2)}"]
    if "respectively" in text.lower():
        out.append("respectively")
    t_rank = sorted(targets).index(target)
    i_rank = sorted(items).index(item)
    if len(targets) > 1 and len(items) > 1:
        out.append("rank_equal" if t_rank == i_rank else "rank_differs")
        if len(targets) == len(items):
            out.append("same_count_" + ("rank_equal" if t_rank == i_rank else "rank_differs"))
    out.append(f"n_targets={min(len(targets), 4)}")
    out.append(f"n_numbers={_bucket(len(items))}")
    after_target = _WORD.findall(text[t1 : t1 + 25].lower())[:2]
    if after_target:
        out.append("after_target=" + "_".join(after_target))
    before_target = _WORD.findall(text[max(0, t0 - 25) : t0].lower())[-2:]
    if before_target:
        out.append("before_target=" + "_".join(before_target))
    return out


_CLAUSE_STOP = re.compile(r"[;:]|\.\s|,\s+(?:while|whereas|but|and)\b|\s(?:while|whereas)\s")


def metric_features(text: str, start: int, end: int, *, rule_metric: str, unit: str, direction: str) -> list[str]:
    """Features of "what does the number at ``text[start:end]`` measure?": the words of its clause
    nearest to it, and what the rules read.

    >>> s = "It cuts p99 latency by 2.1x over vLLM."
    >>> f = metric_features(s, s.index("2.1x"), s.index("2.1x") + 4, rule_metric="latency", unit="x", direction="lower")
    >>> f[:3], "b1=by" in f, "b2=latency" in f
    (['rule=latency', 'unit=x', 'dir=lower'], True, True)
    """
    stops = [m for m in _CLAUSE_STOP.finditer(text)]
    clause_start = max([m.end() for m in stops if m.end() <= start], default=0)
    clause_end = min([m.start() for m in stops if m.start() >= end], default=len(text))
    before = [w.lower() for w in _WORD.findall(text[clause_start:start])][-8:]
    after = [w.lower() for w in _WORD.findall(text[end:clause_end])][:8]
    out = [f"rule={rule_metric}", f"unit={unit}", f"dir={direction}"]
    for i, w in enumerate(reversed(before), 1):
        out.append(f"b{i}={w}" if i <= 3 else f"b_far={w}")
    for i, w in enumerate(after, 1):
        out.append(f"a{i}={w}" if i <= 3 else f"a_far={w}")
    return out
