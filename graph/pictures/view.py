"""What a picture of the graph shows: one node's neighbourhood, or an overview of the most connected
nodes, each capped so it stays legible, and saying what it left out.

:func:`neighbourhood_view` and :func:`overview_view` choose the nodes and relationships; what
only a hub leads to is folded into one "+N more" node (:mod:`graph.pictures.fold`); :mod:`graph.pictures.picture`
gives each its caption (a comparison's best claim), colour, size (by degree in the whole graph),
place, and what the details panel shows (properties, claims, the evidence sentence with its source
and line). :class:`GraphView` holds the result; it renders as a self-contained page
(:mod:`graph.pictures.viz`), inline in Jupyter, as a static PNG or SVG (:mod:`graph.pictures.drawing`), or to a file.

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
>>> view.relationships[0].caption, view.counts
('1.78× throughput', 'showing 3 of 3 nodes and 2 of 2 relationships')
>>> view
<GraphView vLLM depth 2: 3 nodes, 2 edges>
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from graph.lookup import visible
from graph.model import Label, Node, Relationship, RelType
from graph.pictures.captions import relationship_details_from, as_text, name_of, node_radius, relationship_caption, short_name
from graph.pictures.shown import GraphView, ViewNode, ViewRelationship
from graph.pictures.style import NODE_COLOURS, OVERVIEW_TITLE, REL_COLOURS
from queries.catalog import QueryError

if TYPE_CHECKING:
    from graph.pictures.graph_part import GraphPart, PartReader

DEFAULT_DEPTH = 2
MAX_DEPTH = 3
NEIGHBOURHOOD_NODES = 60  # a neighbourhood beyond this is capped, nearest and most connected first
READ_LIMIT = 500  # the most neighbours a picture reads of one node (its most connected); the rest are counted
OVERVIEW_NODES = 60  # the overview: the most connected nodes


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
    """:func:`neighbourhood_of` a graph held in lists."""
    from graph.pictures.graph_part import InMemory

    return neighbourhood_of(InMemory(nodes, relationships), focus, totals=(len(nodes), len(relationships)), depth=depth,
                            types=types, labels=labels, max_nodes=max_nodes, read_limit=max(1, len(nodes)))


def neighbourhood_of(
    part: GraphPart,
    focus: str,
    totals: tuple[int, int],
    depth: int = DEFAULT_DEPTH,
    types: set[str] | None = None,
    labels: set[str] | None = None,
    max_nodes: int = NEIGHBOURHOOD_NODES,
    read_limit: int = READ_LIMIT,
) -> GraphView:
    """The nodes up to ``depth`` steps from ``focus`` over relationships of ``types`` through nodes
    of ``labels`` (the focus always), the nearest and then the most connected first, at most
    ``max_nodes``; and every such relationship between them. What only a hub leads to is folded
    into one "+N more" node beside it (:mod:`graph.pictures.fold`).

    Only that part of the graph is read (``totals`` are its nodes and relationships), ring by ring,
    and of a node with more than ``read_limit`` neighbours only the most connected ``read_limit``:
    the rest are counted, in a "+N more" node beside the focus or its hub's fold."""
    from graph.pictures.fold import fold_rings
    from graph.pictures.graph_part import PartReader
    from graph.pictures.picture import build, more_key

    if not 1 <= depth <= MAX_DEPTH:
        raise QueryError(f"depth must be 1 to {MAX_DEPTH}, not {depth}")
    read = PartReader(part, types, labels, read_limit)
    read.know([focus])
    by_key, degree, unread = read.by_key, read.degree, read.unread
    reached: list[int] = []  # nodes drawn so far before each ring
    full: list[int] = []  # the ring not read because the picture was full

    def ring(frontier: list[str]) -> dict[str, set[str]]:
        reached.append((reached[-1] if reached else 0) + len(frontier))
        # A big graph (something went unread, or this ring is as big as a read): what lies beyond
        # a full picture could be neither drawn nor fully counted, so it is not read.
        if full or (reached[-1] + bool(unread.get(focus)) >= max_nodes and (unread or len(frontier) >= read_limit)):
            full.append(len(reached))
            return {k: read.adjacent.get(k, set()) for k in frontier}
        return read.ring(frontier)

    rings = fold_rings(focus, ring, depth, order=lambda k: (-degree[k], name_of(by_key[k]).lower(), k))
    within = _within(focus, read.ring if not full else lambda keys: {k: read.adjacent.get(k, set()) for k in keys}, depth)
    distance = dict(rings.distance)
    for hub in rings.folded:
        distance[more_key(hub)] = distance[hub] + 1
    ranked = sorted(distance, key=lambda k: (distance[k], k not in by_key, -degree[k], name_of(by_key[k]).lower() if k in by_key else "", k))
    pinned = [more_key(focus)] if unread.get(focus) else []  # the focus's own ring beyond what was read
    chosen = ranked[:1] + pinned + ranked[1: max(1, max_nodes - len(pinned))]
    if pinned:
        distance[more_key(focus)] = 1
    folded = {hub: keys for hub, keys in rings.folded.items() if more_key(hub) in chosen}
    counted = {hub: n for hub, n in unread.items() if hub in folded or hub == focus}
    name = name_of(by_key[focus])
    steps = "step" if depth == 1 else "steps"
    note = f"{'at least ' if unread or full else ''}{within} nodes within {depth} {steps} of {name}"
    if types:
        note += f" over {', '.join(sorted(types))}"
    if labels:
        note += f" through {', '.join(sorted(labels | {by_key[focus].label.value}))}"
    if pinned:
        note += f"; {name}'s {unread[focus]} least connected neighbours counted in '+{unread[focus]} more' beside it, not read"
    if full:
        note += f"; nothing more than {full[0] - 1} {'step' if full[0] == 2 else 'steps'} out read: the picture is full"
    note += _folds_note(by_key, folded, unread)
    beyond = within - len(rings.distance) - sum(len(keys) for keys in rings.folded.values())
    if beyond:
        note += f"; {beyond} reached only through folded nodes"
    skipped = sum(n for k, n in unread.items() if k not in counted)
    if skipped:
        note += f"; {skipped} more neighbours of nodes with over {read_limit} not read"
    hub_of = {more_key(hub): hub for hub in rings.folded}
    lost = [x for k in ranked[len(chosen) - len(pinned):] for x in (rings.folded[hub_of[k]] if k in hub_of else [k])]
    if lost:
        note += f"; {len(lost)} left out by --max-nodes {max_nodes} (the farthest and least connected): {_by_label(by_key, lost)}"
    shown = [k for k in chosen if k in by_key] + [k for keys in folded.values() for k in keys]
    among = part.relationships_among(shown)
    allowed = _allowed(by_key, among, types, labels, keep=focus)
    read.know([k for r in among for k in (r.start, r.end)], degrees=False)
    facts = _facts(part, shown, among, read)
    return build(f"{name}: {depth}-step neighbourhood", by_key, allowed, facts, chosen, degree, folded, totals,
                 unread=counted, distance=distance, focus=focus, depth=depth, note=note)


def _facts(part: GraphPart, keys: list[str], among: list[Relationship], read: PartReader) -> dict[str, list[Relationship]]:
    """Each of ``keys``'s relationships that its details panel may list: those among ``keys``, and
    its first :data:`graph.pictures.captions.MAX_FACTS` (the panel lists the drawn ones first, then in that order)."""
    from graph.pictures.captions import MAX_FACTS

    wanted = set(keys)
    facts = _touching(among, wanted)
    had = {k: {r.key for r in rs} for k, rs in facts.items()}
    first = part.first_relationships(keys, MAX_FACTS)
    read.know([k for r in first for k in (r.start, r.end)], degrees=False)  # named in the panel, not drawn
    for r in first:
        for k in {r.start, r.end} & wanted:
            if r.key not in had.get(k, ()):
                facts[k].append(r)
    return facts


def overview_view(
    nodes: Sequence[Node],
    relationships: Sequence[Relationship],
    types: set[str] | None = None,
    labels: set[str] | None = None,
    max_nodes: int = OVERVIEW_NODES,
) -> GraphView:
    """:func:`overview_of` a graph held in lists."""
    from graph.pictures.graph_part import InMemory

    return overview_of(InMemory(nodes, relationships), Counter(n.label.value for n in nodes), len(relationships),
                       types=types, labels=labels, max_nodes=max_nodes)


def overview_of(
    part: GraphPart,
    labelled: Mapping[str, int],
    relationships: int,
    types: set[str] | None = None,
    labels: set[str] | None = None,
    max_nodes: int = OVERVIEW_NODES,
) -> GraphView:
    """The ``max_nodes`` most connected nodes (counting relationships of ``types`` between nodes of
    ``labels``) that are connected to one another, and the relationships among them; what hangs on
    hubs alone folded into "+N more" nodes (:mod:`graph.pictures.fold`). ``labelled`` counts the graph's
    nodes by label and ``relationships`` its relationships: only the nodes drawn are read, and
    each node's number of relationships is counted, not read."""
    from graph.pictures.fold import fold_overview
    from graph.pictures.graph_part import PartReader
    from graph.pictures.picture import build, more_key

    local = part.connections(types, labels)
    counts = sorted(local.values(), reverse=True)
    floor = counts[max(1, max_nodes) - 1] if len(counts) >= max(1, max_nodes) else 1
    read = PartReader(part, types, labels, limit=0)
    read.know([k for k, n in local.items() if n >= floor])  # the top, and every node tied with its last
    by_key, degree = read.by_key, read.degree
    ranked = sorted((k for k in by_key if local[k] >= floor), key=lambda k: (-local[k], name_of(by_key[k]).lower(), k))
    top = ranked[: max(1, max_nodes)]
    among = part.relationships_among(top)
    allowed = _allowed(by_key, among, types, labels)
    linked = degrees(allowed)
    chosen = [k for k in ranked if k in set(top) and linked[k] > 0] or ranked[:1]
    kept = set(chosen)
    folded = fold_overview(chosen, [(r.start, r.end) for r in allowed], order=lambda k: (-local[k], name_of(by_key[k]).lower(), k))
    hidden = {k for keys in folded.values() for k in keys}
    lowest = min((local[k] for k in chosen), default=0)
    left = Counter(labelled) - Counter(by_key[k].label.value for k in chosen)
    note = f"the {len(chosen)} most connected nodes (each with {lowest} or more relationships"
    note += f" of {', '.join(sorted(types))})" if types else ")"
    if labels:
        note += f" among {', '.join(sorted(labels))}"
    note += _folds_note(by_key, folded)
    note += f"; left out: {_label_counts(left)}" if +left else ""
    note += ". Name a node (kg viz NAME) to see its neighbourhood."
    drawn = [k for k in chosen if k not in hidden] + [more_key(hub) for hub in folded]
    facts = _facts(part, chosen, [r for r in among if r.start in kept and r.end in kept], read)
    return build(OVERVIEW_TITLE, by_key, allowed, facts, drawn, degree, folded, (sum(labelled.values()), relationships), note=note)


def _touching(relationships: Iterable[Relationship], keys: set[str]) -> dict[str, list[Relationship]]:
    """Each of ``keys``'s relationships (a self-link twice, once for each end)."""
    out: dict[str, list[Relationship]] = defaultdict(list)
    for r in relationships:
        for k in (r.start, r.end):
            if k in keys:
                out[k].append(r)
    return out


def _within(focus: str, read: Callable[[list[str]], Mapping[str, Collection[str]]], depth: int) -> int:
    """How many nodes are at most ``depth`` steps from ``focus`` (the focus too), reading the
    neighbours of a ring at a time."""
    seen = {focus}
    ring = [focus]
    for _ in range(depth):
        adjacent = read(ring)
        ring = [other for key in ring for other in sorted(adjacent[key]) if other not in seen]
        ring = list(dict.fromkeys(ring))
        seen.update(ring)
    return len(seen)


def _folds_note(by_key: dict[str, Node], folded: dict[str, list[str]], unread: Mapping[str, int] | None = None) -> str:
    if not folded:
        return ""
    n = sum(len(keys) + (unread or {}).get(hub, 0) for hub, keys in folded.items())
    hubs = ", ".join(name_of(by_key[hub]) for hub in folded)
    return (f"; {n} folded into {len(folded)} '+N more' node{'s' * (len(folded) != 1)} beside {hubs} "
            f"(what only {'that hub' if len(folded) == 1 else 'those hubs'} lead{'s' * (len(folded) == 1)} to: click one to show them)")


def _allowed(by_key: dict[str, Node], relationships: Sequence[Relationship], types: set[str] | None,
             labels: set[str] | None, keep: str | None = None) -> list[Relationship]:
    def ok(key: str) -> bool:
        return key in by_key and (labels is None or key == keep or by_key[key].label.value in labels)

    return [r for r in relationships if (types is None or r.type.value in types) and ok(r.start) and ok(r.end)]


def _by_label(by_key: dict[str, Node], keys: Iterable[str]) -> str:
    return _label_counts(Counter(by_key[k].label.value for k in keys if k in by_key))


def _label_counts(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {label}" for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n > 0) or "nothing"


# ---- a Neo4j query result ------------------------------------------------------------------------


def from_neo4j(data: Any, title: str = "Cypher result") -> GraphView:
    """A view of what a Neo4j query returned (a ``neo4j.Result``, ``EagerResult`` or ``neo4j.graph.Graph``),
    converted by neo4j-viz and drawn like kg's own views; node ids are the result's element ids."""
    from graph.optional import neo4j_viz

    graph = neo4j_viz("neo4j").from_neo4j(data)
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
        details = {"label": ":".join(labels) or label, **{k: as_text(v) for k, v in sorted(props.items()) if v not in (None, "", [])}}
        nodes.append(ViewNode(key=str(n.id), label=label, name=name, caption=short_name(name, label == "Paper"),
                              colour=NODE_COLOURS.get(label, "#888888"), size=node_radius(degree[str(n.id)]),
                              degree=degree[str(n.id)], properties=details))
    rels = []
    for r in graph.relationships:
        props = dict(r.properties)
        rtype = str(props.pop("type", "") or r.caption or "")
        known = rtype in RelType.__members__
        caption = relationship_caption(Relationship(type=RelType(rtype), start=str(r.source), end=str(r.target),
                                                    properties=props)) if known else rtype
        rels.append(ViewRelationship(id=str(r.id), type=rtype, start=str(r.source), end=str(r.target),
                                     colour=REL_COLOURS.get(rtype, "#888888"), caption=caption,
                                     properties=relationship_details_from(props, names.get(str(r.source), ""), names.get(str(r.target), ""))))
    from graph.pictures.layout import place

    positions = place([n.key for n in nodes], [(r.start, r.end) for r in rels], radius={n.key: n.size for n in nodes})
    for n in nodes:
        n.x, n.y = positions[n.key]
    return GraphView(title=title, nodes=nodes, relationships=rels, total_nodes=len(nodes), total_relationships=len(rels),
                     note="every node and relationship the query returned")
