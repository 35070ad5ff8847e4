"""The Aho-Corasick entity matcher finds exactly what scanning every position finds, and
extraction time grows linearly with the length of an abstract."""

from __future__ import annotations

import re
import sys
import time
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.model import ListingEntry
from loaders.automaton import CASE_FOLD
from loaders.catalogue import load_catalogue
from loaders.extract import Extractor
from loaders.linking import EntityMatcher, _vendor_forms, default_matcher
from loaders.listing import read_listing
from tests.conftest import ROOT


@cache
def reference() -> EntityMatcher:
    return EntityMatcher(load_catalogue(), index=False)


def _aliases() -> list[str]:
    return sorted({a for e in load_catalogue().entries for a in [e.name, *e.aliases, *_vendor_forms(e)]})


FILLER = ["we", "run", "on", "the", "and", "than", "faster", "based", "a", "100x", "2.5", "GB", "SXM4", "s", "es", "'s",
          "-based", "-V3", "-like", "cluster", "NVIDIA", "GPU", "software", "(", ")", ",", ".", "/", ":", "#", "+"]
SEPARATORS = ["", " ", "-", "  ", "\n", "\u00a0", "- ", "_"]


def _respelled(alias: str, draw: st.DrawFn) -> str:
    """An alias as a text might write it: any case, separators added, dropped or swapped, odd letters."""
    out = []
    for c in alias:
        kind = draw(st.integers(0, 9))
        if c in " -" and kind < 4:
            c = draw(st.sampled_from(SEPARATORS))
        elif kind == 0:
            c = c.swapcase()
        elif kind == 1 and c.lower() in "iks":
            c = {"i": "\u0131", "k": "\u212a", "s": "\u017f"}[c.lower()]  # letters IGNORECASE equates with ASCII
        out.append(c)
        if draw(st.integers(0, 30)) == 0:
            out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


@st.composite
def texts(draw: st.DrawFn) -> str:
    aliases = _aliases()
    words = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            words.append(_respelled(draw(st.sampled_from(aliases)), draw))
        else:
            words.append(draw(st.sampled_from(FILLER)))
        words.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(words)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts(), st.booleans())
def test_the_automaton_finds_what_a_full_scan_finds(text: str, with_document: bool) -> None:
    document = f"{text} on NVIDIA GPUs" if with_document else None
    assert default_matcher().find(text, document) == reference().find(text, document)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aAbB1 -.s'\u0131\u017f\u212aKk(", max_size=40))
def test_the_automaton_agrees_on_arbitrary_text(text: str) -> None:
    assert default_matcher().find(text) == reference().find(text)


def test_every_alias_is_found_as_written() -> None:
    matcher = default_matcher()
    for alias in _aliases():
        text = f"We compare with {alias} on eight GPUs from NVIDIA."
        assert matcher.find(text, text) == reference().find(text, text), alias


def test_the_fold_covers_every_letter_ignorecase_equates_with_an_ascii_one() -> None:
    ascii_alnum = re.compile("[a-z0-9]", re.IGNORECASE)
    for code in range(128, sys.maxunicode + 1):
        c = chr(code)
        if ascii_alnum.fullmatch(c):
            folded = c.translate(CASE_FOLD)
            assert folded.isascii() and re.fullmatch(re.escape(folded), c, re.IGNORECASE), hex(code)


def _abstract_of(size: int) -> ListingEntry:
    entries = read_listing(ROOT / "loaders" / "examples" / "example_listing.txt")
    text = ""
    while len(text) < size:
        text += " ".join(e.abstract for e in entries) + " "
    return entries[0].model_copy(update={"abstract": text[:size]})


def test_extraction_time_grows_linearly_with_the_abstract() -> None:
    extractor = Extractor()

    def seconds(size: int) -> float:
        entry = _abstract_of(size)
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            extractor.extract(entry)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(10_000), seconds(100_000)
    # ten times the text: about ten times the time (it was over thirty when the work was quadratic)
    assert large / small < 20, (small, large)


def test_a_vendor_before_a_name_looks_up_the_vendor_s_entry() -> None:
    matcher = default_matcher()
    assert matcher.lookup("SambaNova SN40L").name == "SN40L"
    assert matcher.lookup("Google TPU v4").name == "TPU v4" and matcher.lookup("NVIDIA DGX H100").name == "DGX H100"
    assert matcher.lookup("OpenAI-o3").name == "o3" and matcher.lookup("ARM Neoverse-N1").name == "Neoverse"
    assert matcher.lookup("Intel A100") is None  # another vendor's word makes another name
    assert matcher.lookup("SambaNova") is None


def test_every_entry_is_found_after_its_vendor_s_name() -> None:
    matcher, catalogue = default_matcher(), load_catalogue()
    missed = [(e.vendor, form) for e in catalogue if e.vendor for form in e.surface_forms if matcher.lookup(f"{e.vendor} {form}") is not e]
    assert missed == []
