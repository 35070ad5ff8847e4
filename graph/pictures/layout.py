"""Node positions for a picture, computed once in Python so the page opens already laid out.

A neighbourhood is a radial tree: the focus in the middle, each step out on a wider ring, every
node in the sector of the node it was reached from (sectors sized by what hangs below them), rings
wide enough that nodes do not touch and far enough apart that a relationship's caption fits
between its two circles. An overview is a force-directed layout (networkx's Fruchterman-Reingold,
seeded so the same graph gives the same picture), spread to the nodes' sizes. The nodes a picture
folds away (:mod:`graph.pictures.fold`) get places too, in a disc outside the picture beyond their "+N
more" node, so that they appear there when the page shows them.

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
          radius: dict[str, float] | None = None, room: dict[tuple[str, str], float] | None = None) -> dict[str, tuple[float, float]]:
    """Positions (pixels, y down) for ``keys``: radial around ``focus`` when given, else force-directed.
    ``room`` is the length an edge's caption needs between its two circles."""
    radius = radius or {}
    if not keys:
        return {}
    if focus is not None and focus in keys:
        return _radial(list(keys), edges, focus, radius, room or {})
    return _spring(list(keys), edges, radius, room or {})


def caption_width(text: str, font_px: float) -> float:
    """About how wide ``text`` is written in a sans-serif font of ``font_px`` pixels."""
    return 0.6 * font_px * len(text)


def _radial(keys: list[str], edges: Sequence[tuple[str, str]], focus: str, radius: dict[str, float],
            room: dict[tuple[str, str], float]) -> dict[str, tuple[float, float]]:
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
    pos = {focus: (0.0, 0.0)}
    for d in sorted(rings)[1:]:
        # The ring is long enough for its nodes side by side, and far enough out for each caption on
        # the relationship that reached it; then each node moves off its sector's middle as little
        # as keeps it clear of its neighbours.
        width = {k: 2 * radius.get(k, 30.0) + GAP for k in rings[d]}
        around = sum(width.values()) / (2 * math.pi)
        step = max(radius.get(k, 30.0) + radius.get(parent[k] or focus, 30.0) + GAP
                   + max(room.get((k, parent[k] or focus), 0.0), room.get((parent[k] or focus, k), 0.0)) for k in rings[d])
        ring_radius[d] = max(ring_radius[d - 1] + max(RING, step), around)
        ring = sorted(rings[d], key=lambda k: angle[k])
        spaced = _clear([angle[k] for k in ring], [width[k] / ring_radius[d] for k in ring])
        for k, a in zip(ring, spaced):
            pos[k] = (ring_radius[d] * math.cos(a), ring_radius[d] * math.sin(a))
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in pos.items()}


def _clear(angles: list[float], widths: list[float]) -> list[float]:
    """``angles`` (ascending, radians on one circle) moved as little as keeps neighbours at least the
    mean of their ``widths`` apart; the widths fit the circle together.

    >>> [round(a, 2) for a in _clear([0.0, 0.1, 0.2], [0.5, 0.5, 0.5])]
    [-0.4, 0.1, 0.6]
    """
    n = len(angles)
    if n < 2:
        return list(angles)
    gaps = [(angles[(i + 1) % n] - angles[i]) % (2 * math.pi) for i in range(n)]
    start = (max(range(n), key=lambda i: gaps[i]) + 1) % n  # cut the circle at its widest gap
    order = list(range(start, n)) + list(range(start))
    want = [angles[order[0]]]
    for i in order[1:]:  # unrolled, so that every angle follows the one before
        a = angles[i]
        while a < want[-1]:
            a += 2 * math.pi
        want.append(a)
    out = [want[0]]
    for j in range(1, n):
        need = (widths[order[j - 1]] + widths[order[j]]) / 2
        out.append(max(want[j], out[-1] + need))
    shift = (sum(want) - sum(out)) / n  # back to where the nodes wanted to be, on average
    moved = [a + shift for a in out]
    result = [0.0] * n
    for j, i in enumerate(order):
        result[i] = moved[j]
    return result


def _spring(keys: list[str], edges: Sequence[tuple[str, str]], radius: dict[str, float],
            room: dict[tuple[str, str], float]) -> dict[str, tuple[float, float]]:
    g = nx.Graph()
    g.add_nodes_from(keys)
    g.add_edges_from((a, b) for a, b in edges if a in g and b in g)
    n = len(keys)
    if n == 1:
        return {keys[0]: (0.0, 0.0)}
    raw = nx.spring_layout(g, k=1.6 / math.sqrt(n), iterations=300, seed=7)
    scale = SPREAD * math.sqrt(n)
    pos = {k: [float(x) * scale, float(y) * scale] for k, (x, y) in raw.items()}
    apart: dict[tuple[str, ...], float] = {}
    for pair, length in room.items():  # a caption on either relationship between two nodes
        apart[tuple(sorted(pair))] = max(length, apart.get(tuple(sorted(pair)), 0.0))
    _separate(pos, radius, apart)
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in pos.items()}


def _separate(pos: dict[str, list[float]], radius: dict[str, float], room: dict[tuple[str, ...], float],
              rounds: int = 200) -> None:
    """Push apart every two nodes closer than their radii and a gap (and, when linked, the room of
    their relationship's caption), a little each round."""
    keys = sorted(pos)
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                (ax, ay), (bx, by) = pos[a], pos[b]
                need = radius.get(a, 30.0) + radius.get(b, 30.0) + GAP + room.get((a, b), 0.0)
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


def fan(anchor: tuple[float, float], keys: Sequence[str], beyond: float, radius: dict[str, float] | None = None,
        origin: tuple[float, float] = (0.0, 0.0)) -> dict[str, tuple[float, float]]:
    """Places for ``keys`` in a disc (a sunflower spiral, first key in the middle) outside the circle of
    radius ``beyond`` around ``origin``, in the direction of ``anchor``: where folded nodes appear.

    >>> pos = fan((100.0, 0.0), ["a", "b", "c"], beyond=300.0)
    >>> all(x > 300 for x, _ in pos.values()), len(set(pos.values()))
    (True, 3)
    """
    radius = radius or {}
    if not keys:
        return {}
    step = max(2 * radius.get(k, 30.0) + GAP for k in keys) / 1.3  # neighbours in the spiral end up about a cell apart
    disc = step * math.sqrt(len(keys)) + step
    dx, dy = anchor[0] - origin[0], anchor[1] - origin[1]
    length = math.hypot(dx, dy)
    ux, uy = (dx / length, dy / length) if length else (1.0, 0.0)
    cx, cy = origin[0] + ux * (beyond + disc), origin[1] + uy * (beyond + disc)
    golden = math.pi * (3 - math.sqrt(5))
    return {k: (round(cx + step * math.sqrt(i) * math.cos(i * golden), 1), round(cy + step * math.sqrt(i) * math.sin(i * golden), 1))
            for i, k in enumerate(keys)}
