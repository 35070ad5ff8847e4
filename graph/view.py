"""What a picture of the graph shows: one node's neighbourhood, or an overview of the most connected
nodes, each capped so it stays legible, and saying what it left out.

:func:`neighbourhood_view` and :func:`overview_view` choose the nodes and relationships, their
captions, colours, sizes (by degree in the whole graph) and positions, and what the details panel
shows for each (properties, claims, the evidence sentence with its source and line).
:class:`GraphView` holds the result; it renders as a self-contained page (:mod:`graph.viz`), inline
in Jupyter, or to a file.

>>> from graph.model import Label, Node, Relationship, RelType
>>> vllm = Node(key="system:vllm", label=Label.SYSTEM, properties={"name": "vLLM"})
>>> a100 = Node(key="hardware:a100", label=Label.HARDWARE, properties={"name": "A100"})
>>> paper = Node(key="paper:seesaw", label=Label.PAPER, properties={"title": "Seesaw: High-throughput LLM Inference"})
>>> cmp = Relationship(type=RelType.COMPARES_TO, start="paper:seesaw", end="system:vllm", properties={
...     "evidence": "Seesaw is 1.78x faster than vLLM.", "source": "004.txt", "line": 214,
...     "claims": ["1.78× throughput"], "claim_directions": ["higher"]})
>>> on = Relationship(type=RelType.TARGETS, start="paper:seesaw", end="hardware:a100", properties={"evidence": "On A100s.", "source": "004.txt", "line": 214})
>>> view = neighbourhood_view([vllm, a100, paper], [cmp, on], focus="system:vllm", depth=2)
>>> [(n.caption, n.distance) for n in view.nodes]
[('vLLM', 0), ('Seesaw', 1), ('A100', 2)]
>>> view.relationships[0].properties["claims"], view.relationships[0].properties["cited at"]
('1.78× throughput (higher)', '004.txt:214')
>>> view.counts
'showing 3 of 3 nodes and 2 of 2 relationships'
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from graph.lookup import visible
from graph.model import Label, Node, Relationship, RelType
from queries.catalog import QueryError

NODE_COLOURS = {"Paper": "#4e79a7", "System": "#f28e2b", "Hardware": "#59a14f", "Technique": "#b07aa1", "Dataset": "#9c755f"}
REL_COLOURS = {"PROPOSES": "#f28e2b", "COMPARES_TO": "#e15759", "TARGETS": "#59a14f", "USES": "#b07aa1",
               "IS_A": "#9d9d9d", "VARIANT_OF": "#9d9d9d"}
DEFAULT_DEPTH = 2
MAX_DEPTH = 3
NEIGHBOURHOOD_NODES = 60  # a neighbourhood beyond this is capped, nearest and most connected first
OVERVIEW_NODES = 60  # the overview: the most connected nodes
MAX_FACTS = 25  # relationships listed in a node's details panel
ABSTRACT_CHARS = 600
_CLAIM_LISTS = ("claim_values", "claim_units", "claim_metrics", "claim_directions", "claim_evidence")


class ViewNode(BaseModel):
    """A node as drawn: caption, colour, radius, position, and what its details panel lists."""

    key: str
    label: str
    name: str  # the full name or title
    caption: str  # what is written on the node (a paper's short name)
    colour: str
    size: float  # radius in pixels, by degree
    degree: int  # relationships in the whole graph
    distance: int | None = None  # steps from the focus of a neighbourhood view
    x: float = 0.0
    y: float = 0.0
    properties: dict[str, str]


class ViewRelationship(BaseModel):
    """A relationship as drawn: its type as caption, its citation and claims in the details panel."""

    id: str
    type: str
    start: str
    end: str
    colour: str
    properties: dict[str, str]


class GraphView(BaseModel):
    """A picture of part of the graph, with the counts of what is shown of what exists.

    ``_repr_html_`` draws it inline in Jupyter; :meth:`to_html` is the self-contained page and
    :meth:`save` writes that page atomically."""

    title: str
    focus: str | None = None
    nodes: list[ViewNode]
    relationships: list[ViewRelationship]
    total_nodes: int  # in the whole graph (as `kg stats` counts them)
    total_relationships: int
    note: str = ""  # what was left out, and why

    @property
    def counts(self) -> str:
        return (f"showing {len(self.nodes)} of {self.total_nodes} nodes and "
                f"{len(self.relationships)} of {self.total_relationships} relationships")

    def to_html(self) -> str:
        """The page: everything inlined (JavaScript, styles, fonts), nothing loaded from the network."""
        from graph.viz import render_page

        return render_page(self)

    def _repr_html_(self) -> str:
        from graph.viz import render_inline

        return render_inline(self)

    def save(self, path: str | Path, protect: Iterable[Path] = ()) -> Path:
        """Write :meth:`to_html` to ``path`` atomically (never inside a ``protect`` directory)."""
        from graph.outfile import write_atomic

        return write_atomic(Path(path), self.to_html(), protect=protect)


# ---- choosing what to show ---------------------------------------------------------------------


def parse_types(values: Sequence[str] | None) -> set[str] | None:
    """Relationship types from ``--rel`` (any case, comma-separated); None for all of them."""
    return _parse(values, [t.value for t in RelType], "relationship type")


def parse_labels(values: Sequence[str] | None) -> set[str] | None:
    """Node labels from ``--label`` (any case, comma-separated); None for all of them."""
    return _parse(values, [label.value for label in Label], "label")


def _parse(values: Sequence[str] | None, known: list[str], what: str) -> set[str] | None:
    items = [v.strip() for value in values or () for v in value.split(",") if v.strip()]
    if not items:
        return None
    by_fold = {k.lower().replace("_", ""): k for k in known}
    out = set()
    for item in items:
        found = by_fold.get(item.lower().replace("_", "").replace("-", ""))
        if found is None:
            raise QueryError(f"unknown {what} {item!r}: one of {', '.join(known)}")
        out.add(found)
    return out


def degrees(relationships: Iterable[Relationship]) -> Counter[str]:
    out: Counter[str] = Counter()
    for r in relationships:
        out[r.start] += 1
        out[r.end] += 1
    return out


def neighbourhood_view(
    nodes: Sequence[Node],
    relationships: Sequence[Relationship],
    focus: str,
    depth: int = DEFAULT_DEPTH,
    types: set[str] | None = None,
    labels: set[str] | None = None,
    max_nodes: int = NEIGHBOURHOOD_NODES,
) -> GraphView:
    """The nodes up to ``depth`` steps from ``focus`` over relationships of ``types`` through nodes
    of ``labels`` (the focus always), the nearest and then the most connected first, at most
    ``max_nodes``; and every such relationship between them."""
    if not 1 <= depth <= MAX_DEPTH:
        raise QueryError(f"depth must be 1 to {MAX_DEPTH}, not {depth}")
    by_key = {n.key: n for n in nodes}
    degree = degrees(relationships)
    allowed = _allowed(by_key, relationships, types, labels, keep=focus)
    adjacent: dict[str, set[str]] = defaultdict(set)
    for r in allowed:
        adjacent[r.start].add(r.end)
        adjacent[r.end].add(r.start)
    distance = {focus: 0}
    queue = deque([focus])
    while queue:
        key = queue.popleft()
        if distance[key] == depth:
            continue
        for other in sorted(adjacent[key]):
            if other not in distance:
                distance[other] = distance[key] + 1
                queue.append(other)
    ranked = sorted(distance, key=lambda k: (distance[k], -degree[k], _name(by_key[k]).lower(), k))
    chosen = ranked[: max(1, max_nodes)]
    name = _name(by_key[focus])
    steps = "step" if depth == 1 else "steps"
    note = f"{len(distance)} nodes within {depth} {steps} of {name}"
    if types:
        note += f" over {', '.join(sorted(types))}"
    if labels:
        note += f" through {', '.join(sorted(labels | {by_key[focus].label.value}))}"
    left = len(distance) - len(chosen)
    if left:
        note += f"; {left} left out by --max-nodes {max_nodes} (the farthest and least connected): {_by_label(by_key, ranked[len(chosen):])}"
    view = _build(f"{name}: {depth}-step neighbourhood", by_key, allowed, relationships, chosen, degree,
                  distance=distance, focus=focus, note=note)
    return view


def overview_view(
    nodes: Sequence[Node],
    relationships: Sequence[Relationship],
    types: set[str] | None = None,
    labels: set[str] | None = None,
    max_nodes: int = OVERVIEW_NODES,
) -> GraphView:
    """The ``max_nodes`` most connected nodes (counting relationships of ``types`` between nodes of
    ``labels``) that are connected to one another, and the relationships among them."""
    by_key = {n.key: n for n in nodes}
    degree = degrees(relationships)
    allowed = _allowed(by_key, relationships, types, labels)
    local = degrees(allowed)
    ranked = sorted((k for k in local if local[k] > 0), key=lambda k: (-local[k], _name(by_key[k]).lower(), k))
    top = set(ranked[: max(1, max_nodes)])
    linked = degrees(r for r in allowed if r.start in top and r.end in top)
    chosen = [k for k in ranked if k in top and linked[k] > 0] or ranked[:1]
    floor = min((local[k] for k in chosen), default=0)
    shown = set(chosen)
    left = [k for k in by_key if k not in shown]
    note = f"the {len(chosen)} most connected nodes (each with {floor} or more relationships"
    note += f" of {', '.join(sorted(types))})" if types else ")"
    if labels:
        note += f" among {', '.join(sorted(labels))}"
    note += f"; left out: {_by_label(by_key, left)}" if left else ""
    note += ". Name a node (kg viz NAME) to see its neighbourhood."
    return _build("ML-systems knowledge graph: overview", by_key, allowed, relationships, chosen, degree, note=note)


def _allowed(by_key: dict[str, Node], relationships: Sequence[Relationship], types: set[str] | None,
             labels: set[str] | None, keep: str | None = None) -> list[Relationship]:
    def ok(key: str) -> bool:
        return key in by_key and (labels is None or key == keep or by_key[key].label.value in labels)

    return [r for r in relationships if (types is None or r.type.value in types) and ok(r.start) and ok(r.end)]


def _by_label(by_key: dict[str, Node], keys: Iterable[str]) -> str:
    counts = Counter(by_key[k].label.value for k in keys)
    return ", ".join(f"{n} {label}" for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "nothing"


def _build(title: str, by_key: dict[str, Node], allowed: list[Relationship], everything: Sequence[Relationship],
           chosen: list[str], degree: Counter[str], *, distance: dict[str, int] | None = None,
           focus: str | None = None, note: str = "") -> GraphView:
    from graph.layout import place

    shown = set(chosen)
    rels = [r for r in allowed if r.start in shown and r.end in shown]
    positions = place(chosen, [(r.start, r.end) for r in rels], focus=focus,
                      radius={k: node_radius(degree[k]) for k in chosen})
    facts: dict[str, list[Relationship]] = defaultdict(list)
    for r in everything:
        for k in (r.start, r.end):
            if k in shown:
                facts[k].append(r)
    view_nodes = []
    for k in chosen:
        node = by_key[k]
        x, y = positions[k]
        view_nodes.append(ViewNode(
            key=k, label=node.label.value, name=_name(node), caption=caption(node), colour=NODE_COLOURS.get(node.label.value, "#888888"),
            size=node_radius(degree[k]), degree=degree[k], distance=None if distance is None else distance[k],
            x=round(x, 1), y=round(y, 1), properties=node_details(node, degree[k], facts[k], by_key, shown),
        ))
    view_rels = [
        ViewRelationship(id=f"{r.start}|{r.type.value}|{r.end}", type=r.type.value, start=r.start, end=r.end,
                         colour=REL_COLOURS.get(r.type.value, "#888888"), properties=relationship_details(r, by_key))
        for r in rels
    ]
    return GraphView(title=title, focus=focus, nodes=view_nodes, relationships=view_rels,
                     total_nodes=len(by_key), total_relationships=len(everything), note=note)


# ---- how each node and relationship is shown ------------------------------------------------


def _name(node: Node) -> str:
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
    return short_name(_name(node), node.label == Label.PAPER, width)


def node_radius(degree: int) -> float:
    """Radius in pixels, big enough for a caption: grows with the square root of the degree, 26 to 56.

    >>> node_radius(1), node_radius(9), node_radius(400)
    (30.0, 38.0, 56.0)
    """
    return round(min(56.0, 26.0 + 4.0 * math.sqrt(degree)), 1)


def _text(value: Any) -> str:
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
    return f"{where}:{props['line']}" if where and props.get("line") else _text(where)


def relationship_details(r: Relationship, by_key: dict[str, Node]) -> dict[str, str]:
    """The details panel of a relationship: its ends, claims, evidence sentence and citation first."""
    return _relationship_details(r.properties, _name(by_key[r.start]), _name(by_key[r.end]))


def _relationship_details(properties: dict[str, Any], start: str, end: str) -> dict[str, str]:
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
        out["also read at"] = _text(sources)
    skip = {"claims", "evidence", "source", "line", "sources", *_CLAIM_LISTS}
    out.update({k: _text(v) for k, v in sorted(p.items()) if k not in skip and v not in (None, "", [])})
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
    """The details panel of a node: label, name, key, properties, then its cited facts (those drawn first)."""
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
        out[k] = _text(v)
    if p.get("abstract"):
        text = " ".join(str(p["abstract"]).split())
        out["abstract"] = text if len(text) <= ABSTRACT_CHARS else text[: ABSTRACT_CHARS - 1] + "…"
    ordered = sorted(facts, key=lambda r: ((r.end if r.start == node.key else r.start) not in shown, r.type.value, r.key))
    for r in ordered[:MAX_FACTS]:
        out_going = r.start == node.key
        other = by_key[r.end if out_going else r.start]
        label = f"{'→' if out_going else '←'} {r.type.value} {caption(other, width=20)}"
        line = fact_line(r)
        if caption(other, width=20) != _name(other):  # the short name on the left, the whole one after the facts
            line = f"{line} — {_name(other)}" if line else _name(other)
        out[label if label not in out else f"{label} ({other.key})"] = line
    if len(ordered) > MAX_FACTS:
        out["more"] = f"{len(ordered) - MAX_FACTS} more relationships: kg show {_name(node)!r}"
    return out


# ---- a Neo4j query result ------------------------------------------------------------------------


def from_neo4j(data: Any, title: str = "Cypher result") -> GraphView:
    """A view of what a Neo4j query returned (a ``neo4j.Result``, ``EagerResult`` or ``neo4j.graph.Graph``),
    converted by neo4j-viz and drawn like kg's own views; node ids are the result's element ids."""
    from neo4j_viz.neo4j import from_neo4j as convert

    graph = convert(data)
    degree: Counter[str] = Counter()
    for r in graph.relationships:
        degree[str(r.source)] += 1
        degree[str(r.target)] += 1
    names: dict[str, str] = {}
    nodes: list[ViewNode] = []
    for n in graph.nodes:
        props = visible(dict(n.properties))
        labels = [str(x) for x in props.pop("labels", [])]
        label = next((x for x in labels if x in NODE_COLOURS), labels[0] if labels else "Node")
        key = str(props.get("key") or n.id)
        name = str(props.get("name") or props.get("title") or key)
        names[str(n.id)] = name
        details = {"label": ":".join(labels) or label, **{k: _text(v) for k, v in sorted(props.items()) if v not in (None, "", [])}}
        nodes.append(ViewNode(key=str(n.id), label=label, name=name, caption=short_name(name, label == "Paper"),
                              colour=NODE_COLOURS.get(label, "#888888"), size=node_radius(degree[str(n.id)]),
                              degree=degree[str(n.id)], properties=details))
    rels = []
    for r in graph.relationships:
        props = dict(r.properties)
        rtype = str(props.pop("type", "") or r.caption or "")
        rels.append(ViewRelationship(id=str(r.id), type=rtype, start=str(r.source), end=str(r.target),
                                     colour=REL_COLOURS.get(rtype, "#888888"),
                                     properties=_relationship_details(props, names.get(str(r.source), ""), names.get(str(r.target), ""))))
    from graph.layout import place

    positions = place([n.key for n in nodes], [(r.start, r.end) for r in rels], radius={n.key: n.size for n in nodes})
    for n in nodes:
        n.x, n.y = positions[n.key]
    return GraphView(title=title, nodes=nodes, relationships=rels, total_nodes=len(nodes), total_relationships=len(rels),
                     note="every node and relationship the query returned")
