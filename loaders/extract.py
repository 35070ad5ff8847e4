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
from functools import lru_cache
from collections.abc import Callable
from typing import Any

from graph.model import Claim, Label, ListingEntry, Node, Paper, Relationship, RelType, entity_key, iso_date
from graph.store.merge import merge_properties
from loaders.attach import attach, claim_items
from loaders.automaton import CASE_FOLD
from loaders.catalogue import Catalogue, CatalogueEntry
from loaders.claims import find_claims, with_metric
from loaders.cues import Cues, cue_form
from loaders.learn import linear
from loaders.learn.features import mention_features, metric_features, pair_features
from loaders.linking import EntityMatcher, Mention, default_matcher
from loaders.names import candidate_names, clean_name, full_name, is_artifact_name, title_case_items
from loaders.proposals import HARDWARE_HEADS, TECHNIQUE_HEADS, Proposal, sentence_proposal_names, title_proposal_names
from loaders.relations import comparison_spans, inside, is_target_context, leads_to_hardware, measured_on, use_spans
from loaders.text import Sentence, acronym_definitions, fold, has_word, is_name_like, split_sentences, standalone_count


@dataclass
class PaperFacts:
    paper: Node
    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)


@dataclass
class _Builder:
    entry: ListingEntry
    catalogue: Catalogue
    document: str = ""
    mentions: dict[str, list[Mention]] = field(default_factory=dict)  # per sentence text
    compare: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # comparison spans per sentence text
    read: dict[str, Cues] = field(default_factory=dict)  # cue words per sentence text
    software: dict[str, bool] = field(default_factory=dict)  # per hardware word: does the paper call its software that?
    says_software: bool = False  # does the document hold the word at all (loaders.cues)?
    nodes: dict[str, Node] = field(default_factory=dict)
    rels: dict[tuple[str, str, str], Relationship] = field(default_factory=dict)

    def cues(self, text: str) -> Cues:
        if text not in self.read:
            self.read[text] = Cues(text)
        return self.read[text]

    def comparison_spans(self, text: str) -> list[tuple[int, int]]:
        if text not in self.compare:
            self.compare[text] = comparison_spans(text, self.cues(text))
        return self.compare[text]

    @property
    def paper_key(self) -> str:
        return paper_key(self.entry)

    def catalogued(self, entry: CatalogueEntry) -> str:
        label = Label(entry.label)
        key = entity_key(label, entry.name)
        props: dict[str, Any] = {"name": entry.name, "aliases": list(entry.aliases), "kind": entry.kind, "catalogued": True}
        if entry.vendor:
            props["vendor"] = entry.vendor
        if entry.devices:  # an architecture or a machine: no product of a class, so no IS_A
            props["devices"] = entry.devices
        if entry.hw_class:
            props["class"] = entry.hw_class
            class_key = entity_key(Label.HARDWARE, entry.hw_class)
            self.nodes.setdefault(class_key, Node(key=class_key, label=Label.HARDWARE, properties={"name": entry.hw_class, "aliases": [], "kind": "class", "catalogued": True}))
            fact = f"{entry.name} is a {entry.hw_class}" + (f" by {entry.vendor}" if entry.vendor else "")
            self.relate(RelType.IS_A, key, class_key, {"evidence": fact, "source": "catalogue"})
        self.nodes.setdefault(key, Node(key=key, label=label, properties=props))
        family = self.catalogue.family_of(entry)
        if family is not None:
            self.relate(RelType.VARIANT_OF, key, self.catalogued(family), {"evidence": f"{entry.name} is a version of {family.name}", "source": "catalogue"})
        return key

    def discovered(self, name: str, aliases: list[str], label: Label, kind: str) -> str:
        known = self.catalogue.get(name)
        if known is not None and known.label == label.value:  # the catalogue's spelling wins ("Gemini-pro")
            return self.catalogued(known)
        key = entity_key(label, name)
        props = {"name": name, "aliases": aliases, "kind": kind, "catalogued": False}
        if key in self.nodes:
            self.nodes[key].properties["aliases"] = merge_properties({"a": self.nodes[key].properties["aliases"]}, {"a": aliases})["a"]
        else:
            self.nodes[key] = Node(key=key, label=label, properties=props)
        return key

    def classify(self, key: str, hw_class: CatalogueEntry | None, sentence: Sentence | None) -> None:
        """A discovered hardware artifact IS_A its class, read off the paper's own description."""
        if hw_class is None:
            return
        self.nodes[key].properties["class"] = hw_class.name
        self.relate(RelType.IS_A, key, self.catalogued(hw_class), self.cite(sentence))

    def discovered_product(self, name: str, vendor: str | None, hw_class: CatalogueEntry) -> str:
        """A hardware product the catalogue lacks, read as '<model number> <class>' ('VCU1525 FPGA')."""
        key = entity_key(Label.HARDWARE, name)
        props: dict[str, Any] = {"name": name, "aliases": [f"{vendor} {name}"] if vendor else [], "kind": hw_class.name.lower(), "class": hw_class.name, "catalogued": False}
        if vendor:
            props["vendor"] = vendor
        self.nodes.setdefault(key, Node(key=key, label=Label.HARDWARE, properties=props))
        class_key = self.catalogued(hw_class)
        self.relate(RelType.IS_A, key, class_key, {"evidence": f"read as a {hw_class.name} product", "source": self.entry.source, "line": self.entry.abstract_line or self.entry.title_line})
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


def _listed(name: str, sentence: str) -> bool:
    """Is ``name`` one item of a list of names ('namely TransE, TransR, TransH, and TorusE')?"""
    return bool(re.search(rf"(?:[A-Z][\w-]*,\s+(?:and\s+)?){re.escape(name)}\b|\b{re.escape(name)},\s+[A-Z]", sentence))


def _merge_renamed(found: list[Proposal], abstract: str) -> list[Proposal]:
    """A title name the abstract never uses, beside exactly one name the abstract proposes, is one
    artifact under two names (a system renamed between versions of the paper)."""
    title = [p for p in found if p.sentence is None]
    body = {fold(p.name): p for p in found if p.sentence is not None}
    if len(title) == 1 and len(body) == 1 and fold(title[0].name) not in fold(abstract):
        (other,) = body.values()
        if other.sentence is not None and _listed(other.name, other.sentence.text):
            return found  # "SparseTransX" and "TransE", one of the four models it trains, are two things
        title[0].aliases = [*title[0].aliases, other.name, *other.aliases]
        return [p for p in found if p is not other]
    return found


def _same_artifact(names: list[str], others: list[str]) -> bool:
    """Two proposals name one artifact when they share a name, or one name is a whole-word part of
    the other ('SageMaker' in 'Amazon SageMaker Model Parallelism')."""
    if {fold(n) for n in names} & {fold(n) for n in others}:
        return True
    return any(
        standalone_count(a, b, ignore_case=True)
        for x, y in ((names, others), (others, names))
        for a in x
        for b in y
        if is_name_like(a)
    )


# The words before an expansion that call it new or the paper's own, read backwards from it.
_CALLED_NEW_BEFORE = re.compile(r"\b(?:novel|new|our|proposed)\s+(?:[\w-]+\s+){0,3}$", re.I)
_CALLED_NEW_REACH = 400  # characters looked back: the lead word and three words (of any sane length)


@lru_cache(maxsize=4)
def _case_folded(text: str) -> str:
    return text.translate(CASE_FOLD)


def _called_new(expansion: str, text: str) -> bool:
    r"""'a novel depth-first search-based decision tree (DFSDT)': the expansion called new or ours,
    as ``\b(?:novel|new|our|proposed)\s+(?:[\w-]+\s+){0,3}<expansion>`` (ignoring case) reads it,
    found from each place the expansion is written (few) rather than from each 'new' or 'our'."""
    if not expansion.isascii():
        return bool(re.search(rf"\b(?:novel|new|our|proposed)\s+(?:[\w-]+\s+){{0,3}}{re.escape(expansion)}", text, re.I))
    want = expansion.translate(CASE_FOLD)  # folded as re.IGNORECASE equates letters with ASCII ones
    folded = _case_folded(text)
    at = folded.find(want)
    while at >= 0:
        if _CALLED_NEW_BEFORE.search(text, max(0, at - _CALLED_NEW_REACH), at):
            return True
        at = folded.find(want, at + 1)
    return False


def _paper_node(entry: ListingEntry) -> Node:
    props: dict[str, Any] = {
        "title": entry.title,
        "abstract": entry.abstract,
        "sources": [f"{entry.source}:{entry.title_line}"],
        "listing_dates": [entry.listing_date] if entry.listing_date else [],
    }
    for name in ("authors", "organisation", "arxiv_id", "doi"):
        value = getattr(entry, name)
        if value is not None:
            props[name] = value
    if entry.published:  # an ISO date when the source gives a year, else the text as shown ("Sep 27")
        iso = iso_date(entry.published) or (entry.published if re.fullmatch(r"[0-9]{4}(-[0-9]{2})?", entry.published) else None)
        props["published" if iso else "date_text"] = iso or entry.published
    if entry.categories:
        props["categories"] = list(entry.categories)
    if entry.author_names:
        props["author_names"] = list(entry.author_names)
    return Node(key=paper_key(entry), label=Label.PAPER, properties=props)


def paper_key(entry: ListingEntry) -> str:
    return Paper.key_of(entry.arxiv_id, entry.doi, entry.title)


_HARDWARE_CLASS_WORDS = (("FPGA", "FPGA"), ("PIM", "PIM"), ("processing-in-memory", "PIM"), ("processing in memory", "PIM"), ("NPU", "NPU"), ("ASIC", "ASIC"))


def _label_for(hint: str, name: str = "") -> tuple[Label, str]:
    if _DATASET_NAME.search(name) or _DATASET_HINT.match(hint):
        return Label.DATASET, "dataset"
    if _DATA_WORDS.search(hint):  # "… Xeon Scalable Processors … to create a new dataset"
        return (Label.SYSTEM, "method") if TECHNIQUE_HEADS.search(hint) else (Label.SYSTEM, "system")
    for head in HARDWARE_HEADS.finditer(hint):
        before = hint[max(0, head.start() - 40) : head.start()]
        if not _SOFTWARE_HEAD.search(before) and not _FOR_DEVICES.search(before):
            return Label.HARDWARE, "accelerator"
    if TECHNIQUE_HEADS.search(hint):
        return Label.SYSTEM, "method"
    return Label.SYSTEM, "system"


# "a framework that generates accelerators": software that makes hardware is software
_SOFTWARE_HEAD = re.compile(r"\b(?:framework|compiler|library|toolchain|tool|simulator|model|algorithm|system|benchmark|dataset|generator|method)s?\b[^.]*$", re.I)


# "RODEM Jet Datasets", "ISLES 2022: a … segmentation dataset": what the paper releases is data
_MODIFIER = re.compile(r"-[a-z]+\s+(\S+)")
_LOWER_WORD_NEXT = re.compile(r"\s+[a-z]")
_LONE_NAME = re.compile(r"(?:the\s+)?([A-Z][a-z]{3,}[A-Za-z]*)")
_COMMON_CAPITALIZED = {"python", "linux", "windows", "android", "transformer", "transformers", "ethernet", "infiniband", "english", "chinese"}
_DATASET_NAME = re.compile(r"\b(?:datasets?|corpus|corpora|benchmarks?)$", re.I)
_DATASET_HINT = re.compile(r"^\W*(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,8}?(?:dataset|corpus|benchmark)s?\b(?!\s+(?:of|for)\s+(?:model|system|method)s?)", re.I)
_DATA_WORDS = re.compile(r"\b(?:dataset|database|corpus|benchmark suite)s?\b", re.I)
# "architectures for mobile accelerators": the device is what the artifact runs on
_FOR_DEVICES = re.compile(r"\b(?:for|on|to|of|across|with|using|in|from|by)\s+(?:[\w-]+\s+){0,2}$", re.I)


def _hardware_class(hint: str) -> str:
    """The class a proposed accelerator belongs to, read from how the paper describes it."""
    return next((cls for word, cls in _HARDWARE_CLASS_WORDS if re.search(rf"\b{re.escape(word)}", hint, re.I)), "accelerator")


def _is_targetable(entry: CatalogueEntry) -> bool:
    """A class, a product of one, or an architecture or a machine whose devices are of one: not an
    interconnect, a memory or an instruction set."""
    return entry.label == "Hardware" and (entry.kind == "class" or bool(entry.hw_class or entry.devices))


# "12,000 GPU hours" counts time, not devices
_DURATION = re.compile(r"[\s-]*(?:hours?|days?|years?|months?|weeks?|seconds?|minutes?)\b", re.I)
# A bare "cluster" is hardware only beside words of computing; "cluster the data" is not.
_MACHINE_WORDS = re.compile(r"\b(?:supercomput\w*|GPUs?|CPUs?|TPUs?|nodes?|machines?|servers?|HPC|compute|computing|distributed|data-?cent(?:er|re)s?|Kubernetes|Slurm|cloud|workers?|accelerators?)\b", re.I)


def _names_hardware(m: Mention, text: str) -> bool:
    if m.text.lower() not in {"cluster", "clusters"}:
        return True
    return bool(_MACHINE_WORDS.search(text[max(0, m.start - 60) : m.end + 40]))


def _is_software(m: Mention, b: _Builder) -> bool:
    """'a software accelerator': where the paper calls its software by a hardware word, that word
    names no hardware anywhere in the paper."""
    word = m.text.lower().rstrip("s")
    if word not in b.software:
        b.software[word] = b.says_software and any(_software_word(word).match(b.document, at) for at in _after_software(b.document))
    return b.software[word]


@lru_cache(maxsize=4)
def _after_software(document: str) -> list[int]:
    """Where the words after each 'software ' of the document start."""
    return [m.end() for m in _SOFTWARE.finditer(document)]


_SOFTWARE = re.compile(r"\bsoftware\s+", re.I)


@lru_cache(maxsize=1024)
def _software_word(word: str) -> re.Pattern[str]:
    return re.compile(re.escape(word), re.I)


# "a Xilinx VCU1525 FPGA card", "two Ascend 910B NPUs": a model number right before a class word.
_CLASS_WORDS = ("GPU", "FPGA", "TPU", "NPU", "CPU", "SoC", "MCU")  # one is in every match of:
_PRODUCT_BEFORE_CLASS = re.compile(
    r"(?<![\w-])(?:(NVIDIA|AMD|Xilinx|Altera|Intel|Google|Apple|Qualcomm|Huawei|Samsung|MediaTek|Arm|Lattice|Rockchip|Cerebras|Graphcore)\s+)?"
    r"([A-Z][A-Za-z]*\d[\w.]*)\s+(GPU|FPGA|TPU|NPU|CPU|SoC|MCU)s?\b"
)

MANY_DEVICES = 64  # this many GPUs or accelerators in one run means a multi-node cluster
CLUSTER = "cluster"
def _device_count(before: str) -> int:
    """The number right before a device mention ('2,048 A100 GPUs' -> 2048); not a model number
    ('NVIDIA 4090 GPU'), which follows a capitalized word."""
    m = re.search(r"(?:^|\s)(\d{1,3}(?:,\d{3})+|\d+)\s+(?:(?:[a-z][\w-]*|NVIDIA|Nvidia|AMD|Google|Intel|Huawei)\s+){0,2}$", before)
    if not m:
        return 0
    word_before = before[: m.start(1)].split()[-1:] or [""]
    return 0 if word_before[0][:1].isupper() else int(m.group(1).replace(",", ""))


_SMALL_WORDS = {"of", "for", "and", "the", "in", "on", "to", "with", "via", "a", "an", "by"}


_MARGIN = re.compile(r"\d\s?(?:[x×%]|times\b|-fold\b)")  # a sentence with neither a cue nor a margin compares nothing
_DESCRIBES_NEXT = re.compile(r"(?:[\s-]+[a-z][\w-]*){1,2}\s*\(\s*[A-Z][\w.+-]*\s*\)")
def _is_comparison_target(m: Mention, before_in_span: str) -> bool:
    """Can this mention inside a comparison span be what the paper is measured against?

    Hardware classes never are; a hardware product only when it opens the span ('faster than an
    A100'), not when it sets the scene ('over 2,048 A100 GPUs'); a technique only when it is named
    by a proper name (LoRA, DARTS; or the name of a method the catalogue knows the paper of, as
    written: Adam, PPO), not a common phrase ('network pruning') or a generic acronym ('GEMM')."""
    if m.entry.label == "Hardware":
        # "faster than an A100", "over the latest NVIDIA A100 and H100 GPUs", "compared to a GPU (GTX 1080)";
        # not "faster than X on 2,048 A100 GPUs" (a setting, after a preposition or a count)
        return m.entry.kind != "class" and leads_to_hardware(before_in_span)
    if m.entry.label == "System" and " " in m.text and m.text.islower():
        return False  # "efficient vision transformer designs": a kind of model, not one
    if m.entry.label == "Technique":
        words = m.text.split()
        if len(words) > 1:
            return all(w[:1].isupper() or w[:1].isdigit() for w in words)
        return is_artifact_name(m.text) or (m.entry.origin is not None and m.text == m.entry.name)
    return True


class Extractor:
    """Rules that read PROPOSES, COMPARES_TO, USES and TARGETS off a title and an abstract."""

    def __init__(
        self, matcher: EntityMatcher | None = None, baseline_model: linear.LinearModel | None | bool = True,
        pair_model: linear.LinearModel | None | bool = True, metric_model: linear.SoftmaxModel | None | bool = True,
    ) -> None:
        """``baseline_model``: the learned judge of "is this mention a baseline?"; ``pair_model``: of
        "is this number stated against this baseline?"; ``metric_model``: of "what does it measure?"
        (True: the trained model when there is one; False or None: the rules alone)."""
        self.matcher = matcher or default_matcher()
        self._known_cache: dict[str, bool] = {}
        self.baseline_model = linear.load("baseline") if baseline_model is True else (baseline_model or None)
        self.pair_model = linear.load("pairs") if pair_model is True else (pair_model or None)
        self.metric_model = linear.load_softmax("metrics") if metric_model is True else (metric_model or None)
        self.trace: list[dict[str, Any]] | None = None  # set to a list to record every baseline decision (make train)

    def _is_baseline(self, b: _Builder, text: str, start: int, end: int, kind: str, rule: bool, names: list[str], used: bool = False) -> bool:
        """The rules' answer, weighed with the words around the mention by the trained model (which
        never overrules the rules where they are certain: a baseline they see; ``used``, a thing
        merely used or named in a sentence that compares nothing)."""
        if self.baseline_model is None and self.trace is None:
            return rule
        features = mention_features(text, start, end, kind=kind, rule=rule)
        if self.trace is not None:
            self.trace.append({"task": "baseline", "names": names, "features": features, "rule": rule})
        return rule or (not used and self.baseline_model is not None and self.baseline_model.decide(features))

    def extract(self, entry: ListingEntry) -> PaperFacts:
        document = f"{entry.title}\n{entry.abstract}"
        b = _Builder(entry, self.matcher.catalogue, document=document, says_software="software" in cue_form(document))
        paper = _paper_node(entry)
        sentences = split_sentences(entry.abstract)
        acronyms = acronym_definitions(f"{entry.title}. {entry.abstract}")
        own = self._proposals(b, sentences, acronyms)
        own_folds = {fold(n) for n in own}
        # Acronyms the abstract defines for plain concepts ("On-Device Learning (ODL)") name no artifact.
        concepts = {fold(a) for a, expansion in acronyms.items() if not any(is_artifact_name(w) for w in expansion.split())}
        title_sentence = Sentence(entry.title, 0, -1)
        for sentence in [title_sentence, *sentences]:
            cite_as = None if sentence.index == -1 else sentence
            self._sentence_facts(b, sentence, cite_as, own, own_folds, concepts)
        self._technique_focus(b, title_sentence, sentences)
        return PaperFacts(paper=paper, nodes=list(b.nodes.values()), relationships=list(b.rels.values()))

    def _mentions(self, b: _Builder, text: str) -> list[Mention]:
        if text not in b.mentions:
            b.mentions[text] = self.matcher.find(text, b.document)
        return b.mentions[text]

    def _known(self, name: str) -> bool:
        """A catalogue name, or text that contains one ('A100/H100'): not a new artifact."""
        if name not in self._known_cache:
            self._known_cache[name] = self.matcher.lookup(name) is not None or bool(self.matcher.find(name))
        return self._known_cache[name]

    def _covered(self, name: str) -> bool:
        """A catalogue name, or text made of them ('A100/H100'); not a longer name that merely holds
        one ('TensorRT-FP8')."""
        if self.matcher.lookup(name) is not None:
            return True
        found = self.matcher.find(name)
        return bool(found) and sum(len(fold(m.text)) for m in found) >= len(fold(name)) - 1

    def _proposals(self, b: _Builder, sentences: list[Sentence], acronyms: dict[str, str]) -> list[str]:
        # An acronym spelled out in plain words ("low-resource languages (LRLs)") names a concept.
        text = f"{b.entry.title}. {b.entry.abstract}"
        concepts = {
            fold(a)
            for a, e in acronyms.items()
            if any(w[0].islower() and w not in _SMALL_WORDS for w in e.split())
            # "a novel depth-first search-based decision tree (DFSDT)" is the paper's own, however plain its words
            and not _called_new(e, text)
        }

        def not_new(name: str) -> bool:
            return fold(name) in concepts or self._known(name)

        found: list[Proposal] = title_proposal_names(b.entry.title, b.entry.abstract)
        for s in sentences:
            found.extend(sentence_proposal_names(s, not_new, b.entry.title, b.cues(s.text)))
        found.extend(self._salient_names(b, sentences, found, not_new))
        found = _merge_renamed(found, b.entry.abstract)
        expansions = {fold(v): k for k, v in acronyms.items()}
        groups: list[tuple[Proposal, list[str]]] = []
        for p in found:
            names = [p.name, *p.aliases]
            if p.name in acronyms:
                names.append(acronyms[p.name])
            elif fold(p.name) in expansions:
                names.insert(0, expansions[fold(p.name)])
            group = next((g for g in groups if _same_artifact(names, g[1])), None)
            if group:
                group[1].extend(n for n in names if fold(n) not in {fold(x) for x in group[1]})
            else:
                groups.append((p, names))
        own: list[str] = []
        for p, names in groups:
            name = names[0]
            entry = self.matcher.lookup(name)
            if entry is not None:
                key = b.catalogued(entry)
            else:
                label, kind = _label_for(p.kind_hint, name)
                key = b.discovered(name, [n for n in names[1:]], label, kind)
                if label is Label.HARDWARE:
                    b.classify(key, self.matcher.catalogue.get(_hardware_class(p.kind_hint), Label.HARDWARE), p.sentence)
            b.relate(RelType.PROPOSES, b.paper_key, key, b.cite(p.sentence))
            own.extend(names)
        return own

    def _salient_names(
        self, b: _Builder, sentences: list[Sentence], found: list[Proposal], not_new: Callable[[str], bool]
    ) -> list[Proposal]:
        """A new name the abstract keeps using (four times or more) and never compares against
        is the paper's own artifact, even without a proposal sentence ('a dataset of ..., PIE')."""
        have = {fold(n) for p in found for n in [p.name, *p.aliases]}
        abstract = b.entry.abstract
        # the abstract's names are its sentences' names, in the same order; a name written fewer
        # than four times in all is not counted sentence by sentence, nor a sentence without one
        counts = dict.fromkeys((n for n in candidate_names(abstract) if abstract.count(n) >= 4), 0)
        for s in sentences if counts else ():
            if len(counts) <= 20 and not any(name in s.text for name in counts):
                continue
            for name in candidate_names(s.text):
                if name in counts:
                    counts[name] += standalone_count(name, s.text)
        out = []
        compared_text: str | None = None  # every comparison span, apart: no name holds a NUL
        for name, n in counts.items():
            if n < 4 or fold(name) in have or not_new(name):
                continue
            first = next(s for s in sentences if name in s.text)
            if compared_text is None:
                compared_text = "\0".join(s.text[a:z] for s in sentences for a, z in b.comparison_spans(s.text))
            if name not in compared_text:
                out.append(Proposal(name=name, sentence=first, kind_hint=first.text))
                have.add(fold(name))
        return out

    def _sentence_facts(
        self, b: _Builder, sentence: Sentence, cite_as: Sentence | None, own: list[str], own_folds: set[str], concepts: set[str]
    ) -> None:
        text = sentence.text
        mentions = [m for m in self._mentions(b, text) if fold(m.text) not in own_folds and fold(m.entry.name) not in own_folds]
        compare = b.comparison_spans(text)
        uses = use_spans(text, b.cues(text))
        cite = b.cite(cite_as)
        compared: list[tuple[str, int, int]] = []
        judged: list[tuple[str, int, int]] = []  # baselines the model found where the rules did not: no numbers
        for m in mentions:
            # the innermost span: "than A and 9.8x more than an RTX 4090" reads the RTX 4090 from its own "than"
            span = max(((a, z) for a, z in compare if a <= m.start and m.end <= z), default=None)
            # "CUDA-optimized FlashAttention-2": CUDA only qualifies the name that follows
            modifier = _MODIFIER.match(text, m.end)
            modifier = modifier if modifier and is_name_like(clean_name(modifier.group(1))) else None
            rule = bool(span) and not modifier and _is_comparison_target(m, text[span[0] : m.start])
            is_baseline = rule if m.entry.kind == "class" else self._is_baseline(
                b, text, m.start, m.end, f"{Label(m.entry.label).value}:{m.entry.kind}", rule, [m.text, m.entry.name, *m.entry.aliases],
                used=inside(uses, m.start, m.end) or not (compare or _MARGIN.search(text)),
            )
            # hardware the work is measured against is not hardware it runs on, in that sentence:
            # not the product, nor the class named with it ("than the A100 and H100 GPUs")
            against = is_baseline or (m.entry.kind == "class" and bool(span) and leads_to_hardware(text[span[0] : m.start]))
            if _is_targetable(m.entry) and not against and _names_hardware(m, text) and not _is_software(m, b) and (
                sentence.index == -1 or is_target_context(text, m.start, own)
            ):
                self._target(b, m, cite, text)
            if is_baseline:
                (compared if rule else judged).append(self._named_as_written(b, text, m, mentions))
            elif inside(uses, m.start, m.end) and m.entry.label != "Hardware":
                b.relate(RelType.USES, b.paper_key, b.catalogued(m.entry), cite)
        self._unknown_products(b, sentence, text, mentions, cite, own, own_folds)
        for a, z in compare:
            names = candidate_names(text[a:z])
            listed = bool(names) or any(a <= m.start < z for m in mentions)
            for name in names + title_case_items(text[a:z], listed) + self._lone_name(text, a, z, b.document):
                pos = text.find(name, a)
                inside_named = any(m.start <= pos < m.end for m in mentions) or any(x <= pos < y for _, x, y in compared)
                if fold(name) in own_folds or inside_named or self._covered(name):
                    continue
                # an acronym of a plain concept names a baseline ("comparably to MHA"), not when it
                # only qualifies one ("faster than existing ODL software frameworks")
                if fold(name) in concepts and _LOWER_WORD_NEXT.match(text, pos + len(name)):
                    continue
                if name not in names and any(self._known(w) for w in name.split()):  # "Intel Xeons"
                    continue
                if _DESCRIBES_NEXT.match(text, pos + len(name)):  # "the SOTA QANN accelerator (ANT)": ANT is the name
                    continue
                start, end = full_name(text, pos, pos + len(name)) if name in names else (pos, pos + len(name))
                if self._is_baseline(b, text, start, end, "new", True, [text[start:end]]):
                    compared.append((b.discovered(text[start:end], [], Label.SYSTEM, "system"), start, end))
        self._comparisons(b, text, compared, cite, own, [m for m in mentions if m.entry.label == "Hardware"])
        for key, _, _ in judged:
            b.relate(RelType.COMPARES_TO, b.paper_key, key, dict(cite))

    def _named_as_written(self, b: _Builder, text: str, m: Mention, mentions: list[Mention]) -> tuple[str, int, int]:
        """The node a baseline mention names: the catalogued one, or, when the text writes a longer
        name around it that the catalogue lacks ("TensorRT-FP8", "RT-NeRF.Edge"), that name, as a
        variant of the catalogued one."""
        start, end = full_name(text, m.start, m.end)
        if any(o is not m and o.start < end and start < o.end for o in mentions):  # "vLLM SGLang": two names, not one
            start, end = m.start, m.end
        if (start, end) == (m.start, m.end):
            return b.catalogued(m.entry), start, end
        name = text[start:end]
        known = self.matcher.lookup(name)
        if known is not None:
            return b.catalogued(known), start, end
        family = b.catalogued(m.entry)
        key = b.discovered(name, [], Label(m.entry.label), m.entry.kind if m.entry.label != "Hardware" else "product")
        b.relate(RelType.VARIANT_OF, key, family, {"evidence": f"{name} is written as a version of {m.entry.name}", "source": b.entry.source, "line": b.entry.abstract_line or b.entry.title_line})
        return key, start, end

    @staticmethod
    def _lone_name(text: str, a: int, z: int, document: str) -> list[str]:
        """'than Bamboo', 'Compared with Oobleck,': one capitalized word is all the span names, not at
        the start of the sentence, and the paper never writes it in lower case: a system's name."""
        m = _LONE_NAME.fullmatch(text[a:z].strip())
        if not m or text[:a].strip() == "" or m.group(1).lower() in _COMMON_CAPITALIZED:
            return []
        word = m.group(1)
        return [] if has_word(document, word.lower()) else [word]

    def _unknown_products(
        self, b: _Builder, sentence: Sentence, text: str, mentions: list[Mention], cite: dict[str, Any], own: list[str], own_folds: set[str]
    ) -> None:
        for m in _PRODUCT_BEFORE_CLASS.finditer(text) if any(map(text.__contains__, _CLASS_WORDS)) else ():
            name = m.group(2)
            hw_class = self.matcher.lookup(m.group(3))
            if (
                hw_class is None
                or not is_artifact_name(name)
                or self._known(name)
                or fold(name) in own_folds
                or any(x.start < m.end(2) and m.start(2) < x.end for x in mentions)
                or not (sentence.index == -1 or is_target_context(text, m.start(), own))
            ):
                continue
            key = b.discovered_product(name, m.group(1), hw_class)
            b.relate(RelType.TARGETS, b.paper_key, key, cite)
            b.relate(RelType.TARGETS, b.paper_key, b.catalogued(hw_class), {**cite, "via": [name]})

    def _target(self, b: _Builder, m: Mention, cite: dict[str, Any], text: str) -> None:
        """TARGETS the hardware, and the classes it implies: a product's own class, the class of the
        devices of an architecture or a machine ('Hopper', 'a DGX H100' -> GPU), a class named inside
        the phrase ('GPU clusters' -> GPU too), and a cluster for many devices ('2,048 A100s')."""
        b.relate(RelType.TARGETS, b.paper_key, b.catalogued(m.entry), cite)
        implied = [self.matcher.catalogue.implied_class(m.entry)]
        if m.entry.kind == "class":
            implied += [self.matcher.lookup(w) for w in re.split(r"[\s-]+", m.text)]
        if _device_count(text[: m.start]) >= MANY_DEVICES and not _DURATION.match(text[m.end :]):
            implied.append(self.matcher.catalogue.get(CLUSTER))
        for cls in implied:
            if cls is not None and cls.kind == "class" and cls.name != m.entry.name:
                b.relate(RelType.TARGETS, b.paper_key, b.catalogued(cls), {**cite, "via": [m.entry.name]})

    def _comparisons(
        self, b: _Builder, text: str, compared: list[tuple[str, int, int]], cite: dict[str, Any], own: list[str], hardware: list[Mention],
    ) -> None:
        """COMPARES_TO for each target, with the numbers the sentence states against it (loaders.attach)."""
        if not compared:
            return
        claims = find_claims(text)
        owned = attach(text, compared, claims, tuple(own))
        if claims and (self.pair_model is not None or self.trace is not None):
            owned = self._pair(b, text, compared, claims, owned)
        where = {id(f.claim): f for f in claims}
        owned = {key: [self._qualified(b, text, key, where[id(c)], claims, hardware) if id(c) in where else c for c in items] for key, items in owned.items()}
        for key, items in owned.items():
            props = dict(cite)
            if items:
                props |= {
                    "claims": [c.text for c in items],
                    "claim_values": [c.value for c in items],
                    "claim_units": [c.unit for c in items],
                    "claim_metrics": [c.metric for c in items],
                    "claim_directions": [c.direction for c in items],
                    "claim_bounds": [c.bound for c in items],
                    "claim_hardware": [c.hardware for c in items],
                }
            b.relate(RelType.COMPARES_TO, b.paper_key, key, props)

    def _qualified(self, b: _Builder, text: str, key: str, at: Any, found: list[Any], hardware: list[Mention]) -> Claim:
        """The claim with the hardware its clause names and the metric the trained model reads."""
        claim = at.claim
        on = measured_on(text, at, found, hardware) if hardware else None
        if on:
            claim = claim.model_copy(update={"hardware": on})
        return self._metric(b, text, key, claim, at)

    def _metric(self, b: _Builder, text: str, key: str, claim: Claim, at: Any) -> Claim:
        """The claim with the metric the trained model reads for it (the rules' reading is a feature)."""
        if self.metric_model is None and self.trace is None:
            return claim
        features = metric_features(text, at.start, at.end, rule_metric=claim.metric, unit=claim.unit, direction=claim.direction)
        if self.trace is not None:
            node = b.nodes.get(key)
            names = [node.properties.get("name", ""), *node.properties.get("aliases", [])] if node else []
            self.trace.append({"task": "metric", "names": names, "values": [claim.value], "features": features, "rule": claim.metric})
        if self.metric_model is None:
            return claim
        metric, p = self.metric_model.predict_proba(features)
        return claim if p < self.metric_model.confidence else with_metric(claim, metric)

    def _pair(self, b: _Builder, text: str, compared: list[tuple[str, int, int]], claims: list, owned: dict[str, list]) -> dict[str, list]:
        """Each number's baselines, the rules' answer weighed by the trained pair model."""
        items = claim_items(claims)
        spans = [(c[0].start, c[-1].end) for c in items]
        targets = [(s, e) for _, s, e in compared]
        out: dict[str, list] = {key: [] for key, _, _ in compared}
        for item, span in zip(items, spans):
            owners = {key for key, got in owned.items() if item[0].claim in got}
            for key, start, end in compared:
                node = b.nodes.get(key)
                kind = node.label.value if node else "System"
                features = pair_features(
                    text, span, (start, end), rule=key in owners, rule_none=not owners, kind=kind, unit=item[0].unit, targets=targets, items=spans
                )
                if self.trace is not None:
                    names = [node.properties.get("name", ""), *node.properties.get("aliases", [])] if node else []
                    self.trace.append({"task": "pair", "names": names, "values": [c.value for c in item], "features": features, "rule": key in owners})
                chosen = self.pair_model.decide(features) if self.pair_model is not None else key in owners
                if chosen:
                    out[key].extend(c.claim for c in item if c.claim not in out[key])
        return out

    def _technique_focus(self, b: _Builder, title: Sentence, sentences: list[Sentence]) -> None:
        """USES for technique families the paper is about: named in the title or in two sentences."""
        seen: dict[str, list[Sentence]] = {}
        entries: dict[str, CatalogueEntry] = {}
        for s in [title, *sentences]:
            for m in self._mentions(b, s.text):
                if m.entry.label == "Technique":
                    seen.setdefault(m.entry.name, []).append(s)
                    entries[m.entry.name] = m.entry
        for name, where in seen.items():
            if where[0].index == -1 or len({s.index for s in where}) >= 2:
                first = where[0]
                b.relate(RelType.USES, b.paper_key, b.catalogued(entries[name]), b.cite(None if first.index == -1 else first))


def extract(entry: ListingEntry, extractor: Extractor | None = None) -> PaperFacts:
    return (extractor or Extractor()).extract(entry)
