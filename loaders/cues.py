"""Cheap tests for cue words, run before patterns that are costly to try on every sentence.

A pattern compiled with ``re.IGNORECASE`` that must match a cue word ("than", "outperform") can
only match a text whose cue form contains the word: letters are folded as ``re.IGNORECASE``
equates them with ASCII ones, and each character ``\\s`` matches becomes one space, so "than\\s"
is looked for as "than " (tests/test_cues.py checks both lists against ``re``).

Every module declares its cue words with ``cue_words``; one Aho-Corasick automaton over all of
them reads a sentence once (``Cues``), and each pre-check is then a set test.

>>> "than " in cue_form("Faster THAN\\u00a0vLLM")
True
>>> COMPARING = cue_words("than", "outperform")
>>> Cues("Nexus OUTPERFORMS vLLM.").has(COMPARING), Cues("Nexus serves vLLM.").has(COMPARING)
(True, False)
"""

from __future__ import annotations

import ahocorasick

from loaders.automaton import CASE_FOLD, WHITESPACE

_CUE_FOLD = {**CASE_FOLD, **{ord(c): " " for c in WHITESPACE}}

_WORDS: set[str] = set()
_automaton: ahocorasick.Automaton | None = None


def cue_form(text: str) -> str:
    """``text`` with letters folded as ``re.IGNORECASE`` reads them and all whitespace one space."""
    return text.translate(_CUE_FOLD)


def has_any(form: str, words: tuple[str, ...] | frozenset[str]) -> bool:
    """Does the cue form of a text contain one of ``words``?"""
    return any(map(form.__contains__, words))


def cue_words(*words: str) -> frozenset[str]:
    """Declare cue words (in cue form) that ``Cues.has`` will be asked about."""
    global _automaton
    if not _WORDS.issuperset(words):
        _WORDS.update(words)
        _automaton = None  # rebuilt, with the new words, on the next read
    return frozenset(words)


def _words_automaton() -> ahocorasick.Automaton:
    global _automaton
    if _automaton is None:
        automaton = ahocorasick.Automaton()
        for word in _WORDS:
            automaton.add_word(word, word)
        automaton.make_automaton()
        _automaton = automaton
    return _automaton


class Cues:
    """A text read once: its cue form, and every declared cue word it contains."""

    __slots__ = ("form", "words")

    def __init__(self, text: str) -> None:
        self.form = cue_form(text)
        self.words = frozenset(word for _, word in _words_automaton().iter(self.form)) if _WORDS else frozenset()

    def has(self, words: frozenset[str]) -> bool:
        """Does the text contain one of ``words`` (each declared with ``cue_words``)?"""
        return not self.words.isdisjoint(words)
