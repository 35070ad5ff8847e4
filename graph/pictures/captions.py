"""How a node or relationship is shown in a picture: its caption, its size, and what its details
panel lists (properties, claims, the evidence sentence with its source and line).

>>> from graph.model import RelType
>>> r = Relationship(type=RelType.COMPARES_TO, start="paper:seesaw", end="system:vllm", properties={
...     "claims": ["1.36× throughput", "1.78× throughput"], "claim_values": [1.36, 1.78], "claim_units": ["x", "x"]})
>>> relationship_caption(r), claims_text(r.properties)
('1.78× throughput', '1.36× throughput; 1.78× throughput')
"""

from __future__ import annotations

import math
from typing import Any

from graph.claims import best_claim
from graph.lookup import visible
from graph.model import Label, Node, Relationship, RelType

ABSTRACT_CHARS = 600
MAX_FACTS = 25  # relationships listed in a node's details panel
_CLAIM_LISTS = ("claim_values", "claim_units", "claim_metrics", "claim_directions", "claim_evidence")


def name_of(node: Node) -> str:
    """A node's name, or a paper's title."""
    return str(node.properties.get("name") or node.properties.get("title") or node.key)


def short_name(name: str, paper: bool, width: int = 26) -> str:
    """A name cut to ``width``; a paper's title to its short name (before the colon) or first words."""
    name = " ".join(name.split())
    if not paper:
        return name if len(name) <= width else name[: width - 1].rstrip() + "…"
    head = name.split(":", 1)[0].strip()
    if head != name and 0 < len(head) <= width:
        return head
    out = ""
    for word in name.split():
        if len(out) + len(word) + 1 > width:
            return (out or word[: width - 1]) + "…"
        out = f"{out} {word}".strip()
    return out


def caption(node: Node, width: int = 26) -> str:
    """What is written on a node: a name, or a paper's short name (before its colon) or first words.

    >>> caption(Node(key="paper:x", label=Label.PAPER, properties={"title": "Seesaw: High-throughput LLM Inference"}))
    'Seesaw'
    >>> caption(Node(key="paper:y", label=Label.PAPER, properties={"title": "Taming Throughput-Latency Tradeoff in LLM Inference"}))
    'Taming Throughput-Latency…'
    """
    return short_name(name_of(node), node.label == Label.PAPER, width)


def node_radius(degree: int) -> float:
    """Radius in pixels, big enough for a caption: grows with the square root of the degree, 26 to 56.

    >>> node_radius(1), node_radius(9), node_radius(400)
    (30.0, 38.0, 56.0)
    """
    return round(min(56.0, 26.0 + 4.0 * math.sqrt(degree)), 1)


def relationship_caption(r: Relationship) -> str:
    """What is written on a relationship: a comparison's best claim ("compared" when it states no
    number), else its type."""
    if r.type != RelType.COMPARES_TO:
        return r.type.value
    best = best_claim(r)
    return best.claim if best and best.claim else "compared"


def as_text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


def claims_text(props: dict[str, Any]) -> str:
    """'2.2× throughput (higher); 20× latency (lower)': each claim with its direction when stated."""
    claims = list(props.get("claims") or [])
    directions = list(props.get("claim_directions") or [])
    return "; ".join(
        f"{c} ({directions[i]})" if i < len(directions) and directions[i] not in (None, "", "unstated") else str(c)
        for i, c in enumerate(claims)
    )


def citation(props: dict[str, Any]) -> str:
    where = props.get("source")
    return f"{where}:{props['line']}" if where and props.get("line") else as_text(where)


def relationship_details(r: Relationship, by_key: dict[str, Node]) -> dict[str, str]:
    """The details panel of a relationship: its ends, claims, evidence sentence and citation first."""
    return relationship_details_from(r.properties, name_of(by_key[r.start]), name_of(by_key[r.end]))


def relationship_details_from(properties: dict[str, Any], start: str, end: str) -> dict[str, str]:
    p = visible(properties)
    out = {"from": start, "to": end}
    if p.get("claims"):
        out["claims"] = claims_text(p)
    if p.get("evidence"):
        out["evidence"] = str(p["evidence"])
    if citation(p):
        out["cited at"] = citation(p)
    sources = [s for s in p.get("sources") or [] if s != out.get("cited at")]
    if sources:
        out["also read at"] = as_text(sources)
    skip = {"claims", "evidence", "source", "line", "sources", *_CLAIM_LISTS}
    out.update({k: as_text(v) for k, v in sorted(p.items()) if k not in skip and v not in (None, "", [])})
    return out


def fact_line(r: Relationship) -> str:
    p = r.properties
    parts = [claims_text(p)] if p.get("claims") else []
    if p.get("evidence"):
        parts.append(f"“{p['evidence']}”")
    if citation(p):
        parts.append(f"({citation(p)})")
    return " ".join(parts)


def node_details(node: Node, degree: int, facts: list[Relationship], by_key: dict[str, Node], shown: set[str]) -> dict[str, str]:
    """The details panel of a node: label, name, key, properties, then its cited facts (those drawn
    first, then by type and key; ``facts`` holds at least the first :data:`MAX_FACTS` of them)."""
    p = visible(node.properties)
    out = {"label": node.label.value}
    for k in ("name", "title"):
        if p.get(k):
            out[k] = str(p[k])
    out["key"] = node.key
    out["relationships"] = f"{degree} in the graph"
    for k, v in sorted(p.items()):
        if k in ("name", "title", "abstract") or v in (None, "", []):
            continue
        out[k] = as_text(v)
    if p.get("abstract"):
        text = " ".join(str(p["abstract"]).split())
        out["abstract"] = text if len(text) <= ABSTRACT_CHARS else text[: ABSTRACT_CHARS - 1] + "…"
    ordered = sorted(facts, key=lambda r: ((r.end if r.start == node.key else r.start) not in shown, r.type.value, r.key))
    for r in ordered[:MAX_FACTS]:
        out_going = r.start == node.key
        other = by_key[r.end if out_going else r.start]
        label = f"{'→' if out_going else '←'} {r.type.value} {caption(other, width=20)}"
        line = fact_line(r)
        if caption(other, width=20) != name_of(other):  # the short name on the left, the whole one after the facts
            line = f"{line} — {name_of(other)}" if line else name_of(other)
        out[label if label not in out else f"{label} ({other.key})"] = line
    total = max(degree, len(ordered))  # ``facts`` may hold only the first ones; ``degree`` counts them all
    if total > MAX_FACTS:
        out["more"] = f"{total - MAX_FACTS} more relationships: kg show {name_of(node)!r}"
    return out
