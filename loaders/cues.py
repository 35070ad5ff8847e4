"""Cheap tests for cue words, run before patterns that are costly to try on every sentence.

A pattern compiled with ``re.IGNORECASE`` that must match a cue word ("than", "outperform") can
only match a text whose cue form contains the word: letters are folded as ``re.IGNORECASE``
equates them with ASCII ones, and each character ``\\s`` matches becomes one space, so "than\\s"
is looked for as "than " (tests/test_cues.py checks both lists against ``re``).

>>> "than " in cue_form("Faster THAN\\u00a0vLLM")
True
"""

from __future__ import annotations

from loaders.automaton import CASE_FOLD

# Every character ``\s`` matches in a str pattern (str.isspace()).
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_CUE_FOLD = {**CASE_FOLD, **{ord(c): " " for c in WHITESPACE}}


def cue_form(text: str) -> str:
    """``text`` with letters folded as ``re.IGNORECASE`` reads them and all whitespace one space."""
    return text.translate(_CUE_FOLD)


def has_any(form: str, words: tuple[str, ...]) -> bool:
    """Does the cue form of a text contain one of ``words``?"""
    return any(map(form.__contains__, words))
