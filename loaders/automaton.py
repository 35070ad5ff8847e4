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
# Lower case, for ASCII and for the four non-ASCII letters re.IGNORECASE equates with an ASCII
# letter (tests/test_matcher.py checks the list against re); every other character is itself.
_FOLD = str.maketrans(
    {**{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}, "\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
)
_WORD_CHAR = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def fold_key(alias_part: str) -> str:
    """An alias (or any text) as the automaton compares it: separators dropped, case folded."""
    return "".join(_PIECE.findall(alias_part)).translate(_FOLD)


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
        folded_at: list[int] = []  # where each piece starts in the folded text ...
        text_at: list[int] = []  # ... and in ``text``
        pieces: list[str] = []
        n = 0
        for m in _PIECE.finditer(text):
            folded_at.append(n)
            text_at.append(m.start())
            piece = m.group()
            pieces.append(piece)
            n += len(piece)
        starts: dict[int, int] = {}
        for end, (length, flags) in self._automaton.iter("".join(pieces).translate(_FOLD)):
            at = end - length + 1
            k = bisect.bisect_right(folded_at, at) - 1
            pos = text_at[k] + at - folded_at[k]
            if pos > 0 and text[pos - 1] in _WORD_CHAR:
                continue
            starts[pos] = starts.get(pos, 0) | flags
        yield from sorted(starts.items())
