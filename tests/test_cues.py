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


# Each costly pattern is tried only when its cue words are in the text: a text the pattern
# matches must always pass its pre-check, or a comparison, use or proposal would be lost.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from loaders import proposals, relations  # noqa: E402
from loaders.cues import Cues  # noqa: E402
from loaders.text import has_word  # noqa: E402

PRE_CHECKS = {
    "comparison cue": (
        relations.COMPARE_CUE,
        lambda c: c.has(relations._COMPARE_WORDS)
        or c.has(relations._SHAPE_WORDS) and any(s.search(c.form) for s in relations._COMPARE_SHAPES),
    ),
    "losing verb": (relations._HAS_LOSING_VERB, lambda c: c.has(relations._LOSING_WORDS)),
    "use cue": (relations.USE_CUE, lambda c: c.has(relations._USE_WORDS)),
    "proposal verb": (proposals.PROPOSAL_VERB, lambda c: c.has(proposals._VERB_STEMS) and c.has(proposals._PROPOSERS)),
    "to make": (proposals.TO_MAKE, lambda c: c.has(proposals._VERB_STEMS) and c.has(proposals._TO)),
    "proposal context": (proposals.PROPOSAL_CONTEXT, lambda c: c.has(proposals._CONTEXT_WORDS)),
    "naming": (proposals.NAMING, lambda c: c.has(proposals._NAMING_WORDS)),
}
WORDS = (
    "We", "we", "WE", "This", "paper", "work", "propose", "PROPOSES", "introduced", "to", "create", "build", "called",
    "known", "as", "refer", "referred", "it", "than", "faster", "outperforms", "outpaced", "is", "are", "slower",
    "behind", "trails", "lags", "needs", "requires", "only", "reaches", "over", "improves", "upon", "on", "par", "with",
    "within", "5%", "of", "2.1x", "3×", "4", "times", "-fold", "points", "compared", "relative", "vs.", "built", "using",
    "implemented", "in", "top", "novel", "new", "vLLM", "X", "that", "the", "Str\u0131de", "\u0130mproves",
)
SEPARATORS = (" ", "  ", "\t", "\u00a0", "\u2003", "\n", ", ", "-")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=14))
def test_a_text_a_pattern_matches_passes_its_pre_check(parts: list[tuple[str, str]]) -> None:
    text = "".join(w + s for w, s in parts)
    cues = Cues(text)
    for name, (pattern, pre_check) in PRE_CHECKS.items():
        if pattern.search(text):
            assert pre_check(cues), (name, text)


def test_every_sentence_of_the_fresh_abstracts_passes_the_pre_checks_its_patterns_need() -> None:
    from pathlib import Path

    from loaders.text import split_sentences

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(__file__).parent.joinpath("data", "fresh").glob("*.txt"))]
    sentences = [s.text for t in texts for para in t.split("\n\n") for s in split_sentences(para)]
    assert len(sentences) > 400
    for text in sentences:
        cues = Cues(text)
        for name, (pattern, pre_check) in PRE_CHECKS.items():
            if pattern.search(text):
                assert pre_check(cues), (name, text)


@given(st.text(alphabet="ab_1é -.", max_size=12), st.sampled_from(["ab", "a", "b1", "é"]))
def test_has_word_reads_word_boundaries_as_re_does(text: str, word: str) -> None:
    assert has_word(text, word) == bool(re.search(rf"\b{re.escape(word)}\b", text))


@given(st.text(max_size=40))
def test_search_words_are_the_runs_of_letters_and_digits(text: str) -> None:
    from graph.lookup import words

    cleaned = "".join(c if c.isalnum() else " " for c in text.lower())
    assert words(text) == list(dict.fromkeys(cleaned.split()))
