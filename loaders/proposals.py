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
from dataclasses import dataclass, field

from loaders.names import clean_name, is_artifact_name
from loaders.text import Sentence, fold, is_name_like

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
    r"\b(?:we|this\s+(?:paper|work|study)|in\s+this\s+(?:paper|work),\s+we)\s+(?:also\s+|further\s+|then\s+)?"
    r"(?:propose|present|introduce|develop|design|build|describe|create|release|open-source|implement|offer|"
    r"devise|contribute|obtain|name|call)(?:s|d|ed)?\b",
    re.IGNORECASE,
)
NAMING = re.compile(r"\b(?:called|named|dubbed|termed|namely|coined|known\s+as)\s+", re.IGNORECASE)
APPOSITION = re.compile(r"^\s*(?:,\s*)?(?:an?\s+|the\s+)?(?:novel|new|open-source|first|simple|efficient|lightweight|scalable|general|unified|holistic|practical|fast)\b", re.IGNORECASE)

TECHNIQUE_HEADS = re.compile(r"\b(?:method|technique|algorithm|approach|scheme|strategy|optimization|optimizer|tuning|search|attention|mechanism|pruning|quantization|training|decoding|parallelism|matrices|format|estimator|loss|regularization|aggregator|layer)s?\b", re.I)
HARDWARE_HEADS = re.compile(r"\b(?:accelerator|chip|processor|architecture for|hardware|ASIC|FPGA design|dataflow unit|core|engine design|PIM)s?\b", re.I)


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


def title_proposal_names(title: str, abstract: str = "") -> list[Proposal]:
    """The name before the title's colon, when it is shaped like a name.

    A prefix of several plain words ("Flag Aggregator") counts only when the abstract uses it too,
    so that titles like "Compute Better Spent: ..." do not read as names."""
    m = re.match(r"^\s*([^:]{2,60}?)\s*:\s*\S", title)
    if not m:
        return []
    prefix = m.group(1).strip()
    if not _name_like_prefix(prefix):
        return []
    words = prefix.split()
    if len(words) > 1 and not any(is_name_like(w) for w in words):
        if fold(prefix) not in fold(abstract):
            return []
    return [Proposal(name=prefix, kind_hint=title[m.end() - 1 :])]


def _first_name_after(text: str, max_words: int = 14) -> tuple[str, int] | None:
    """The first artifact-shaped token within ``max_words`` words of the start of ``text``."""
    for i, m in enumerate(re.finditer(r"\S+", text)):
        if i >= max_words:
            return None
        token = clean_name(m.group(0))
        if is_artifact_name(token):
            return token, m.start()
        if re.search(r"[.;:]$", m.group(0)) and i > 0:
            return None
    return None


def sentence_proposal_names(sentence: Sentence) -> list[Proposal]:
    """Names a proposal sentence introduces: 'we propose X', '... called X', 'X, a novel ...'."""
    text = sentence.text
    found: list[Proposal] = []
    verb = PROPOSAL_VERB.search(text)
    naming = NAMING.search(text)
    if naming:
        token = clean_name(text[naming.end() :].split()[0]) if text[naming.end() :].split() else ""
        if len(token) >= 2 and token.lower() not in {"a", "an", "the", "as", "it", "this", "that", "after", "for"}:
            found.append(Proposal(name=token, sentence=sentence, kind_hint=text[: naming.start()]))
    if verb and not found:
        hit = _first_name_after(text[verb.end() :])
        if hit:
            name, offset = hit
            found.append(Proposal(name=name, sentence=sentence, kind_hint=text[verb.end() : verb.end() + offset]))
    if not found:
        lead = re.match(r"^\s*([A-Z][\w\-.+]*(?:\s+[A-Z][\w\-.+]*){0,2})(?=,\s)", text)
        if lead and is_artifact_name(lead.group(1).split()[0]) and APPOSITION.match(text[lead.end() :]):
            found.append(Proposal(name=lead.group(1), sentence=sentence, kind_hint=text[lead.end() : lead.end() + 60]))
    return found
