"""PROPOSES: the named artifacts a paper itself introduces.

Two sources of evidence: the name before the colon of the title ("ParaFold: Paralleling
AlphaFold ...") and proposal sentences in the abstract ("we propose X", "a framework called X",
"X, a novel ..."). An acronym defined next to the name becomes an alias of the same artifact.

>>> [p.name for p in title_proposal_names("Seesaw: High-throughput LLM Inference via Model Re-sharding")]
['Seesaw']
>>> title_proposal_names("Beyond Inference: Performance Analysis of DNN Server Overheads")
[]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from loaders.cues import Cues, cue_words
from loaders.names import clean_name, is_artifact_name
from loaders.text import Sentence, fold, is_name_like, spells

# First words of a title prefix that make it a phrase, not a name ("Towards ...: ...").
PHRASE_STARTS = {
    "a", "an", "the", "towards", "toward", "beyond", "understanding", "revisiting", "rethinking", "analyzing",
    "analysing", "characterizing", "exploring", "evaluating", "on", "why", "how", "what", "when", "where",
    "is", "are", "do", "does", "can", "from", "challenges", "insights", "lessons", "learning", "scaling",
    "accelerating", "optimizing", "efficient", "improving", "benchmarking", "demystifying", "survey", "review",
    "position", "unlocking", "enabling", "training", "serving", "inference", "compute", "small", "large",
    "deep", "neural", "making", "taming", "breaking", "less", "more", "all", "one", "not", "no", "going",
    "mind", "attention", "data", "memory", "speed", "fast", "faster", "simple", "scalable", "sparse",
}

PROPOSAL_VERB = re.compile(
    r"\b(?:we|this\s+(?:paper|work|study|thesis)|in\s+this\s+(?:paper|work),\s+we)\s+(?:also\s+|further\s+|then\s+|first\s+)?"
    r"(?:propose|present|introduce|develop|design|build|describe|create|release|open-source|implement|offer|"
    r"devise|contribute|obtain|name|call|curate|construct|formulate)(?:s|d|ed)?\b",
    re.IGNORECASE,
)
# Words that make a naming phrase ("called X") speak of the paper's own artifact.
PROPOSAL_CONTEXT = re.compile(
    r"\b(?:novel|new|proposed|introducing|proposing|presenting)\b|\b(?:is|are|was|were)\s+(?:proposed|developed|introduced|presented|designed)\b|"
    + PROPOSAL_VERB.pattern,
    re.IGNORECASE,
)
NAMING = re.compile(
    r"\b(?:called|named|dubbed|termed|entitled|namely|coined|known\s+as|we\s+call|refer(?:red)?\s+(?:to\s+)?(?:[\w-]+\s+){0,4}?as)\s+(?:an?\s+|the\s+)?",
    re.IGNORECASE,
)
# "we use DPE to create EvalPerf, a benchmark": the artifact made with another one.
TO_MAKE = re.compile(r"\bto\s+(?:create|build|construct|curate|obtain|propose|introduce|present|develop|design)\b", re.IGNORECASE)
# "we propose two mechanisms: Clip parallelism and Dual-scope attention"
LISTED_AFTER_COLON = re.compile(r"\b(?:two|three|four|several)\s+(?:[\w-]+\s+){0,3}?[\w-]+:\s+([^.;]+)")
# "..., and TIMRUN, an inference runtime": a second artifact named and described in the same sentence
AND_NAME_DESCRIBED = re.compile(r",?\s+and\s+([A-Za-z][\w.+-]*),\s+an?\s")
# "introducing DGF (Dynamic Gating Fusion)": an acronym spelled out right after it.
ACRONYM_THEN_EXPANSION = re.compile(r"(?<![\w-])([A-Z][A-Za-z0-9-]{1,10})\s+\(((?:[A-Z][\w-]*\s*){2,6})\)")
# "we design Multiverse Attention to ...": a run of capitalized words right after the verb.
_TITLE_CASE_RUN = re.compile(r"\s*(?:the\s+)?((?:[A-Z][\w.+-]*|\d[\w.]*)(?:\s+(?:[A-Z][\w.+-]*|\d+[A-Za-z]*)){1,3})(?=[\s,.;:]|$)(?!\s+[A-Z(\d])")
OUR_NEW = re.compile(r"\bour\s+(?:own\s+)?(?:novel|new|proposed)\s+(?:[a-z][\w-]*,?\s+){0,3}?([A-Z][\w.+-]*)")
# "with our Concept Matrix Search algorithm": capitalized words between "our" and the kind of thing.
OUR_NAMED = re.compile(
    r"\bour\s+((?:[A-Z][\w.+-]*\s+){1,3})(?:algorithm|method|framework|system|model|approach|technique|library|tool|benchmark|dataset|compiler|engine|architecture)s?\b"
)
DEFINED_NEW = re.compile(r"\(([^()]{1,24})\),\s+an?\s+(?:novel|new)\b")
# "employs Dynamic SplitFuse, a novel composition strategy": a name set off by a novelty apposition.
NAME_NEW = re.compile(r"(?<![\w-])((?:[A-Z][\w.+-]*\s+){0,2}[A-Z][\w.+-]*),\s+an?\s+(?:novel|new)\b")
# "a novel data reduction technique (Variance Horizon)": a Title-Case label put in parentheses.
LABEL_IN_PARENS = re.compile(r"(?<=[a-z] )\(((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+){0,2})\)(?!\w)")
# "we introduce the Matrix-Pano dataset": a capitalized name before the kind of thing it is.
_NAMED_HEAD = re.compile(r"\s+(?:dataset|benchmark|suite|corpus|framework|system|library|toolkit|compiler|engine|platform|accelerator|architecture|model)s?\b")
# The name comes before the clause that describes it: stop looking at these words.
_SCAN_STOP = {"for", "to", "that", "which", "where", "with", "on", "in", "by", "using", "via", "based", "from", "when", "while"}
APPOSITION = re.compile(r"^\s*(?:,\s*)?(?:an?\s+|the\s+)?(?:novel|new|open-source|first|simple|efficient|lightweight|scalable|general|unified|holistic|practical|fast)\b", re.IGNORECASE)

TECHNIQUE_HEADS = re.compile(r"\b(?:method|technique|algorithm|approach|scheme|strategy|optimization|optimizer|tuning|search|attention|mechanism|pruning|quantization|training|decoding|parallelism|matrices|format|estimator|loss|regularization|aggregator|layer)s?\b", re.I)
# What a proposed artifact must be called to be hardware: the artifact is the device, not software
# for one ("an FFT algorithm for accelerators", "kernels on tensor cores" are not hardware).
HARDWARE_HEADS = re.compile(
    r"(?<!\bfor )(?<!\bon )(?<!\bto )(?<!\bof )(?<!\bacross )(?<!\bwith )(?<!\busing )(?<!\bsoftware )"
    r"\b(?:(?:hardware|FPGA|NPU|ASIC|PIM|DNN|CNN|LLM|transformer|inference|training|sparse|dataflow)[\s-]+)?"
    r"(?:accelerator|chip|processor|ASIC|FPGA design|dataflow unit|PIM|processing[\s-]in[\s-]memory|systolic array)s?\b",
    re.I,
)


# Words each pattern must match, in cue form (loaders.cues): a sentence without them is not tried.
_VERB_STEMS = cue_words(
    "propos", "present", "introduc", "develop", "design", "build", "describ", "creat", "releas", "open-source",
    "implement", "offer", "devis", "contribut", "obtain", "name", "call", "curat", "construct", "formulat",
)
_CONTEXT_WORDS = cue_words("novel", "new", *_VERB_STEMS)
_PROPOSERS = cue_words("we", "this")  # PROPOSAL_VERB's subjects
_TO = cue_words("to ")  # TO_MAKE's
_NAMING_WORDS = cue_words("call", "named", "dubbed", "termed", "entitled", "namely", "coined", "known", "refer")
_PROPOSING_OR_OUR = re.compile(r"\b(?:proposing|our)\b", re.I)


def _in_context(text: str, cues: Cues | None = None) -> bool:
    """PROPOSAL_CONTEXT.search(text), tried only when one of its words is there."""
    return (cues or Cues(text)).has(_CONTEXT_WORDS) and bool(PROPOSAL_CONTEXT.search(text))


@dataclass
class Proposal:
    name: str
    aliases: list[str] = field(default_factory=list)
    sentence: Sentence | None = None  # None: read from the title
    kind_hint: str = ""  # words around the name, used to choose System / Technique / Hardware


def _name_like_prefix(prefix: str) -> bool:
    words = prefix.split()
    if not words or len(words) > 4 or re.search(r"[,?!]", prefix):
        return False
    if words[0].lower().strip("'\"") in PHRASE_STARTS:
        return False
    if len(words) == 1:
        w = words[0]
        return len(w) >= 2 and (w[0].isupper() or is_name_like(w))
    return all(w[0].isupper() or w[0].isdigit() for w in words)


_SURVEY = re.compile(r"\s*(?:an?\s+)?(?:[\w-]+\s+){0,2}(?:survey|review|overview|tutorial|primer)\b", re.I)


def title_proposal_names(title: str, abstract: str = "") -> list[Proposal]:
    """The name before the title's colon, when it is shaped like a name.

    A prefix of several plain words ("Flag Aggregator") counts only when the abstract uses it too,
    so that titles like "Compute Better Spent: ..." do not read as names."""
    m = re.match(r"^\s*([^:]{2,60}?)\s*:\s*\S", title)
    acr = re.search(r"((?:[A-Z][\w-]*\s+){1,6})\(([A-Z][A-Za-z0-9-]{1,10})\)\s*$", title)
    if acr and spells(acr.group(1).split(), acr.group(2)):  # "Probabilistic Partitive Partitioning (PPP)"
        return [Proposal(name=acr.group(2), aliases=[acr.group(1).strip()], kind_hint=title)]
    if not m:
        return []
    prefix = m.group(1).strip()
    if _SURVEY.match(title[m.end() - 1 :]):
        return []
    # "Eagle and Finch: ...": two artifacts, each named in the abstract too
    parts = re.split(r"\s+(?:and|&)\s+", prefix)
    if len(parts) == 2 and all(_name_like_prefix(p) and re.search(rf"(?<=[a-z,] ){re.escape(p)}\b", abstract) for p in parts):
        return [Proposal(name=p, kind_hint=title[m.end() - 1 :]) for p in parts]
    if not _name_like_prefix(prefix):
        return []
    words = prefix.split()
    if len(words) > 1 and not any(is_name_like(w) for w in words):
        if fold(prefix) not in fold(abstract):
            return []
    return [Proposal(name=prefix, kind_hint=title[m.end() - 1 :])]


def _expansion_before(text: str, paren: int) -> str | None:
    """The capitalized phrase right before a parenthesis: 'Post Neural Architecture Search (PostNAS)'."""
    m = re.search(r"((?:[A-Z][\w+-]*\s+(?:(?:of|for|and|the|in|on)\s+)?){1,6})$", text[:paren])
    return m.group(1).strip() if m else None


def _parenthesized(text: str, start: int, known: Callable[[str], bool]) -> Proposal | None:
    m = re.match(r"\(([^()]{1,24})\)", text[start:])
    if not m:
        return None
    name = clean_name(m.group(1))
    if not is_artifact_name(name) or known(name):
        return None
    expansion = _expansion_before(text, start)
    return Proposal(name=name, aliases=[expansion] if expansion else [])


def _capitalized_run(before: str, last: str) -> str:
    """'we propose Bottleneck Sampling, a ...': the capitalized words that end in ``last``."""
    words = re.findall(r"[A-Z][\w-]*\s+$|(?:[A-Z][\w-]*\s+){1,2}$", before)
    return (words[0] + last).strip() if words else last


def _name_after(text: str, known: Callable[[str], bool], max_words: int = 16) -> Proposal | None:
    """The first new name after a proposal verb: an artifact-shaped token, a defined acronym, or a
    capitalized word set off as an apposition ('we present Flex, a scalable stack')."""
    for i, m in enumerate(re.finditer(r"\S+", text)):
        raw = m.group(0)
        if i >= max_words or raw.lower() in _SCAN_STOP:
            return None
        if raw.startswith("("):
            hit = _parenthesized(text, m.start(), known)
            if hit:
                hit.kind_hint = text[: m.start()]
                return hit
            continue
        nxt = text[m.end() :]
        if nxt.lstrip().startswith("("):
            hit = _parenthesized(text, m.end() + len(nxt) - len(nxt.lstrip()), known)
            if hit:
                hit.kind_hint = text[: m.start()]
                return hit
        token = clean_name(raw)
        appositive = re.match(r"\S+?,\s+(?:an?|the|which|that)\s", text[m.start() :])
        if i == 0 and appositive and (token[:1].isupper() or re.search(r"[a-z][-\d]|[a-z][A-Z]", token)):
            # "we introduce Moonlight, a 3B model": named and described at once, known name or not
            return Proposal(name=token, kind_hint=text[m.end() :])
        if token and not known(token) and (is_artifact_name(token) or (token[0].isupper() and appositive and len(token) > 2)):
            if appositive and not is_artifact_name(token):
                token = _capitalized_run(text[: m.start()], token)
            return Proposal(name=token, kind_hint=text[: m.start()])
        if token[:1].isupper() and len(token) > 2 and not known(token) and _NAMED_HEAD.match(nxt) and i <= 2:
            return Proposal(name=token, kind_hint=nxt[:40])
        if re.search(r"[.;:]$", raw) and i > 0:
            return None
    return None


_GENERIC_HEAD = re.compile(r"\s+(?:architecture|model|network|framework|system|method|algorithm|search space|library|dataset|benchmark)s?$", re.I)


def _named(text: str, naming: re.Match[str], known: Callable[[str], bool]) -> Proposal | None:
    rest = text[naming.end() :]
    acr = re.match(r"((?:[A-Z][\w+-]*\s+){1,6})\(", rest)
    if acr:
        return _parenthesized(text, naming.end() + acr.end() - 1, known)
    quoted = re.match(r"[\"“'<]([^\"”'<>]{2,40})[\"”'>]", rest)
    if quoted:
        name = _GENERIC_HEAD.sub("", quoted.group(1).strip(" ,."))
        return Proposal(name=name) if re.search(r"[A-Z]", name) or rest[0] == "<" else None
    run = re.match(r"[A-Z][\w.+-]*(?:\s+[A-Z][\w.+-]*){1,3}(?=[\s,.;:]|$)", rest)
    if run and not known(run.group(0)):  # "the Ladder Transformer"
        return Proposal(name=clean_name(run.group(0)))
    token = clean_name(rest.split()[0]) if rest.split() else ""
    if len(token) >= 2 and (is_name_like(token) or token[0].isupper()):
        return Proposal(name=token)
    return None


Known = Callable[[str], bool]


def _our_new(text: str, known: Known) -> Iterator[Proposal]:
    """'our novel profiler Flare', 'our proposed approach, CommFormer'."""
    for m in OUR_NEW.finditer(text):
        name = clean_name(m.group(1))
        if is_artifact_name(name) and not known(name):
            yield Proposal(name=name, kind_hint=text[m.start() : m.start(1)])


def _naming_words(text: str, known: Known) -> Iterator[Proposal]:
    """'a new algorithm called X', 'a method, dubbed X, is proposed', 'which we call X', '(named X)'."""
    for m in NAMING.finditer(text):
        # a name put in quotes is being coined here, and "we call"/"refer to ... as" is the authors naming
        coined = re.match(r"[\"“<]", text[m.end() :]) or re.match(r"we|refer", m.group(0), re.I) or text[: m.start()].endswith("(")
        # the context may follow the name: "a pruning method, dubbed BDWP, is proposed"
        if coined or _in_context(text[: m.start()]) or _in_context(text[m.end() :]):
            hit = _named(text, m, known)
            if hit:
                hit.kind_hint = text[: m.start()]
                yield hit


def _defined_new(text: str, known: Known) -> Iterator[Proposal]:
    """'Post Neural Architecture Search (PostNAS), a novel pipeline'."""
    for m in DEFINED_NEW.finditer(text):
        hit = _parenthesized(text, m.start(), known)
        if hit:
            hit.kind_hint = text[m.end() : m.end() + 60]
            yield hit


def _our_named(text: str, known: Known) -> Iterator[Proposal]:
    """'with our Concept Matrix Search algorithm'."""
    for m in OUR_NAMED.finditer(text):
        name = m.group(1).strip()
        if not known(name) and not all(known(w) for w in name.split()):
            yield Proposal(name=name, kind_hint=text[m.start() : m.end()])


def _name_new(text: str, known: Known) -> Iterator[Proposal]:
    """'employs Dynamic SplitFuse, a novel ...'; 'MixER: Mixture of Expert Reconstructors, a novel layer'."""
    for m in NAME_NEW.finditer(text):
        name = clean_name(m.group(1))
        lead = re.search(r"(\S+):\s+(?:[A-Z][\w-]*\s+(?:(?:of|for|and|the|in|on)\s+)?)*$", text[: m.start()])
        if lead and is_artifact_name(clean_name(lead.group(1))):
            expansion = text[lead.end(1) + 1 : m.end(1)].strip()
            yield Proposal(name=clean_name(lead.group(1)), aliases=[expansion], kind_hint=text[m.end() : m.end() + 60])
        elif m.start() > 0 and not known(name) and (is_artifact_name(name.split()[-1]) or len(name.split()) > 1):
            yield Proposal(name=name, kind_hint=text[m.end() : m.end() + 60])


def _labels_in_parens(text: str, known: Known) -> Iterator[Proposal]:
    """'a novel data reduction technique (Variance Horizon)', in a sentence about the paper's own work."""
    if _in_context(text) or _PROPOSING_OR_OUR.search(text):
        for m in LABEL_IN_PARENS.finditer(text):
            if not known(m.group(1)):
                yield Proposal(name=m.group(1), kind_hint=text[max(0, m.start() - 60) : m.start()])


def _listed_after_verb(text: str, verb: re.Match[str], known: Known) -> Iterator[Proposal]:
    """'we propose two mechanisms: Clip parallelism and Dual-scope attention'."""
    listed = LISTED_AFTER_COLON.search(text, verb.end())
    for item in re.split(r",\s*(?:and\s+)?|\s+and\s+", listed.group(1)) if listed else []:
        item = item.strip()
        if re.fullmatch(r"[A-Z][\w-]*(?:\s+[\w-]+){0,2}", item) and not known(item):
            yield Proposal(name=item, kind_hint=item)


def _first_after_verb(text: str, verb: re.Match[str], known: Known) -> Iterator[Proposal]:
    """'we design Multiverse Attention to ...', or the first new name after the verb."""
    after = text[verb.end() :]
    run = _TITLE_CASE_RUN.match(after)
    if run and not known(run.group(1)) and not re.match(r"\s*\(", after[run.end() :]) and not all(known(w) for w in run.group(1).split()):
        yield Proposal(name=run.group(1), kind_hint=after[run.end() : run.end() + 60])
    elif hit := _name_after(after, known):
        yield hit


def _and_name_described(text: str, verb: re.Match[str], known: Known) -> Iterator[Proposal]:
    """'we propose the Thread Inference Model (TIM), ..., and TIMRUN, an inference runtime'."""
    for m in AND_NAME_DESCRIBED.finditer(text, verb.end()):
        name = clean_name(m.group(1))
        if is_artifact_name(name) and not known(name):
            yield Proposal(name=name, kind_hint=text[m.end() : m.end() + 60])


def _title_end_name(text: str, verb: re.Match[str], title: str) -> Iterator[Proposal]:
    """'Taming ... with Sarathi-Serve' / 'we introduce a scheduler Sarathi-Serve': known or not, the paper
    that introduces a catalogued system names it in both places."""
    after = text[verb.end() : verb.end() + 120]
    for m in re.finditer(r"(?<![\w-])([A-Z][\w.+]*(?:-[A-Z][\w.+]*)+)(?![\w-])", after):
        if re.search(rf"(?<=\s){re.escape(m.group(1))}\W*$", title):
            yield Proposal(name=m.group(1), kind_hint=after[m.end() : m.end() + 60])
            return


def _acronym_then_expansion(text: str, known: Known) -> Iterator[Proposal]:
    """'introducing DGF (Dynamic Gating Fusion)'."""
    for m in ACRONYM_THEN_EXPANSION.finditer(text):
        acr, expansion = m.group(1), m.group(2).strip()
        if is_artifact_name(acr) and not known(acr) and spells(expansion.split(), acr):
            yield Proposal(name=acr, aliases=[expansion], kind_hint=expansion)


_LEAD_NAME = re.compile(r"^\s*([A-Z][\w\-.+]*(?:\s+[A-Z][\w\-.+]*){0,2})(?=,\s)")


def _lead_apposition(text: str, known: Known) -> Iterator[Proposal]:
    """'FlexServe, a novel serving stack, ...' at the start of a sentence."""
    lead = _LEAD_NAME.match(text)
    if lead and is_artifact_name(lead.group(1).split()[0]) and not known(lead.group(1)) and APPOSITION.match(text[lead.end() :]):
        yield Proposal(name=lead.group(1), kind_hint=text[lead.end() : lead.end() + 60])


def _add(found: list[Proposal], new: Iterable[Proposal]) -> None:
    """Add proposals, one per name: a repeated name only brings its aliases."""
    for p in new:
        same = next((q for q in found if fold(q.name) == fold(p.name)), None)
        if same is None:
            found.append(p)
        else:
            same.aliases += [a for a in p.aliases if a not in same.aliases]


def _rules_for(text: str, cues: Cues) -> list[Callable[[str, Known], Iterable[Proposal]]]:
    """The rules whose patterns can match ``text`` at all: each needs a word or a parenthesis."""
    novel = "novel" in text or "new" in text
    rules: list[Callable[[str, Known], Iterable[Proposal]]] = []
    if "our" in text:
        rules.append(_our_new)
    if cues.has(_NAMING_WORDS):
        rules.append(_naming_words)
    if novel and "(" in text:
        rules.append(_defined_new)
    if "our" in text:
        rules.append(_our_named)
    if novel and "," in text:
        rules.append(_name_new)
    if "(" in text:
        rules.append(_labels_in_parens)
    return rules


def sentence_proposal_names(
    sentence: Sentence, known: Known = lambda name: False, title: str = "", cues: Cues | None = None
) -> list[Proposal]:
    """Names a sentence introduces as the paper's own: 'we propose X', 'a new algorithm entitled X',
    'our novel profiler X', 'Post Neural Architecture Search (PostNAS), a novel pipeline'
    (``cues``: the sentence already read by ``loaders.cues.Cues``)."""
    text = sentence.text
    cues = cues or Cues(text)
    found: list[Proposal] = []
    for rule in _rules_for(text, cues):
        _add(found, rule(text, known))
    verb = None
    if cues.has(_VERB_STEMS):
        verb = (PROPOSAL_VERB.search(text) if cues.has(_PROPOSERS) else None) or (TO_MAKE.search(text) if cues.has(_TO) else None)
    if verb:
        _add(found, _listed_after_verb(text, verb, known))
        if not found:
            _add(found, _first_after_verb(text, verb, known))
        _add(found, _and_name_described(text, verb, known))
        if title:
            _add(found, _title_end_name(text, verb, title))
    if "(" in text and (verb or _in_context(text, cues)):
        _add(found, _acronym_then_expansion(text, known))
    if not found:
        _add(found, _lead_apposition(text, known))
    for p in found:
        p.sentence = sentence
    return found
