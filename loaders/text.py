"""Small text utilities for extraction: sentences, name-like tokens, acronym definitions, folding.

>>> [s.text for s in split_sentences("We use A100 GPUs, e.g. for training. ParaFold is 13.8x faster than AlphaFold.")]
['We use A100 GPUs, e.g. for training.', 'ParaFold is 13.8x faster than AlphaFold.']
>>> acronym_definitions("Kolmogorov-Arnold Networks (KANs) are a new class of networks.")
{'KANs': 'Kolmogorov-Arnold Networks'}
>>> fold("Flash-Attention 2") == fold("FlashAttention2")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "vs.", "etc.", "fig.", "figs.", "eq.", "approx.", "resp.", "cf.", "no.", "ca.")

_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9(\[\"'])")
_INITIAL = re.compile(r"\b[A-Z]\.$")  # "J. Smith", "Fig. A."
# Each cut looks only this far back, so a text with many non-cuts ("e.g. X. e.g. Y.") stays linear.
_LOOK_BACK = max(len(a) for a in ABBREVIATIONS) + 2


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset in the text it was cut from
    index: int


def split_sentences(text: str) -> list[Sentence]:
    """Cut prose into sentences, keeping abbreviations and decimal numbers intact."""
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[max(start, m.start() - _LOOK_BACK) : m.start()]
        if before.lower().endswith(ABBREVIATIONS) or _INITIAL.search(before):
            continue
        piece = text[start : m.start()].strip()
        if piece:
            out.append(Sentence(piece, start, len(out)))
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(Sentence(tail, start, len(out)))
    return out


_NOT_FOLDED = re.compile(r"[^a-z0-9+]")


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """The form names are compared in: lower case, letters and digits only."""
    return _NOT_FOLDED.sub("", name.lower())


def has_word(text: str, word: str) -> bool:
    """``re.search(rf"\\b{re.escape(word)}\\b", text)`` for a ``word`` of word characters, without
    compiling a pattern per word.

    >>> has_word("a bamboo-based plan", "bamboo"), has_word("bamboos", "bamboo")
    (True, False)
    """
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _is_word_char(text[at - 1])) and (end == len(text) or not _is_word_char(text[end])):
            return True
        at = text.find(word, at + 1)
    return False


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"  # what re's \w matches in str patterns


# A token that looks like a proper name of an artifact: inner capitals (ParaFold, cuBLAS),
# letters mixed with digits (A100, Llama2), acronyms (TVM, DARTS), joined by - . or /.
_PART = r"[A-Za-z0-9]+(?:[-.+/][A-Za-z0-9]+)*\+*"
NAME_TOKEN = re.compile(rf"(?<![\w-])({_PART})(?![\w])")


_LETTER = re.compile(r"[A-Za-z]")
_NOT_LETTER = re.compile(r"[^A-Za-z]")
_DIGIT = re.compile(r"\d")
_QUANTITY = re.compile(r"\d+(\.\d+)?[a-zA-Z]{0,2}")
_CAPITALIZED = re.compile(r"[A-Z][a-z]+")
_PARENTHESIZED_ACRONYM = re.compile(r"\(([A-Za-z][A-Za-z0-9\-]{1,15})\)")
_PLURAL_S = re.compile(r"(?<=[A-Z])s$")
_WORD = re.compile(r"[A-Za-z0-9][\w]*(?:-[\w]+)*")


@lru_cache(maxsize=65536)
def is_name_like(token: str) -> bool:
    """True for tokens shaped like artifact names rather than English words."""
    core = token.strip(".-")
    if len(core) < 2 or not _LETTER.search(core):
        return False
    if _QUANTITY.fullmatch(core):  # 13.8x, 4K, 2B
        return False
    parts = core.split("-")
    if len(parts) > 1 and (parts[-1].islower() or all(_CAPITALIZED.fullmatch(p) for p in parts)):
        return False  # adjectives and phrases: "GPU-oriented", "On-Device", "Instruction-Aware"
    letters = _NOT_LETTER.sub("", core)
    inner_caps = any(c.isupper() for c in core[1:]) and any(c.islower() for c in core) or (
        letters.isupper() and len(letters) >= 2
    )
    mixed_digits = bool(_LETTER.search(core) and _DIGIT.search(core)) and core[0].isupper()
    return inner_caps or mixed_digits


def _acronym_letters(acronym: str) -> str:
    """'KANs' -> 'kan': the letters an acronym spells, without a plural s."""
    return _NOT_LETTER.sub("", _PLURAL_S.sub("", acronym)).lower()


def acronym_definitions(text: str) -> dict[str, str]:
    """Acronyms defined in the text: 'Kolmogorov-Arnold Networks (KANs)' -> {'KANs': 'Kolmogorov-Arnold Networks'}.

    The expansion is the shortest run of words before the parenthesis whose initials spell the
    acronym (hyphenated words may give one letter per part)."""
    out: dict[str, str] = {}
    for m in _PARENTHESIZED_ACRONYM.finditer(text):
        acr = m.group(1)
        letters = _acronym_letters(acr)
        if len(letters) < 2:
            continue
        words = _WORD.findall(text[max(0, m.start() - 120) : m.start()])
        for n in range(1, min(len(words), 10) + 1):
            if words[-n][0].lower() != letters[0]:  # _spells reads the first letter off the first word
                continue
            cand = words[-n:]
            if _spells(cand, letters):
                if cand[0][0].isalpha():
                    out[acr] = " ".join(cand)
                break
    return out


def spells(words: list[str], acronym: str) -> bool:
    """Is ``acronym`` read off the initials of ``words``? ('Dynamic Gating Fusion', 'DGF')"""
    letters = _acronym_letters(acronym)
    return len(letters) >= 2 and _spells(words, letters)


def _spells(words: list[str], letters: str) -> bool:
    """Can ``letters`` be read off ``words``: one to three leading letters of each word or
    hyphen part, in order ('Low-rank adaptation' -> 'lora'); small words may give none."""
    parts: list[tuple[str, bool]] = []  # (part, may be skipped)
    for w in words:
        small = w.lower() in {"of", "for", "and", "the", "a", "an", "in", "on", "to", "with", "via"}
        for j, p in enumerate(q for q in w.split("-") if q):
            parts.append((p.lower(), small or j > 0))

    def walk(i: int, rest: str) -> bool:
        if not rest:
            return all(skip for _, skip in parts[i:])
        if i == len(parts):
            return False
        part, skip = parts[i]
        if skip and walk(i + 1, rest):
            return True
        return any(rest.startswith(part[:n]) and walk(i + 1, rest[n:]) for n in range(1, min(3, len(part)) + 1))

    return bool(parts) and words[0][0].isalnum() and not parts[0][1] and walk(0, letters)


def _joins(c: str) -> bool:
    """Does ``c`` continue a token, as the class [\\w-] of a regex over str reads it?"""
    return c == "-" or c == "_" or c.isalnum()


def standalone_count(name: str, text: str, ignore_case: bool = False) -> int:
    """How often ``name`` stands alone in ``text`` (no letter, digit, _ or - right before or
    after it), counted as ``re.findall(rf"(?<![\\w-]){re.escape(name)}(?![\\w-])", text)`` counts,
    without compiling a pattern for each name."""
    if not name or (ignore_case and not (name.isascii() and text.isascii())):
        return len(_standalone_pattern(name, re.I if ignore_case else 0).findall(text))
    if ignore_case:  # ASCII only: lower() changes case and nothing else
        name, text = name.lower(), text.lower()
    count = 0
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not _joins(text[at - 1])) and (end == len(text) or not _joins(text[end])):
            count += 1
            at = text.find(name, end)
        else:
            at = text.find(name, at + 1)
    return count


@lru_cache(maxsize=1024)
def _standalone_pattern(name: str, flags: int) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", flags)
