"""The part of a graph a picture reads (:mod:`graph.pictures.view`), and the same reads over nodes and
relationships held in memory.

A store answers these reads through its indexes (:meth:`graph.store.GraphStore.neighbours` and
the methods beside it), so a picture costs what it draws, not what the graph holds;
:class:`InMemory` answers them from lists, for a view of a graph already in hand.

>>> from graph.model import Label, Node, Relationship, RelType
>>> hub = Node(key="hardware:gpu", label=Label.HARDWARE, properties={"name": "GPU"})
>>> papers = [Node(key=f"paper:{i}", label=Label.PAPER, properties={"title": f"P{i}"}) for i in range(3)]
>>> on = [Relationship(type=RelType.TARGETS, start=p.key, end=hub.key, properties={}) for p in papers]
>>> part = InMemory([hub, *papers], on).neighbours(["hardware:gpu"], None, None, limit=2)
>>> len(part.links), part.unread
(2, {'hardware:gpu': 1})
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Protocol

from graph.model import Node, Relationship
from graph.store import Neighbours


class GraphPart(Protocol):
    """What a picture reads of a graph (every store offers it)."""

    def neighbours(self, keys: list[str], types: set[str] | None, labels: set[str] | None, limit: int) -> Neighbours: ...

    def degrees(self, keys: list[str]) -> dict[str, int]: ...

    def nodes_keyed(self, keys: list[str]) -> list[Node]: ...

    def connections(self, types: set[str] | None, labels: set[str] | None) -> dict[str, int]: ...

    def relationships_among(self, keys: list[str]) -> list[Relationship]: ...

    def first_relationships(self, keys: list[str], limit: int) -> list[Relationship]: ...


class InMemory:
    """:class:`GraphPart` over nodes and relationships in lists."""

    def __init__(self, nodes: Sequence[Node], relationships: Sequence[Relationship]) -> None:
        self.by_key = {n.key: n for n in nodes}
        self.relationships = relationships
        self.degree: Counter[str] = Counter()
        self.touching: dict[str, list[Relationship]] = defaultdict(list)
        for r in relationships:
            for k in (r.start, r.end):
                self.degree[k] += 1
                self.touching[k].append(r)

    def neighbours(self, keys: list[str], types: set[str] | None, labels: set[str] | None, limit: int) -> Neighbours:
        out = Neighbours(links=[])
        for key in dict.fromkeys(keys):
            links = {r.key for r in self.touching[key]
                     if (types is None or r.type.value in types) and r.start in self.by_key and r.end in self.by_key}
            others = {e if s == key else s for s, _, e in links} - {key}
            if labels is not None:
                others = {k for k in others if self.by_key[k].label.value in labels}
            if len(others) > limit:
                out.unread[key] = len(others) - limit
                others = set(sorted(others, key=lambda k: (-self.degree[k], k))[:limit])
            out.links.extend(link for link in links if (link[2] if link[0] == key else link[0]) in others)
        out.links = sorted(set(out.links))
        out.unread = dict(sorted(out.unread.items()))
        return out

    def degrees(self, keys: list[str]) -> dict[str, int]:
        return {k: self.degree[k] for k in keys if k in self.by_key}

    def nodes_keyed(self, keys: list[str]) -> list[Node]:
        return sorted((self.by_key[k] for k in set(keys) if k in self.by_key), key=lambda n: n.key)

    def connections(self, types: set[str] | None, labels: set[str] | None) -> dict[str, int]:
        def ok(key: str) -> bool:
            return key in self.by_key and (labels is None or self.by_key[key].label.value in labels)

        out: Counter[str] = Counter()
        for r in self.relationships:
            if (types is None or r.type.value in types) and ok(r.start) and ok(r.end):
                out[r.start] += 1
                out[r.end] += 1
        return dict(out)

    def relationships_among(self, keys: list[str]) -> list[Relationship]:
        wanted = set(keys)
        return sorted((r for r in self.relationships if r.start in wanted and r.end in wanted), key=lambda r: r.key)

    def first_relationships(self, keys: list[str], limit: int) -> list[Relationship]:
        return [r for k in sorted(set(keys)) for r in sorted(self.touching[k], key=lambda r: (r.type.value, r.start, r.end))[:limit]]


class PartReader:
    """Reads a picture's part ring by ring from a :class:`GraphPart`, keeping what it read: each
    node's neighbours (at most ``limit`` of them, the most connected first), how many it left
    unread, and the degree and properties of every node met."""

    def __init__(self, part: GraphPart, types: set[str] | None, labels: set[str] | None, limit: int) -> None:
        self.part, self.types, self.labels, self.limit = part, types, labels, limit
        self.adjacent: dict[str, set[str]] = {}
        self.unread: dict[str, int] = {}
        self.degree: Counter[str] = Counter()
        self.by_key: dict[str, Node] = {}

    def ring(self, keys: list[str]) -> dict[str, set[str]]:
        """The neighbours of ``keys`` (read once each), their neighbours' nodes and degrees known."""
        todo = [k for k in dict.fromkeys(keys) if k not in self.adjacent]
        if todo:
            found = self.part.neighbours(todo, self.types, self.labels, self.limit)
            asked = set(todo)
            for k in todo:
                self.adjacent[k] = set()
            for start, _, end in found.links:
                if start in asked:
                    self.adjacent[start].add(end)
                if end in asked:
                    self.adjacent[end].add(start)
            self.unread.update(found.unread)
            self.know([k for key in todo for k in self.adjacent[key]])
        return {k: self.adjacent[k] for k in keys}

    def know(self, keys: list[str], degrees: bool = True) -> None:
        """Read the nodes (and unless not ``degrees``, the degrees) of the ``keys`` not yet known."""
        new = [k for k in dict.fromkeys(keys) if k not in self.by_key]
        if new:
            self.by_key.update((n.key, n) for n in self.part.nodes_keyed(new))
        uncounted = [k for k in dict.fromkeys(keys) if k not in self.degree] if degrees else []
        if uncounted:
            self.degree.update(self.part.degrees(uncounted))
