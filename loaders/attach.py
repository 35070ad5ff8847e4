"""Which baseline each number of a sentence is stated against, read from the sentence's structure.

The rules, in the order they are tried for each number (a range "1.5–2.3×" is one item):

1. "respectively": a list of k numbers and a list of k baselines are paired in order, whichever
   comes first ("1.4× and 2.2× higher than A and B, respectively"; "Against A and B, respectively,
   … by 31% and 47%").
2. A baseline followed by its margin takes it alone: "outperforms A by 2× and B by 3×",
   "A (1.7×)", "A trails by 22%", "A needs 3.4× more memory", "A is outperformed by 1.4×".
3. A margin followed by what it is over takes the list of baselines there: "2× faster than A and
   B", "by 34% over A", "1.3× the rate of A", "within 4% of A". When what follows is no named
   baseline ("over a static scheduler", "than the FP16 baseline"), the number belongs to none.
4. "outperforms the strongest baselines by 10–40%": a margin of an unnamed object belongs to none.
5. Otherwise the nearest list of baselines, preferring one that follows (as before these rules).

Percentages that compare nothing ("87% hit rate", "52% FLOPs utilisation", "50–73% of
theoretical peak") are not claims at all.

>>> from loaders.claims import find_claims
>>> s = "It is 1.4x and 2.2x faster than Megatron-LM and DeepSpeed, respectively."
>>> t = [("m", s.index("Megatron-LM"), s.index("Megatron-LM") + 11), ("d", s.index("DeepSpeed"), s.index("DeepSpeed") + 9)]
>>> {k: [c.value for c in v] for k, v in attach(s, t, find_claims(s)).items()}
{'m': [1.4], 'd': [2.2]}
"""

from __future__ import annotations

import re

from graph.model import Claim
from loaders.claims import FoundClaim

Target = tuple[str, int, int]  # node key, start, end in the sentence

_QUALIFIER = r"(?:up\s+to\s+|about\s+|roughly\s+|around\s+|approximately\s+|~\s*|nearly\s+|almost\s+|only\s+|over\s+|more\s+than\s+|on\s+average\s+|an?\s+average\s+of\s+|a\s+factor\s+of\s+)*"
_BASELINE_THEN_MARGIN = re.compile(
    r"^(?:'s)?(?:\s+(?!and\b|or\b)[a-z][\w-]*){0,3}?\s*(?:\(\s*|,?\s*by\s+|,?\s*(?:which\s+|that\s+)?"
    r"(?:trails?|lags?(?:\s+behind)?|falls?\s+behind|is\s+(?:outperformed|beaten|slower|worse)|"
    r"needs|requires|takes|spends|uses|consumes|reaches\s+only|achieves\s+only|is\s+only)"
    r"(?:\s+[\w-]+){0,3}?\s+(?:by\s+)?)" + _QUALIFIER + "$",
    re.I,
)
# Up to six words, as ``(?:\s*[\w/-]+){0,6}`` reads them but with one parse for each string: that
# form can cut a word into pieces in exponentially many ways, and tries them all before failing.
_FEW_WORDS = r"(?:\s*[\w/-]+(?:\s+[\w/-]+){0,5})?"
_MARGIN_THEN_BASELINE = re.compile(
    r"^" + _FEW_WORDS + r"\s*,?\s*(?:over|than|compared\s+(?:to|with)|relative\s+to|vs\.?|versus|against|on\s+top\s+of|"
    r"(?:that|those)\s+of|the\s+[\w-]+(?:\s+[\w-]+)?\s+of)\s+(?:(?:the|a|an|its|their)\s+)?$",
    re.I,
)
_WITHIN_OF = re.compile(r"^\s*of\s+(?:(?:the|a|an)\s+)?$", re.I)
_WITHIN_OF_OWN = re.compile(r"\s*of\s+", re.I)
_UNNAMED_OBJECT = re.compile(
    r"(?:outperform\w*|out(?:scor|run|pac|strip|class|shin|do)\w*|beat\w*|surpass\w*|exceed\w*|improv\w*\s+(?:on|over|upon))\s+[^,;.]{1,60}?\s+by\s+" + _QUALIFIER + "$",
    re.I,
)
_CUE_WORD = re.compile(r"\s*,?\s*(?:over|than|compared\s+(?:to|with)|relative\s+to|vs\.?|versus|as\s+[a-z]+\s+as|on\s+top\s+of)\s", re.I)
# "A is 40% slower than ours", "A comes within 9% of Corvid": the margin is the subject's.
_OWN_OBJECT = re.compile(r"\s*(?:,\s*)?(?:(?:over|than|compared\s+(?:to|with)|relative\s+to|vs\.?|versus|of)\s+)?(?:ours|us|our\s|it\b|that\s+of\s+ours)", re.I)
# "from 34% to 71%": two absolute values, neither a margin
_FROM = re.compile(r"\bfrom\s+(?:about\s+|roughly\s+)?$", re.I)
_TO_NUMBER = re.compile(r"^\s+to\s+(?:about\s+|roughly\s+)?\d", re.I)
_FROM_TO = re.compile(r"\bfrom\s+(?:about\s+|roughly\s+)?[\d.,]+\s*\S{0,3}\s+to\s+(?:about\s+|roughly\s+)?$", re.I)
_NEXT_WORD = re.compile(r"\s*([\w/-]+)")
_WITHIN = re.compile(r"\bwithin\s+" + _QUALIFIER + "$", re.I)
_OBJECT_END = re.compile(r"[,;.]\s|\s(?:and|or|while|whereas|but|at|on|in|for|with|when|under|across)\s|$")
_CLAUSE_END = re.compile(r"[;.]\s|,\s+(?:while|whereas|but|and\s+(?:it|we|the)\b)|\s(?:while|whereas|but)\s|$")
_LIST_GAP = re.compile(r"^[\s,]*(?:and|or|as\s+well\s+as)?[\s,]*(?:the\s+)?(?:(?![\d.,–-]+[x×%]?\s)[\w.+-]+\s+){0,2}?$")  # no margin between two items of a list
_ITEM_GAP = re.compile(r"^\s*(?:,\s*)?(?:and\s+|or\s+)?" + _QUALIFIER + "$", re.I)
_COMPARATIVE = re.compile(
    r"\b(?:higher|lower|more|less|fewer|better|worse|faster|slower|improv\w*|reduc\w*|increas\w*|decreas\w*|"
    r"speed-?ups?|gains?|sav\w*|cuts?|drops?|shrinks?|trails?|lags?|behind|over|than|within|by|outperform\w*|"
    r"boost\w*|accelerat\w*|smaller|larger|longer|shorter|compared|relative|vs|versus|of\s+(?:the\s+)?(?:baseline|that|those))\b",
    re.I,
)
_CONDITION = re.compile(r"\b(?:at|with|under|of|(?<!\bup\s)to)\s+(?:about\s+|roughly\s+)?$", re.I)  # "at 90%", not "up to 69%"
# "0.03% of the parameters of X" is a share, not a margin; "79% of the energy" is one
_SHARE_OF = re.compile(r"\s+of\s+(?!(?:the\s+|its\s+)?(?:energy|power|memory|time|runtime|cost|latency|throughput)\b)", re.I)
_ABSOLUTE = re.compile(r"^\s*(?:of\s+(?:the\s+)?(?:theoretical|peak|max\w*|ideal|available|hardware|roofline)|\s*(?:model\s+)?flops\s+utili[sz]ation|mfu\b|hit\s+rate|attainment)", re.I)


def claim_items(claims: list[FoundClaim]) -> list[list[FoundClaim]]:
    """Claims grouped so that the two ends of a range ("1.5–2.3×") are one item."""
    items: list[list[FoundClaim]] = []
    for c in sorted(claims, key=lambda c: c.start):
        if items and items[-1][0].tail == c.end and items[-1][0] is not c:
            items[-1].append(c)
        else:
            items.append([c])
    return items


def _groups(text: str, targets: list[Target]) -> list[list[Target]]:
    """Baselines named together ('over Orca and vLLM') form one list."""
    groups: list[list[Target]] = []
    for t in sorted(targets, key=lambda t: t[1]):
        if groups and _LIST_GAP.match(text[groups[-1][-1][2] : t[1]]) and t[1] - groups[-1][-1][2] < 40:
            groups[-1].append(t)
        else:
            groups.append([t])
    return groups


def _is_comparative(text: str, item: list[FoundClaim]) -> bool:
    first, last = item[0], item[-1]
    if last.unit == "x":
        return True
    after = text[last.end : last.end + 60]
    if _ABSOLUTE.match(after) or _CONDITION.search(text[max(0, first.start - 12) : first.start]):
        return False
    clause_start = max(text.rfind(p, 0, first.start) for p in (", ", "; ", ". "))
    window = text[max(clause_start, first.start - 60, 0) : first.start] + " " + after[: (_CLAUSE_END.search(after).start() if _CLAUSE_END.search(after) else 60)]
    return bool(_COMPARATIVE.search(window))


def _respectively(text: str, items: list[list[FoundClaim]], groups: list[list[Target]]) -> dict[int, list[Target]]:
    """Item index -> its one baseline, for the lists that 'respectively' pairs."""
    explicit = "respectively" in text.lower()
    runs: list[list[int]] = []
    for i, item in enumerate(items):
        if runs and _ITEM_GAP.match(text[items[runs[-1][-1]][-1].end : item[0].start]):
            runs[-1].append(i)
        else:
            runs.append([i])
    out: dict[int, list[Target]] = {}
    for run in runs:
        if explicit and len(run) == 1 and len(items[run[0]]) == 2:  # "1.3–1.6× over A and B, respectively"
            pairs = [g for g in groups if len(g) == 2] or ([[t for g in groups for t in g]] if sum(map(len, groups)) == 2 else [])
            if pairs:
                out[run[0]] = min(pairs, key=lambda g: abs(g[0][1] - items[run[0]][0].start))
            continue
        matching = [g for g in groups if len(g) == len(run) > 1]
        if not explicit:  # "Compared against A, B and C, it is 1.3×, 1.8× and 2.6× faster": one list each
            matching = [g for g in matching if len(g) >= 3 and _listed_in_order(text, g, run, items)]
        if matching:
            group = min(matching, key=lambda g: abs(g[0][1] - items[run[0]][0].start))
            out.update({i: [t] for i, t in zip(run, group)})
    return out


def _listed_in_order(text: str, group: list[Target], run: list[int], items: list[list[FoundClaim]]) -> bool:
    """A list of baselines and a list of as many numbers, the numbers as 'A (N×), B (M×)' or with
    nothing but the numbers between the two lists."""
    start, end = items[run[0]][0].start, items[run[-1]][-1].end
    between = text[group[-1][2] : start] if group[-1][2] <= start else text[end : group[0][1]]
    return len(between) < 60 and not re.search(r"\d|[;.]\s", between)


def _cue_after(after: str) -> int | None:
    r"""Where ``^(?:\s*[\w/-]+){0,6}?`` then a comparison cue ('than', 'over', ...) would match ``after``
    end: the same search, in the same order, but a position the search has already left with no
    more words to spare is not searched again, so a failure is not exponential in word length."""
    failed: dict[int, int] = {}  # position -> fewest words read when the search from it failed

    def search(at: int, words: int) -> int | None:
        if failed.get(at, 7) <= words:
            return None
        if cue := _CUE_WORD.match(after, at):
            return cue.end()
        word = _NEXT_WORD.match(after, at) if words < 6 else None
        if word is not None:
            for end in range(word.end(), word.start(1), -1):  # the longest piece of the word first
                if (found := search(end, words + 1)) is not None:
                    return found
        failed[at] = words
        return None

    return search(0, 0)


_VERSUS = re.compile(r"(?:versus|vs\.?|against|compared\s+(?:to|with))\s+(?:only\s+)?(?:\$\s?)?$", re.I)
_VALUE_FOR = re.compile(r"\s+(?:for|with|from|under)\s")


def _is_absolute_pair(text: str, item: list[FoundClaim]) -> bool:
    """'from 34% to 71%', '57% MFU versus 43% for X': values, not margins."""
    first, last = item[0], item[-1]
    if _VERSUS.search(text, max(0, first.start - 30), first.start) and _VALUE_FOR.match(text, last.end):
        return True
    return bool(_FROM.search(text, max(0, first.start - 20), first.start) and _TO_NUMBER.match(text[last.end : last.end + 30])) or bool(
        _FROM_TO.search(text[max(0, first.start - 40) : first.start])
    )


def _subject(text: str, item: list[FoundClaim], groups: list[list[Target]], own: tuple[str, ...]) -> list[Target] | None:
    """'A is 40% slower than Brindle', 'A comes within 9% of ours': when the margin is stated over
    the paper's own artifact, it is the baseline's before it in the clause."""
    first, last = item[0], item[-1]
    after = text[last.end : last.end + 80]
    cue_end = _cue_after(after)
    obj_at = cue_end if cue_end is not None else (_WITHIN_OF_OWN.match(after).end() if _WITHIN.search(text[: first.start]) and _WITHIN_OF_OWN.match(after) else None)
    if obj_at is None:
        return None
    obj = after[obj_at:].lstrip()
    if not (_OWN_OBJECT.match(obj) or any(name and obj.startswith(name) for name in own)):
        return None
    clause_start = max(text.rfind(p, 0, first.start) for p in ("; ", ". ", ", and ", ", but ", ", while ", ", whereas "))
    before = [g for g in groups if clause_start < g[0][1] and g[-1][2] <= first.start]
    return before[-1] if before else None


def _owner(text: str, item: list[FoundClaim], groups: list[list[Target]], own: tuple[str, ...] = ()) -> list[Target] | None:
    """The baselines the sentence's structure gives this number; [] for none; None when it says nothing."""
    first, last = item[0], item[-1]
    before = text[: first.start]
    for group in groups:
        for t in group:
            between = (t[2], first.start)
            if (
                t[2] <= first.start
                and first.start - t[2] <= 60
                and not any(between[0] <= o[1] < between[1] for g in groups for o in g)
                and _BASELINE_THEN_MARGIN.match(text[t[2] : first.start])
            ):
                return [t]
    if (subject := _subject(text, item, groups, own)) is not None:
        return subject
    after = text[last.end :]
    within = _WITHIN.search(before)
    for group in groups:
        start = group[0][1]
        if last.end <= start <= last.end + 80:
            gap = text[last.end : start]
            if _MARGIN_THEN_BASELINE.match(gap) or (within and _WITHIN_OF.match(gap)):
                return group
    cue_end = _cue_after(after)
    if cue_end is not None:
        end = _OBJECT_END.search(after, cue_end)
        reach = last.end + (end.start() if end else len(after))
        objects = [g for g in groups if last.end < g[0][1] < reach]
        # "2.9× speedup and 22.1× gains over the SOTA SNN accelerator (PAICORE)": the object of the cue
        return objects[0] if objects else []  # "5.2x over a static scheduler": no named baseline
    if _UNNAMED_OBJECT.search(before[-90:]):
        obj_start = first.start - 90
        if not any(obj_start < t[1] < first.start for g in groups for t in g):
            return []
    return None


def _nearest(text: str, groups: list[list[Target]], at: int) -> list[Target]:
    def distance(group: list[Target]) -> int:
        first, last = group[0][1], group[-1][1]
        return first - at if first >= at else (at - last) + 25

    start = text.rfind(";", 0, at) + 1
    end = text.find(";", at)
    inside = [g for g in groups if start <= g[0][1] and (end == -1 or g[-1][1] < end)]
    return min(inside or groups, key=distance)


_AND_NEXT = re.compile(r"^(?:\s+[\w-]+){0,4}?,?\s+and\s+(?:(?:up\s+to|about|an?|over)\s+)*$", re.I)


_LIST_NEXT = re.compile(r"^[^.;,]{0,40},\s+(?:and\s+)?(?:(?:up\s+to|about|over|nearly|almost)\s+)?$", re.I)


def _shared_with_next(text: str, items: list[list[FoundClaim]], stated: list, i: int, groups: list[list[Target]]) -> list[Target] | None:
    """'2.9× speedup and 22.1× energy gains over B': a margin joined by 'and' to the next one, with
    no baseline between, is stated over the next one's baselines."""
    if i + 1 >= len(items) or not stated[i + 1]:
        return None
    gap = (items[i][-1].end, items[i + 1][0].start)
    if not _AND_NEXT.match(text[gap[0] : gap[1]]) or any(gap[0] <= t[1] < gap[1] for g in groups for t in g):
        return None
    return stated[i + 1]


def attach(text: str, targets: list[Target], claims: list[FoundClaim], own: tuple[str, ...] = ()) -> dict[str, list[Claim]]:
    """Each target's claims, as the sentence states them (``own``: the names of the paper's own
    artifacts, which a margin may be stated over)."""
    out: dict[str, list[Claim]] = {key: [] for key, _, _ in targets}
    if not targets:
        return out
    groups = _groups(text, targets)
    items = claim_items(claims)
    paired = _respectively(text, items, groups)
    stated: list[list[Target] | None] = [paired.get(i) or _owner(text, item, groups, own) for i, item in enumerate(items)]
    for i in range(1, len(items)):  # "by 10-40% on A, 8× on B, and 14× on C" over an unnamed object: all to none
        if stated[i] is None and stated[i - 1] == [] and _LIST_NEXT.match(text[items[i - 1][-1].end : items[i][0].start]):
            stated[i] = []
    for i, item in enumerate(items):
        owners = paired.get(i)
        if owners is not None and len(item) == len(owners) == 2:  # a range paired end by end
            for (key, _, _), c in zip(owners, item):
                out[key].append(c.claim)
            continue
        if owners is None:
            owners = stated[i]
        if owners is None:
            if _is_absolute_pair(text, item) or not _is_comparative(text, item) or _SHARE_OF.match(text, item[-1].end):
                continue  # "80% sparsity", "0.03% of the parameters of X": a result, not a margin
            owners = _shared_with_next(text, items, stated, i, groups) or _nearest(text, groups, item[0].start)
        for key, _, _ in owners:
            for c in item:
                if c.claim not in out[key]:
                    out[key].append(c.claim)
    return out
