"""Where in a sentence a comparison, a use or a hardware target is stated.

A comparison cue ("outperforms", "N× faster than", "speedup over", "compared with", "relative to",
"vs.", "unlike", "while X loses") opens a span of text that names what is compared against; a use
cue ("built on", "implemented in", "using") opens a span of things merely used.

>>> s = "Nexus outperforms vLLM and SGLang by 2.2x in throughput, and is implemented in PyTorch."
>>> [s[a:b] for a, b in comparison_spans(s)]
['vLLM and SGLang']
>>> [s[a:b] for a, b in use_spans(s)]
['PyTorch']
"""

from __future__ import annotations

import re
from typing import Any

from loaders.cues import Cues, cue_words

_COMPARATIVE = r"(?:speed-?ups?|improvements?|gains?|advantages?|margins?|edge|lead|faster|slower|better|higher|lower|less|more|fewer|reductions?|improves?|outperforms?|wins?|\d+(?:\.\d+)?\s?(?:x|×|times|%|-fold))"
COMPARE_CUE = re.compile(
    r"\b(?:outperform(?:s|ed|ing)?|out(?:scor|run|pac|strip|class|shin|do)\w*|overtak\w*|leaves|beat(?:s|ing)?|surpass(?:es|ed|ing)?|exceed(?:s|ed|ing)?|"
    r"compar(?:ed|ing|ison|isons)\s+(?:to|with|against)|compare[sd]?\s+(?:the\s+|our\s+|its\s+)?(?:[\w-]+\s+){1,4}?(?:to|with|against)|in\s+comparison\s+(?:to|with)|relative\s+to|"
    r"vs\.?|versus|against|unlike|in\s+contrast\s+(?:to|with)|whereas(?=\s+(?-i:[A-Z]))|than|improv(?:es|ed|ing)\s+(?:up)?on|on\s+par\s+with|parity\s+with|"
    r"(?:comparabl[ey]|superior|inferior|similar|equal|equivalent|competitive|close)(?:\s+or\s+\w+)?(?:\s+[\w-]+){0,2}?\s+(?:to|with)|"
    r"match(?:es|ed)?|rivals?|(?<=\d[x×]\s)(?:(?:that|those)\s+|the\s+(?:[\w-]+\s+){0,3}?)of|trail(?:s|ed|ing)?|lag(?:s|ged|ging)?\s+behind|within\s+\d+(?:\.\d+)?\s?%\s+of|"
    rf"{_COMPARATIVE}(?:\s+(?:[\w-]+|\([^()]{{1,40}}\))){{0,6}}?\s+(?:over|on\s+top\s+of))\b",  # "7.5x (3.6x on average) over"
    re.IGNORECASE,
)
# Every match of COMPARE_CUE holds one of these words or shapes, in cue form (loaders.cues); each
# shape starts with a literal or a digit, which re scans for quickly.
_COMPARE_WORDS = cue_words(
    "outperform", "beat", "surpass", "exceed", "compar", "relative", "vs", "versus", "against", "unlike", "contrast", "whereas", "top", "than",
    " par ", "superior", "inferior", "similar", "equal", "equivalent", "competitive", "close", "match", "rival",
    "outscor", "outrun", "outpac", "outstrip", "outclass", "outshin", "outdo", "overtak", "leaves", "parity", "trail", "lag",
)
_COMPARE_SHAPES = tuple(re.compile(p) for p in (r" over\b", r"within +\d", r"improv(?:es|ed|ing) +(?:up)?on", r"\d[x×] "))
_SHAPE_WORDS = cue_words(" over", "within ", "improv", "x ", "× ")  # one is in every match of a shape
_LOSER = re.compile(r"\bwhile\s+(?=\S+(?:\s+\S+)?\s+(?:loses|drops|degrades|suffers|only|requires|incurs|needs|takes|fails|achieves only)\b)", re.I)
USE_CUE = re.compile(
    r"\b(?:built\s+(?:on(?:\s+top\s+of)?|upon|atop|with)|implemented\s+(?:in|on|with|using|atop|into)|"
    r"based\s+on|on\s+top\s+of|using|uses|use|leverag(?:e|es|ing)|integrat(?:ed|es|ing)\s+(?:in|into|with)|"
    r"extends?|extending|written\s+in|powered\s+by|adopts?|employs?|utiliz(?:e|es|ing)|exploits?|"
    r"with\s+the\s+help\s+of|running|runs)\b",
    re.IGNORECASE,
)
# Where the thing compared against (or used) stops: a new clause, the margin, the setting.
_SPAN_END = re.compile(
    r"[;:]|\.(?:\s|$)|\s(?:by|on|in|across|for|at|with|under|when|while|whereas|without|which|that|using|"
    r"through|via|to(?!\s+date\b)|from|achiev\w*|reach\w*|deliver\w*|attain\w*|yield\w*|showing|and\s+(?:achiev|reduc|improv|deliver|provid|enabl|yield)\w*)\b"
    r"|,\s+(?!and\b|or\b|as\s+well\s+as\b|respectively\b|such\s+as\b|including\b|like\b|e\.g\.|namely\b|i\.e\.)(?=[a-z]+(?:[\s,;:)]|\.(?:\s|$)))"
    r"|,?\s+(?:and\s+)?(?=\d[\d.,]*\s?(?:[x×%](?![\w×])|times\b|-fold\b))"  # the next margin: "(A), and 2.9× over B"
)
_MAX_SPAN = 120
_USE_WORDS = cue_words(
    "built ", "implemented ", "based ", " top ", "using", "use", "leverag", "integrat", "extend", "written ", "powered ",
    "adopt", "employ", "utiliz", "exploit", "help", "running", "runs",
)
# After a comma, another item of a list: "X, Y, and Z" / "X, Y or Z" / "X, Y)".
_LIST_ITEM = re.compile(r"(?:and\s+|or\s+)?(?:the\s+)?[\w.+-]+(?:\s+[\w.+-]+){0,3}?\s*(?:,|\)|\s+and\b|\s+or\b|$)")


def _span_after(text: str, start: int, leading_clause: bool) -> tuple[int, int]:
    rest = text[start : start + _MAX_SPAN]
    m = _SPAN_END.search(rest, 1)
    end = m.start() if m else len(rest)
    if m is None and start + _MAX_SPAN < len(text):  # cut at the reach: not inside a word
        end = max(rest.rfind(" "), 1)
    if leading_clause:  # "Compared to X, Y achieves ..." ends at the comma before the main clause
        for comma in re.finditer(r",\s+", rest):
            if comma.start() >= end:
                break
            if not _LIST_ITEM.match(rest, comma.end()):
                end = comma.start()
                break
    return start, start + end


# "TensorRT trails by 22%", "FlexGen needs 3.4x more host memory", "vLLM is outperformed by 2x":
# the baseline is the subject of a verb of losing, with a margin in the same clause.
_LOSING_VERB = (
    r"(?:trails?|lags?(?:\s+behind)?|falls?\s+behind|comes?\s+within|costs?|needs?|requires?|takes?|spends?|consumes?|is\s+out\w+ed|are\s+out\w+ed|"
    r"reaches\s+only|achieves\s+only|is\s+(?:outperformed|beaten|slower|worse)|are\s+(?:outperformed|beaten)|"
    r"(?:is|are)\s+(?=(?:\S+\s+){1,4}?(?:slower|worse|behind)\b))\b"
    r"(?=[^.;]{0,60}?\d(?:\.\d+)?\s?(?:x|×|%|times|-fold|points?)(?![\w]))"
)
_SUBJECT_BASELINE = re.compile(r"((?:[\w.+-]+\s+){0,3}?[\w.+-]+(?:'s?)?(?:\s+[a-z-]+){0,2}?)\s+" + _LOSING_VERB)
# The subject pattern is tried at every position and backtracks over each word; a sentence must
# hold its verb and margin (its tail) first, which only a few do.
_HAS_LOSING_VERB = re.compile(r"\s" + _LOSING_VERB)
# A word each alternative of the losing verb holds, in cue form.
_LOSING_WORDS = cue_words(
    "trail", "lag", "fall", "come", "cost", "need", "requir", "take", "spend", "consum", "out", "only", "beaten", "slower", "worse", "behind"
)
_LEADING_WORDS = re.compile(
    r"(?:(?:In|On|For|At|With|By|And|But|While|Whereas|The|A|An|Its|Their|Our|This|These|Against|Under|Across|"
    r"Compared|Meanwhile|However|Here|There|Only|Even|Still|Yet|Also)\b[,]?\s+|[a-z][\w-]*\s+(?=[a-z]))+"
)
_POSSESSIVE_OBJECT = re.compile(
    r"\b(?:trims?|cuts?|halves|reduces?|lowers?|shrinks?|improves?\s+(?:on|upon)|raises?|doubles?|triples?|beats?|exceeds?)\s+"
    r"((?:[A-Za-z][\w.+-]*\s+){0,2}[A-Za-z][\w.+-]*)'s\s"
)
# Before a cue that opens the sentence's leading clause: nothing, or one of these words (as
# ``prefix.strip().lower() in {...}`` reads it, without copying the prefix for each cue).
_LEADING_CUE = re.compile(r"\s*(?:[Ii][Nn]|[Aa][Nn][Dd]|[Bb][Uu][Tt]|[Hh][Oo][Ww][Ee][Vv][Ee][Rr],)?\s*")
_AND_NEXT_MARGIN = re.compile(r"\band\s+(?:the\s+)?([\w.+-]+(?:\s[\w.+-]+)?)\s+by\s+(?:up\s+to\s+|about\s+|over\s+)?\d")


# What may stand between a cue and the thing compared against: its value, or the thing's output.
_BEFORE_OBJECT = re.compile(
    r"(?:only\s+)?(?:\$\s?)?\d[\d.,]*\s?(?:%|x|×|[a-zA-Z]{1,3}(?:/s)?)?\s+(?:for|with|from|under)\s+"
    r"|(?:those|that|the\s+ones)\s+(?:[a-z]+(?:ed|en)\s+)?(?:by|of|from|with)\s+"
)
# "Throughput (tok/s): Sprig 3,120; vLLM 1,450; TGI 1,190": a table written as a sentence.
_TABLE = re.compile(r":\s+(?=[^;]+\d;)")
_TABLE_ITEM = re.compile(r"\s*([^\s;:\d][^;:]{0,60}?)\s+(?:\$\s?)?\d[\d.,]*\s?(?:%|x|×|[a-zA-Z]{1,3}(?:/s)?)?\s*(?:;|\.?$)")


def _table_items(text: str) -> list[tuple[int, int]]:
    """The names of a table written as a sentence: three or more 'name value' items after a colon,
    separated by semicolons."""
    m = _TABLE.search(text) if ";" in text and ":" in text else None
    if not m:
        return []
    spans, at = [], m.end()
    while at < len(text) and (item := _TABLE_ITEM.match(text, at)):
        spans.append((item.start(1), item.end(1)))
        at = item.end()
    return spans if len(spans) >= 3 and at >= len(text.rstrip()) else []


def comparison_spans(text: str, cues: Cues | None = None) -> list[tuple[int, int]]:
    """Character spans of ``text`` that name what the sentence compares against (``cues``: the
    text already read by ``loaders.cues.Cues``)."""
    spans = []
    cues = cues or Cues(text)
    form = cues.form
    compares = cues.has(_COMPARE_WORDS) or cues.has(_SHAPE_WORDS) and any(shape.search(form) for shape in _COMPARE_SHAPES)
    for m in COMPARE_CUE.finditer(text) if compares else ():
        leading = bool(_LEADING_CUE.fullmatch(text, 0, m.start()))
        start = m.end()
        while start < len(text) and text[start] in " (":
            start += 1
        if skip := _BEFORE_OBJECT.match(text, start):  # "versus 43% for X", "than those produced by X"
            start = skip.end()
        spans.append(_span_after(text, start, leading))
    spans.extend(_table_items(text))
    for m in _POSSESSIVE_OBJECT.finditer(text) if "'s" in text else ():
        spans.append((m.start(1), m.end(1) + 2))  # with the "'s" a mention may include
    for m in _SUBJECT_BASELINE.finditer(text) if cues.has(_LOSING_WORDS) and _HAS_LOSING_VERB.search(text) else ():
        lead = _LEADING_WORDS.match(text, m.start(1), m.end(1))
        spans.append((lead.end() if lead else m.start(1), m.end(1)))
    # "outperforms BERT by 0.8 points and ViT by 2%": a second baseline with its own margin
    for m in _AND_NEXT_MARGIN.finditer(text) if spans else ():
        if any(a < m.start() and re.match(r"\s*(?:[a-z]+\s+){0,2}by\b", text[b : m.start()]) for a, b in spans):
            spans.append((m.start(1), m.end(1)))
    for m in _LOSER.finditer(text) if "while" in form else ():
        name_end = re.match(r"\S+(?:\s+\S+)?", text[m.end() :])
        spans.append((m.end(), m.end() + (name_end.end() if name_end else 0)))
    return spans


def use_spans(text: str, cues: Cues | None = None) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if not (cues or Cues(text)).has(_USE_WORDS):
        return spans
    for m in USE_CUE.finditer(text):
        start = m.end()
        while start < len(text) and text[start] == " ":
            start += 1
        spans.append(_span_after(text, start, False))
    return spans


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


FIRST_PERSON = re.compile(r"\b(?:we|our|us|this\s+(?:paper|work|study)|the\s+proposed|proposed)\b", re.I)
ON_HARDWARE = re.compile(
    r"\b(?:on|onto|for|across|to|targeting|using|from|atop|in)\s+(?:(?:a|an|the|one|two|four|eight|sixteen|single|multiple|several|many|modern|commodity|consumer|data-?center|edge|mobile|low-end|high-end|heterogeneous|diverse|various|different|\d[\d,]*|[A-Z][A-Za-z]+|NVIDIA|AMD|Intel|Google|Apple|Qualcomm|and|or|,)\s+){0,4}$",
    re.I,
)
BACKGROUND = re.compile(r"\b(?:such\s+as|like|e\.g\.|including|typically|traditionally|commonly|conventional|existing|prior|previous)\s+$", re.I)


def is_target_context(sentence: str, start: int, own_names: list[str]) -> bool:
    """Is the hardware named at ``start`` where the work runs, is measured or is designed for?

    It is when the sentence speaks of the work itself (we, our, the paper's own artifact), or the
    hardware follows 'on', 'for', 'across' ... ('evaluated on eight A100 GPUs'); a listing of
    examples ('accelerators such as GPUs') is background."""
    before = sentence[:start]
    if BACKGROUND.search(before[-40:]) and not FIRST_PERSON.search(sentence):
        return False
    if FIRST_PERSON.search(sentence) or any(n and n in sentence for n in own_names):
        return True
    return bool(ON_HARDWARE.search(before[-80:]))


_SETTING_WORDS = frozenset("on with using across of in at for per running run runs via by under from to when while within".split())
_HARDWARE_LEAD_WORD = re.compile(r"[\w.+/-]+")


def leads_to_hardware(before_in_span: str) -> bool:
    """Do the words between a comparison cue and a hardware product only describe it (articles,
    vendors, adjectives, other products of a list), with no preposition or device count between?"""
    words = _HARDWARE_LEAD_WORD.findall(before_in_span)
    return len(words) <= 8 and not any(w.lower() in _SETTING_WORDS or w.replace(",", "").isdigit() for w in words)


_ON_HARDWARE = re.compile(r"^[^;:.\d]{0,40}?\b(?:on|with|using|atop)\s+(?:(?:an?|the|one|two|four|eight|\d+|a\s+single)\s+)?(?:[\w-]+\s+)?$", re.I)


def measured_on(text: str, at: Any, found: list[Any], hardware: list[Any]) -> str | None:
    """The hardware a number was measured on, when its clause names it right after: '3.1× on L40S',
    '2.6x higher throughput on one A100' (not past the next number)."""
    later = [f.start for f in found if f.start > at.end and f.start != at.tail]
    stop = min(later, default=len(text))
    for m in hardware:
        if at.end < m.start < stop and m.entry.kind != "class" and _ON_HARDWARE.match(text[at.end : m.start]):
            return m.entry.name
    return None
