"""Which nodes a picture draws and which it folds into one "+N more" node beside a hub.

A generic node (a hardware class, a common technique) links to far more nodes than a picture can
show, and most of them have nothing to do with the picture's subject. Any node but the focus that
would bring more than :data:`HUB_CHILDREN` new nodes into the next ring of a neighbourhood is a
hub: the nodes only hubs lead to are folded beside the hub that leads to them first (and not
followed further), so the picture shows what is near its subject. In an overview, a node with
more than :data:`HUB_CHILDREN` neighbours in the picture is a hub, and the nodes linked to nothing
in the picture but hubs are folded the same way. A fold of one node is no fold: it stays drawn.
The page shows a fold's nodes when its "+N more" node is clicked.

>>> adjacent = {"f": {"p"}, "p": {"f", "hub"}, "hub": {"p", *(f"x{i}" for i in range(12))}}
>>> adjacent.update({f"x{i}": {"hub"} for i in range(12)})
>>> rings = fold_rings("f", lambda ring: adjacent, depth=3, order=lambda k: k)
>>> sorted(rings.distance.items()), [(hub, len(keys)) for hub, keys in rings.folded.items()]
([('f', 0), ('hub', 2), ('p', 1)], [('hub', 12)])
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

HUB_CHILDREN = 10  # a node leading to more new nodes than this is a hub
Order = Callable[[str], Any]  # a sort key: the nodes a picture prefers first


@dataclass
class Rings:
    """The drawn nodes of a neighbourhood by distance, and the nodes folded beside each hub."""

    distance: dict[str, int] = field(default_factory=dict)
    folded: dict[str, list[str]] = field(default_factory=dict)  # hub -> its folded nodes, preferred first


def fold_rings(focus: str, read: Callable[[list[str]], Mapping[str, Collection[str]]], depth: int, order: Order) -> Rings:
    """Ring by ring out to ``depth`` from ``focus``: the nodes reached, each hub's folded ones apart.
    ``read`` gives the neighbours of a ring's nodes (it is called once a ring, with that ring)."""
    out = Rings(distance={focus: 0})
    hidden: set[str] = set()
    frontier = [focus]
    for ring in range(1, depth + 1):
        parents: dict[str, list[str]] = defaultdict(list)
        adjacent = read(frontier)
        for parent in frontier:
            for other in sorted(adjacent.get(parent, ())):
                if other not in out.distance and other not in hidden:
                    parents[other].append(parent)
        load = Counter(p for ps in parents.values() for p in ps)
        hubs = {p for p in frontier if p != focus and load[p] > HUB_CHILDREN}
        beside: dict[str, list[str]] = defaultdict(list)
        for key, ps in parents.items():
            if all(p in hubs for p in ps):
                beside[min(ps, key=order)].append(key)
        frontier = []
        for key in parents:
            hub = min(parents[key], key=order)
            if all(p in hubs for p in parents[key]) and len(beside[hub]) > 1:
                hidden.add(key)
            else:
                out.distance[key] = ring
                frontier.append(key)
        for hub, keys in beside.items():
            if len(keys) > 1:
                out.folded[hub] = sorted(keys, key=order)
    return out


def fold_overview(chosen: list[str], edges: Collection[tuple[str, str]], order: Order) -> dict[str, list[str]]:
    """Hub -> the chosen nodes linked to nothing among ``chosen`` but hubs (folded beside the first hub)."""
    shown = set(chosen)
    linked: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        if a in shown and b in shown and a != b:
            linked[a].add(b)
            linked[b].add(a)
    hubs = {k for k in chosen if len(linked[k]) > HUB_CHILDREN}
    beside: dict[str, list[str]] = defaultdict(list)
    for key in chosen:
        if key not in hubs and linked[key] and linked[key] <= hubs:
            beside[min(linked[key], key=order)].append(key)
    return {hub: sorted(keys, key=order) for hub, keys in beside.items() if len(keys) > 1}
