"""Where a catalogue alias may start in a text: one Aho-Corasick automaton over folded text.

The alias patterns of ``loaders.linking`` allow a separator (whitespace or a hyphen) between the
parts of an alias and, for most aliases, any case. Text folded the same way (separators dropped,
case folded) contains an alias's folded form wherever the pattern could match, so the automaton
finds every possible start; the caller confirms each one with the pattern itself.

>>> starts = AliasStarts({"flashattention2": 1, "a100": 2})
>>> text = "We beat Flash-Attention 2 on NVIDIA A100s."
>>> [(text[i:i + 5], flags) for i, flags in starts.find(text)]
[('Flash', 1), ('A100s', 2)]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping

import ahocorasick

_PIECE = re.compile(r"[^\s-]+")  # what is left when the optional separators [\s-] are dropped
_SEPARATOR = re.compile(r"[\s-]")
# Lower case, for ASCII and for the four non-ASCII letters re.IGNORECASE equates with an ASCII
# letter (tests/test_matcher.py checks the list against re); every other character is itself.
CASE_FOLD = str.maketrans(
    {**{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}, "\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
)
# Every character ``\s`` matches in a str pattern (str.isspace(); tests/test_cues.py checks it).
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
# CASE_FOLD, dropping every character [\s-] matches.
_FOLD_AND_DROP = {**CASE_FOLD, **{ord(c): None for c in WHITESPACE + "-"}}
_WORD_CHAR = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def fold_key(alias_part: str) -> str:
    """An alias (or any text) as the automaton compares it: separators dropped, case folded."""
    return "".join(_PIECE.findall(alias_part)).translate(CASE_FOLD)


class AliasStarts:
    """Maps folded keys to flag bits; ``find`` yields each position where a key starts, in order,
    with the flags of every key starting there. A position right after an ASCII letter or digit
    is left out: the alias patterns never start there."""

    def __init__(self, keys: Mapping[str, int]) -> None:
        self._automaton = ahocorasick.Automaton()
        for key, flags in keys.items():
            if key:
                self._automaton.add_word(key, (len(key), flags))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> Iterator[tuple[int, int]]:
        if self._empty:
            return
        hits = list(self._automaton.iter(text.translate(_FOLD_AND_DROP)))
        if not hits:
            return
        # A folded position f is the text's position f + (separators before it); the k-th
        # separator (from 0), at position p, comes before every folded position >= p - k.
        shifted = [m.start() - k for k, m in enumerate(_SEPARATOR.finditer(text))]
        starts: dict[int, int] = {}
        for end, (length, flags) in hits:
            at = end - length + 1
            pos = at + bisect.bisect_right(shifted, at)
            if pos > 0 and text[pos - 1] in _WORD_CHAR:
                continue
            starts[pos] = starts.get(pos, 0) | flags
        yield from sorted(starts.items())
