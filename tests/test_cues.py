"""The cue form used for cheap pre-checks reads letters and whitespace exactly as ``re`` does."""

from __future__ import annotations

import re
import sys

from loaders.cues import WHITESPACE, cue_form


def test_whitespace_is_every_character_backslash_s_matches() -> None:
    matched = "".join(chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c)))
    assert matched == WHITESPACE


def test_a_cue_word_ignorecase_matches_is_in_the_cue_form() -> None:
    for text in ("THAN", "Than", "\u0130mproves", "\u017furpass", "compared\u2003to", "on\tpar\x1cwith"):
        for word in ("than", "improves", "surpass", "compared to", "on par with"):
            pattern = word.replace(" ", r"\s")
            if re.fullmatch(pattern, text, re.I):
                assert word in cue_form(text), (word, text)
