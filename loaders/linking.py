"""Entity linking: find the catalogue's systems, hardware and techniques in a piece of text.

Aliases match across case, hyphen and space variants ("FlashAttention-2", "Flash-Attention 2",
"FlashAttention2") and plurals ("A100s"); names that are also common words match only as written
(``case_sensitive``) and, where the catalogue says so, only when the text has a context word.

>>> from loaders.catalogue import load_catalogue
>>> matcher = EntityMatcher(load_catalogue())
>>> [(m.text, m.entry.name) for m in matcher.find("We beat Flash-Attention 2 on NVIDIA A100s.")]
[('Flash-Attention 2', 'FlashAttention-2'), ('A100s', 'A100')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice

from loaders.automaton import AliasStarts, fold_key
from loaders.catalogue import Catalogue, CatalogueEntry, load_catalogue
from loaders.text import fold


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    entry: CatalogueEntry


_CHUNK = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+(?:\.\d+)?|[^A-Za-z0-9\s-]+|[\s-]+")


def _is_separator(chunk: str) -> bool:
    return chunk.strip(" -") == ""


def _alias_key(alias: str) -> str:
    """The folded text every match of the alias's pattern folds to (see loaders.automaton)."""
    return fold_key("".join(c for c in _CHUNK.findall(alias) if not _is_separator(c)))


def _alias_pieces(alias: str, fold_case: bool) -> list[str]:
    """Regex pieces for one alias: optional separators wherever a separator or a case/digit change is."""
    chunks = _CHUNK.findall(alias)
    out: list[str] = []
    for i, chunk in enumerate(chunks):
        if _is_separator(chunk):
            out.append(r"[\s-]?")
            continue
        if out and not out[-1].endswith("?") and i > 0:
            prev = chunks[i - 1]
            # Letters then digits ("TPUv4", "A100"): the alias may be written with a hyphen but never
            # with a space unless the alias has one, so "a 100x speedup" never reads as A100.
            out.append("-?" if prev[-1].isdigit() or chunk[0].isdigit() else r"[\s-]?")
        out.append(re.escape(chunk.lower() if fold_case else chunk))
    return out


def _trie_regex(sequences: list[list[str]]) -> str:
    """One alternation factored by common prefixes: far faster than a flat list of aliases."""
    trie: dict = {}
    for seq in sequences:
        node = trie
        for piece in seq:
            node = node.setdefault(piece, {})
        node[""] = {}

    def emit(node: dict) -> str:
        # Longer pieces first, so "2.5" is tried before "2" and "Qwen2.5" is not read as "Qwen2".
        alts = [piece + emit(child) for piece, child in sorted(node.items(), key=lambda kv: (-len(kv[0]), kv[0])) if piece]
        if "" in node:
            alts.append("")
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    return emit(trie)


# "DeepSeek-V3-Small" is a name of its own, but "Triton-based" and "SSD-Offloaded" are Triton and SSD.
_LONGER_NAME = (
    r"-(?!(?:based|like|style|class|scale|level|specific|aware|friendly|only|native|compatible|centric|bound|"
    r"resident|side|free|efficient|intensive|architecture|family|series|sized|[A-Za-z]+ed)\b)[A-Za-z0-9]"
)
# Memory size and form factor written onto a product name: "A100-80G-SXM4", "H100 SXM5", "A100-40GB".
_PRODUCT_SUFFIX = r"(?:-\d{2,3}\s?GB?|[-\s](?:SXM|SMX|PCIe|NVL)\d?)*"


def _compile(aliases: list[str], flags: int) -> re.Pattern[str] | None:
    if not aliases:
        return None
    fold_case = bool(flags & re.IGNORECASE)
    body = _trie_regex([_alias_pieces(a, fold_case) for a in sorted(set(aliases))])
    return re.compile(
        rf"(?<![A-Za-z0-9])(?P<name>(?:{body})(?:s|es|'s)?){_PRODUCT_SUFFIX}(?![A-Za-z0-9]|\.\d|{_LONGER_NAME})", flags
    )


_STRICT, _LOOSE = 1, 2
_VENDOR_WORDS = 4  # the longest vendor name the lookup strips ("Allen Institute for AI")
_WORD_GAP = re.compile(r"\s+|-")
_MAX_REMEMBERED = 100_000  # surface forms whose lookup is kept


def _scan(pattern: re.Pattern[str], text: str, starts: Iterable[int] | None) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying only the positions in ``starts`` (ascending; None: all).

    Exactly finditer's matches when ``starts`` holds every position where a match can begin: each
    try is anchored, and a match hides the positions it covers as finditer's does."""
    if starts is None:
        yield from pattern.finditer(text)
        return
    pos = 0
    for at in starts:
        if at >= pos and (m := pattern.match(text, at)):
            yield m
            pos = m.end()


class EntityMatcher:
    """Finds catalogue entities in text: an Aho-Corasick automaton proposes where an alias may
    start, and one compiled pattern per case rule (a prefix trie of all aliases) confirms it."""

    def __init__(self, catalogue: Catalogue, index: bool = True) -> None:
        """``index=False`` tries the patterns at every position instead: slower, the same mentions
        (the reference the tests hold the automaton to)."""
        self.catalogue = catalogue
        self._by_fold: dict[str, CatalogueEntry] = {}
        self._by_exact: dict[str, CatalogueEntry] = {}
        loose: list[str] = []
        strict: list[str] = []
        for entry in catalogue.entries:
            for alias in [entry.name, *entry.aliases, *_vendor_forms(entry)]:
                exact = entry.case_sensitive or len(fold(alias)) <= 2
                (strict if exact else loose).append(alias)
                if exact:
                    self._by_exact[_exact_key(alias)] = entry
                else:
                    self._by_fold.setdefault(fold(alias), entry)
        self._loose = _compile(loose, re.IGNORECASE)
        self._strict = _compile(strict, 0)
        keys: dict[str, int] = {}
        for flag, aliases in ((_STRICT, strict), (_LOOSE, loose)):
            for alias in aliases:
                keys[_alias_key(alias)] = keys.get(_alias_key(alias), 0) | flag
        # The folding is exact for ASCII aliases only: a catalogue with others falls back to a scan.
        self._starts = AliasStarts(keys) if index and all(a.isascii() for a in strict + loose) else None
        self._lookups: dict[str, CatalogueEntry | None] = {}
        self._context_document: str | None = None
        self._context_lowered = ""
        self._context_hits: dict[tuple[str, ...], bool] = {}

    def lookup(self, text: str) -> CatalogueEntry | None:
        """The entry a surface form names, if any (plural and possessive endings allowed, and the
        entry's vendor's name before it: 'SambaNova SN40L')."""
        if text not in self._lookups:
            if len(self._lookups) >= _MAX_REMEMBERED:
                self._lookups.clear()
            self._lookups[text] = self._lookup(text)
        return self._lookups[text]

    def _lookup(self, text: str) -> CatalogueEntry | None:
        """The entry of a surface form, or of one written after its own vendor's name ('SambaNova
        SN40L', 'Google TPU v4': that entry, not a new artifact; 'Intel A100' is not the A100)."""
        if (hit := self._named(text)) is not None:
            return hit
        for gap in islice(_WORD_GAP.finditer(text), _VENDOR_WORDS):  # "SambaNova SN40L", "OpenAI-o3"
            hit = self._named(text[gap.end() :])
            if hit is not None and hit.vendor and fold(hit.vendor) == fold(text[: gap.start()]):
                return hit
        return None

    def _named(self, text: str) -> CatalogueEntry | None:
        forms = [text] + [text[: -len(end)] for end in ("'s", "es", "s") if text.endswith(end)]
        for form in forms:
            if (hit := self._by_exact.get(_exact_key(form))) is not None:
                return hit
            if (hit := self._by_fold.get(fold(form))) is not None:
                return hit
        return None

    def find(self, text: str, document: str | None = None) -> list[Mention]:
        """Non-overlapping mentions in order, the longest winning where two overlap.

        ``document`` is the whole text the piece comes from; context words are looked for there."""
        found: list[Mention] = []
        if self._starts is None:
            candidates: dict[int, list[int] | None] = {_STRICT: None, _LOOSE: None}
        else:
            candidates = {_STRICT: [], _LOOSE: []}
            for at, flags in self._starts.find(text):
                for flag in (_STRICT, _LOOSE):
                    if flags & flag:
                        candidates[flag].append(at)  # type: ignore[union-attr]
        for flag, pattern in ((_STRICT, self._strict), (_LOOSE, self._loose)):
            if pattern is None:
                continue
            for m in _scan(pattern, text, candidates[flag]):
                entry = self.lookup(m.group("name"))
                if entry is None:
                    continue
                if entry.context and not self._in_context(entry, document or text):
                    continue
                found.append(Mention(m.start(), m.end(), m.group(0), entry))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        out: list[Mention] = []
        for m in found:
            if out and m.start < out[-1].end:
                continue
            out.append(m)
        return out

    def _in_context(self, entry: CatalogueEntry, document: str) -> bool:
        """Does ``document`` contain one of the entry's context words? Remembered for the last
        document, which each sentence of a paper asks about in turn."""
        if document != self._context_document:
            self._context_document = document
            self._context_lowered = document.lower()
            self._context_hits = {}
        if entry.context not in self._context_hits:
            self._context_hits[entry.context] = any(w.lower() in self._context_lowered for w in entry.context)
        return self._context_hits[entry.context]


def _vendor_forms(entry: CatalogueEntry) -> list[str]:
    """'NVIDIA 4090' and '4090 GPU' for the RTX 4090: a product line's number after its vendor's
    name or before its class."""
    m = re.fullmatch(r"[A-Za-z]+ (\d{3,4}[A-Za-z]{0,3})", entry.name)
    if not (m and entry.vendor and entry.label == "Hardware"):
        return []
    return [f"{entry.vendor} {m.group(1)}"] + ([f"{m.group(1)} {entry.hw_class}"] if entry.hw_class else [])


def _exact_key(alias: str) -> str:
    return re.sub(r"[\s-]", "", alias)


@lru_cache(maxsize=1)
def default_matcher() -> EntityMatcher:
    return EntityMatcher(load_catalogue())
