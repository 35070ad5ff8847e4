"""From one listing entry to nodes and citation-carrying relationships.

>>> from graph.model import ListingEntry
>>> entry = ListingEntry(title="FooServe: Fast LLM Serving", source="x.txt", title_line=1, abstract_line=3,
...     abstract="We present FooServe, a serving engine. FooServe outperforms vLLM by 2.1x in throughput on A100 GPUs.")
>>> facts = extract(entry)
>>> sorted((r.type.value, r.end) for r in facts.relationships if r.type.value != "IS_A")
[('COMPARES_TO', 'system:vllm'), ('PROPOSES', 'system:fooserve'), ('TARGETS', 'hardware:a100'), ('TARGETS', 'hardware:gpu')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.merge import merge_properties
from graph.model import Label, ListingEntry, Node, Paper, Relationship, RelType, entity_key
from loaders.catalogue import CatalogueEntry
from loaders.claims import find_claims
from loaders.linking import EntityMatcher, Mention, default_matcher
from loaders.names import candidate_names
from loaders.proposals import HARDWARE_HEADS, TECHNIQUE_HEADS, Proposal, sentence_proposal_names, title_proposal_names
from loaders.relations import comparison_spans, inside, is_target_context, use_spans
from loaders.text import Sentence, acronym_definitions, fold, split_sentences


@dataclass
class PaperFacts:
    paper: Node
    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)


@dataclass
class _Builder:
    entry: ListingEntry
    document: str = ""
    nodes: dict[str, Node] = field(default_factory=dict)
    rels: dict[tuple[str, str, str], Relationship] = field(default_factory=dict)

    @property
    def paper_key(self) -> str:
        return Paper.key_for(self.entry.title)

    def catalogued(self, entry: CatalogueEntry) -> str:
        label = Label(entry.label)
        key = entity_key(label, entry.name)
        props: dict[str, Any] = {"name": entry.name, "aliases": list(entry.aliases), "kind": entry.kind, "catalogued": True}
        if entry.vendor:
            props["vendor"] = entry.vendor
        if entry.hw_class:
            props["class"] = entry.hw_class
            class_key = entity_key(Label.HARDWARE, entry.hw_class)
            self.nodes.setdefault(class_key, Node(key=class_key, label=Label.HARDWARE, properties={"name": entry.hw_class, "aliases": [], "kind": "class", "catalogued": True}))
            fact = f"{entry.name} is a {entry.hw_class}" + (f" by {entry.vendor}" if entry.vendor else "")
            self.relate(RelType.IS_A, key, class_key, {"evidence": fact, "source": "catalogue"})
        self.nodes.setdefault(key, Node(key=key, label=label, properties=props))
        return key

    def discovered(self, name: str, aliases: list[str], label: Label, kind: str) -> str:
        key = entity_key(label, name)
        props = {"name": name, "aliases": aliases, "kind": kind, "catalogued": False}
        if key in self.nodes:
            self.nodes[key].properties["aliases"] = merge_properties({"a": self.nodes[key].properties["aliases"]}, {"a": aliases})["a"]
        else:
            self.nodes[key] = Node(key=key, label=label, properties=props)
        return key

    def relate(self, rel: RelType, start: str, end: str, props: dict[str, Any]) -> None:
        key = (start, rel.value, end)
        if key in self.rels:
            self.rels[key].properties = merge_properties(self.rels[key].properties, props)
        else:
            self.rels[key] = Relationship(type=rel, start=start, end=end, properties=props)

    def cite(self, sentence: Sentence | None) -> dict[str, Any]:
        e = self.entry
        line = e.title_line if sentence is None or e.abstract_line is None else e.abstract_line
        text = e.title if sentence is None else sentence.text
        return {"evidence": text, "source": e.source, "line": line, "sources": [f"{e.source}:{line}"]}


def _paper_node(entry: ListingEntry) -> Node:
    props: dict[str, Any] = {
        "title": entry.title,
        "abstract": entry.abstract,
        "sources": [f"{entry.source}:{entry.title_line}"],
        "listing_dates": [entry.listing_date] if entry.listing_date else [],
    }
    for name in ("published", "authors", "organisation"):
        value = getattr(entry, name)
        if value is not None:
            props[name] = value
    return Node(key=Paper.key_for(entry.title), label=Label.PAPER, properties=props)


def _label_for(hint: str) -> tuple[Label, str]:
    if HARDWARE_HEADS.search(hint):
        return Label.HARDWARE, "accelerator"
    if TECHNIQUE_HEADS.search(hint):
        return Label.SYSTEM, "method"
    return Label.SYSTEM, "system"


def _is_targetable(entry: CatalogueEntry) -> bool:
    return entry.label == "Hardware" and (entry.kind == "class" or bool(entry.hw_class))


def _is_comparable(entry: CatalogueEntry) -> bool:
    return not (entry.label == "Hardware" and entry.kind == "class")


class Extractor:
    """Rules that read PROPOSES, COMPARES_TO, USES and TARGETS off a title and an abstract."""

    def __init__(self, matcher: EntityMatcher | None = None) -> None:
        self.matcher = matcher or default_matcher()

    def extract(self, entry: ListingEntry) -> PaperFacts:
        b = _Builder(entry, document=f"{entry.title}\n{entry.abstract}")
        paper = _paper_node(entry)
        sentences = split_sentences(entry.abstract)
        acronyms = acronym_definitions(f"{entry.title}. {entry.abstract}")
        own = self._proposals(b, sentences, acronyms)
        own_folds = {fold(n) for n in own}
        title_sentence = Sentence(entry.title, 0, -1)
        for sentence in [title_sentence, *sentences]:
            cite_as = None if sentence.index == -1 else sentence
            self._sentence_facts(b, sentence, cite_as, own, own_folds)
        self._technique_focus(b, title_sentence, sentences)
        return PaperFacts(paper=paper, nodes=list(b.nodes.values()), relationships=list(b.rels.values()))

    def _proposals(self, b: _Builder, sentences: list[Sentence], acronyms: dict[str, str]) -> list[str]:
        found: list[Proposal] = title_proposal_names(b.entry.title, b.entry.abstract)
        for s in sentences:
            for p in sentence_proposal_names(s):
                if p.sentence is not None and self.matcher.lookup(p.name) and not re.search(r"called|named|dubbed|termed", p.sentence.text, re.I):
                    continue  # "we present a study on A100": a known name after the verb is not new
                found.append(p)
        expansions = {fold(v): k for k, v in acronyms.items()}
        groups: dict[str, tuple[Proposal, list[str]]] = {}
        for p in found:
            names = [p.name]
            if p.name in acronyms:
                names.append(acronyms[p.name])
            elif fold(p.name) in expansions:
                names.insert(0, expansions[fold(p.name)])
            known = next((g for g in groups if fold(g) in {fold(n) for n in names} or any(fold(n) in {fold(a) for a in groups[g][1]} for n in names)), None)
            if known:
                groups[known][1].extend(n for n in names if n not in groups[known][1])
            else:
                groups[names[0]] = (p, names)
        own: list[str] = []
        for name, (p, names) in groups.items():
            entry = self.matcher.lookup(name)
            if entry is not None:
                key = b.catalogued(entry)
            else:
                label, kind = _label_for(p.kind_hint)
                key = b.discovered(name, [n for n in names if n != name], label, kind)
            b.relate(RelType.PROPOSES, b.paper_key, key, b.cite(p.sentence))
            own.extend(names)
        return own

    def _sentence_facts(self, b: _Builder, sentence: Sentence, cite_as: Sentence | None, own: list[str], own_folds: set[str]) -> None:
        text = sentence.text
        mentions = [m for m in self.matcher.find(text, b.document) if fold(m.text) not in own_folds and fold(m.entry.name) not in own_folds]
        compare = comparison_spans(text)
        uses = use_spans(text)
        cite = b.cite(cite_as)
        compared: list[tuple[str, int]] = []
        for m in mentions:
            if _is_targetable(m.entry) and (sentence.index == -1 or is_target_context(text, m.start, own)):
                self._target(b, m, cite)
            if inside(compare, m.start, m.end) and _is_comparable(m.entry):
                compared.append((b.catalogued(m.entry), m.start))
            elif inside(uses, m.start, m.end) and m.entry.label != "Hardware":
                b.relate(RelType.USES, b.paper_key, b.catalogued(m.entry), cite)
        for a, z in compare:
            for name in candidate_names(text[a:z]):
                pos = text.find(name, a)
                if fold(name) in own_folds or any(m.start <= pos < m.end for m in mentions) or self.matcher.lookup(name):
                    continue
                compared.append((b.discovered(name, [], Label.SYSTEM, "system"), pos))
        self._comparisons(b, text, compared, cite)

    def _target(self, b: _Builder, m: Mention, cite: dict[str, Any]) -> None:
        key = b.catalogued(m.entry)
        b.relate(RelType.TARGETS, b.paper_key, key, cite)
        if m.entry.hw_class:
            class_key = entity_key(Label.HARDWARE, m.entry.hw_class)
            b.relate(RelType.TARGETS, b.paper_key, class_key, {**cite, "via": [m.entry.name]})

    def _comparisons(self, b: _Builder, text: str, compared: list[tuple[str, int]], cite: dict[str, Any]) -> None:
        if not compared:
            return
        claims: dict[str, list] = {key: [] for key, _ in compared}
        for found in find_claims(text):
            nearest = min(compared, key=lambda kp: abs(kp[1] - found.start) + (0 if kp[1] < found.start else 3))
            claims[nearest[0]].append(found.claim)
        for key, items in claims.items():
            props = dict(cite)
            if items:
                props |= {
                    "claims": [c.text for c in items],
                    "claim_values": [c.value for c in items],
                    "claim_units": [c.unit for c in items],
                    "claim_metrics": [c.metric for c in items],
                }
            b.relate(RelType.COMPARES_TO, b.paper_key, key, props)

    def _technique_focus(self, b: _Builder, title: Sentence, sentences: list[Sentence]) -> None:
        """USES for technique families the paper is about: named in the title or in two sentences."""
        seen: dict[str, list[Sentence]] = {}
        entries: dict[str, CatalogueEntry] = {}
        for s in [title, *sentences]:
            for m in self.matcher.find(s.text, b.document):
                if m.entry.label == "Technique":
                    seen.setdefault(m.entry.name, []).append(s)
                    entries[m.entry.name] = m.entry
        for name, where in seen.items():
            if where[0].index == -1 or len({s.index for s in where}) >= 2:
                first = where[0]
                b.relate(RelType.USES, b.paper_key, b.catalogued(entries[name]), b.cite(None if first.index == -1 else first))


def extract(entry: ListingEntry, extractor: Extractor | None = None) -> PaperFacts:
    return (extractor or Extractor()).extract(entry)
