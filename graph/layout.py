"""Node positions for a picture, computed once in Python so the page opens already laid out.

A neighbourhood is a radial tree: the focus in the middle, each step out on a wider ring, every
node in the sector of the node it was reached from (sectors sized by what hangs below them), rings
wide enough that nodes do not touch. An overview is a force-directed layout (networkx's
Fruchterman-Reingold, seeded so the same graph gives the same picture), spread to the nodes' sizes.

>>> pos = place(["a", "b", "c"], [("a", "b"), ("a", "c")], focus="a", radius={"a": 20, "b": 16, "c": 16})
>>> pos["a"], round(math.dist(pos["a"], pos["b"])) == round(math.dist(pos["a"], pos["c"]))
((0.0, 0.0), True)
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Sequence

import networkx as nx

GAP = 26.0  # pixels between two nodes on a ring (room for a caption under the circle)
RING = 150.0  # the smallest distance between two rings
SPREAD = 70.0  # an overview of n nodes is about SPREAD * sqrt(n) pixels across (before overlaps are pushed apart)


def place(keys: Sequence[str], edges: Sequence[tuple[str, str]], focus: str | None = None,
          radius: dict[str, float] | None = None) -> dict[str, tuple[float, float]]:
    """Positions (pixels, y down) for ``keys``: radial around ``focus`` when given, else force-directed."""
    radius = radius or {}
    if not keys:
        return {}
    if focus is not None and focus in keys:
        return _radial(list(keys), edges, focus, radius)
    return _spring(list(keys), edges, radius)


def _radial(keys: list[str], edges: Sequence[tuple[str, str]], focus: str, radius: dict[str, float]) -> dict[str, tuple[float, float]]:
    order = {k: i for i, k in enumerate(keys)}  # the caller's order: nearest and most connected first
    adjacent: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        adjacent[a].add(b)
        adjacent[b].add(a)
    parent: dict[str, str | None] = {focus: None}
    depth = {focus: 0}
    children: dict[str, list[str]] = defaultdict(list)
    queue = deque([focus])
    while queue:
        key = queue.popleft()
        for other in sorted(adjacent[key], key=lambda k: order.get(k, len(order))):
            if other in order and other not in parent:
                parent[other], depth[other] = key, depth[key] + 1
                children[key].append(other)
                queue.append(other)
    for k in keys:  # not connected to the focus (should not happen): one more ring
        if k not in parent:
            parent[k], depth[k] = focus, max(depth.values()) + 1
            children[focus].append(k)

    weight: dict[str, float] = {}

    def measure(k: str) -> float:
        weight[k] = max(1.0, sum(measure(c) for c in children[k]))
        return weight[k]

    measure(focus)
    angle: dict[str, float] = {}
    span: dict[str, float] = {focus: 2 * math.pi}

    def spread(k: str, start: float) -> None:
        at = start
        for c in children[k]:
            span[c] = span[k] * weight[c] / weight[k]
            angle[c] = at + span[c] / 2
            spread(c, at)
            at += span[c]

    spread(focus, -math.pi / 2)
    rings: dict[int, list[str]] = defaultdict(list)
    for k in keys:
        rings[depth[k]].append(k)
    ring_radius = {0: 0.0}
    for d in sorted(rings)[1:]:
        # Each node needs its own width of arc within its sector, and the ring its nodes' total.
        around = sum(2 * radius.get(k, 30.0) + GAP for k in rings[d]) / (2 * math.pi)
        within = max((2 * radius.get(k, 30.0) + GAP) / span[k] for k in rings[d])
        least = ring_radius[d - 1] + RING
        ring_radius[d] = max(least, around, min(within, least + 2 * RING))
    pos = {focus: (0.0, 0.0)}
    for k in keys:
        if k != focus:
            r = ring_radius[depth[k]]
            pos[k] = (r * math.cos(angle[k]), r * math.sin(angle[k]))
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in pos.items()}


def _spring(keys: list[str], edges: Sequence[tuple[str, str]], radius: dict[str, float]) -> dict[str, tuple[float, float]]:
    g = nx.Graph()
    g.add_nodes_from(keys)
    g.add_edges_from((a, b) for a, b in edges if a in g and b in g)
    n = len(keys)
    if n == 1:
        return {keys[0]: (0.0, 0.0)}
    raw = nx.spring_layout(g, k=1.6 / math.sqrt(n), iterations=300, seed=7)
    scale = SPREAD * math.sqrt(n)
    pos = {k: [float(x) * scale, float(y) * scale] for k, (x, y) in raw.items()}
    _separate(pos, radius)
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in pos.items()}


def _separate(pos: dict[str, list[float]], radius: dict[str, float], rounds: int = 60) -> None:
    """Push apart every two nodes closer than their radii and a gap, a little each round."""
    keys = sorted(pos)
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                (ax, ay), (bx, by) = pos[a], pos[b]
                need = radius.get(a, 30.0) + radius.get(b, 30.0) + GAP
                dx, dy = bx - ax, by - ay
                gap = math.hypot(dx, dy)
                if gap >= need:
                    continue
                if gap < 1e-6:
                    dx, dy, gap = 1.0, 0.0, 1.0
                push = (need - gap) / 2 + 0.5
                ux, uy = dx / gap, dy / gap
                pos[a][0] -= ux * push
                pos[a][1] -= uy * push
                pos[b][0] += ux * push
                pos[b][1] += uy * push
                moved = True
        if not moved:
            return
