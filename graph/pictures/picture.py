"""The drawn part of a picture: its nodes and relationships with captions, sizes and places, and a
"+N more" node for each hub's fold (:mod:`graph.pictures.fold`) with what it stands for.

A "+N more" node is linked to its hub by one relationship of the type most of the folded ones
have; its fold keeps the folded nodes, placed in a disc outside the picture beyond it (where the
page shows them when it is clicked), and their relationships to the drawn nodes and to one another.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from graph.model import Node, Relationship
from graph.pictures.captions import caption, name_of, node_details, node_radius, relationship_caption, relationship_details
from graph.pictures.layout import GAP, caption_width, fan, place
from graph.pictures.shown import Fold, GraphView, ViewNode, ViewRelationship
from graph.pictures.style import MORE, MORE_COLOUR, NODE_COLOURS, REL_COLOURS, edge_font

MORE_RADIUS = 34.0


def more_key(hub: str) -> str:
    """The key of the "+N more" node beside ``hub``."""
    return f"more:{hub}"


def build(title: str, by_key: dict[str, Node], allowed: list[Relationship], facts: Mapping[str, list[Relationship]],
          drawn: list[str], degree: Counter[str], folded: dict[str, list[str]], totals: tuple[int, int], *,
          unread: Mapping[str, int] | None = None, distance: dict[str, int] | None = None,
          focus: str | None = None, depth: int | None = None, note: str = "") -> GraphView:
    """The view of the ``drawn`` keys (nodes, and "+N more" nodes for the hubs in ``folded``, and
    for the focus when ``unread`` counts neighbours of it that were not read); ``facts`` holds each
    drawn and folded node's relationships its details panel may list; ``totals`` counts the nodes
    and relationships of the whole graph."""
    unread = unread or {}
    real = [k for k in drawn if k in by_key]
    shown = set(real)
    hidden = {k for keys in folded.values() for k in keys}
    rels = [r for r in allowed if r.start in shown and r.end in shown]
    counted = {hub: len(keys) + unread.get(hub, 0) for hub, keys in folded.items()}
    if focus is not None and unread.get(focus) and more_key(focus) in drawn:
        folded, counted[focus] = {**folded, focus: []}, unread[focus]
    links = {hub: _more_link(hub, keys, counted[hub], allowed, by_key) for hub, keys in folded.items()}
    radius = {k: node_radius(degree[k]) for k in real} | {more_key(hub): MORE_RADIUS for hub in folded}
    view_rels = [_view_relationship(r, by_key) for r in rels] + list(links.values())
    room: dict[tuple[str, str], float] = defaultdict(float)
    for r in view_rels:
        room[r.start, r.end] = max(room[r.start, r.end], caption_width(r.caption, edge_font(r.type)))
    positions = place(drawn, [(r.start, r.end) for r in view_rels], focus=focus, radius=radius, room=room)
    def view_node(key: str, place_at: tuple[float, float], steps: int | None, known: set[str]) -> ViewNode:
        node = by_key[key]
        return ViewNode(key=key, label=node.label.value, name=name_of(node), caption=caption(node),
                        colour=NODE_COLOURS.get(node.label.value, "#888888"), size=node_radius(degree[key]),
                        degree=degree[key], distance=steps, x=place_at[0], y=place_at[1],
                        properties=node_details(node, degree[key], facts[key], by_key, known))

    hub_of = {more_key(hub): hub for hub in folded}
    nodes = [_more_node(k, hub_of[k], folded[hub_of[k]], counted[hub_of[k]], by_key, positions[k], distance) if k in hub_of
             else view_node(k, positions[k], None if distance is None else distance[k], shown) for k in drawn]
    origin = (0.0, 0.0) if focus else _centre(positions.values())
    beyond = max((math.dist(positions[k], origin) + radius[k] for k in drawn), default=0.0) + GAP
    folds = []
    for hub, keys in folded.items():
        if not keys:
            continue  # the focus's unread neighbours: counted, not listed
        places = fan(positions[more_key(hub)], keys, beyond, {k: node_radius(degree[k]) for k in keys}, origin=origin)
        steps = None if distance is None else distance[hub] + 1
        fold_rels = [r for r in allowed if (r.start in keys or r.end in keys)
                     and {r.start, r.end} <= shown | hidden and r.start != r.end]
        folds.append(Fold(key=more_key(hub), hub=hub, nodes=[view_node(k, places[k], steps, shown | set(keys)) for k in keys],
                          relationships=[_view_relationship(r, by_key) for r in fold_rels]))
    return GraphView(title=title, focus=focus, depth=depth, nodes=nodes, relationships=view_rels, folds=folds,
                     total_nodes=totals[0], total_relationships=totals[1], note=note)


def _view_relationship(r: Relationship, by_key: dict[str, Node]) -> ViewRelationship:
    return ViewRelationship(id=f"{r.start}|{r.type.value}|{r.end}", type=r.type.value, start=r.start, end=r.end,
                            colour=REL_COLOURS.get(r.type.value, "#888888"), caption=relationship_caption(r),
                            properties=relationship_details(r, by_key))


def _more_link(hub: str, keys: list[str], count: int, allowed: list[Relationship], by_key: dict[str, Node]) -> ViewRelationship:
    """The one relationship between a hub and its "+N more" node: the type most folded ones have
    (most of the hub's drawn ones have, when none is listed), pointing the way most of them point."""
    folded = set(keys)
    between = [r for r in allowed if (r.start == hub and r.end in folded) or (r.end == hub and r.start in folded)]
    between = between or [r for r in allowed if hub in (r.start, r.end) and r.start != r.end]
    kind = Counter(r.type.value for r in between).most_common(1)[0][0] if between else "LINKED"
    inward = sum(r.end == hub for r in between if r.type.value == kind) * 2 >= sum(r.type.value == kind for r in between)
    start, end = (more_key(hub), hub) if inward else (hub, more_key(hub))
    hub_name, what = name_of(by_key[hub]), f"{count} more"
    return ViewRelationship(id=f"{start}|{kind}|{end}", type=kind, start=start, end=end, caption=kind,
                            colour=REL_COLOURS.get(kind, "#888888"),
                            properties={"from": what if inward else hub_name, "to": hub_name if inward else what,
                                        "stands for": f"{len(between)} {kind} relationships of the folded nodes" if keys
                                        else f"the {kind} relationships of {count} more neighbours"})


def _more_node(key: str, hub: str, keys: list[str], count: int, by_key: dict[str, Node], place_at: tuple[float, float],
               distance: dict[str, int] | None) -> ViewNode:
    """A "+N more" node: ``count`` nodes beside ``hub``, of which ``keys`` are listed (the rest were not read)."""
    labels = Counter(by_key[k].label.value for k in keys)
    kinds = ", ".join(f"{n} {label}" for label, n in labels.most_common())
    hub_name = name_of(by_key[hub])
    steps = None if distance is None else distance.get(key, distance[hub] + 1)
    if keys:
        properties = {"label": MORE, "folded": f"{count} nodes ({kinds}) that only {hub_name} leads to in this picture",
                      "show them": "click this node: they appear beside the picture", "nodes": "; ".join(name_of(by_key[k]) for k in keys)}
        if count > len(keys):
            properties["not read"] = f"{count - len(keys)} of them, the least connected: only the {len(keys)} listed are shown"
    else:
        properties = {"label": MORE, "not read": f"{count} more neighbours of {hub_name}, the least connected: kg show {hub_name!r} counts them"}
    return ViewNode(key=key, label=MORE, name=f"{count} more beside {hub_name}", caption=f"+{count} more",
                    colour=MORE_COLOUR, size=MORE_RADIUS, degree=count, distance=steps, x=place_at[0], y=place_at[1],
                    properties=properties)


def _centre(points: Iterable[tuple[float, float]]) -> tuple[float, float]:
    placed = list(points) or [(0.0, 0.0)]
    return sum(x for x, _ in placed) / len(placed), sum(y for _, y in placed) / len(placed)
