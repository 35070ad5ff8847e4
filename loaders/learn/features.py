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
    out = [f"rule={int(rule)}", f"kind={kind}", f"shape={_shape(name)}"]
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
