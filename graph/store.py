"""The store interface and the embedded store: a networkx graph persisted as one JSON file.

>>> import tempfile, pathlib
>>> from graph.model import Label, Node
>>> store = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "kg")
>>> store.merge(GraphBatch(nodes=[Node(key="hardware:a100", label=Label.HARDWARE, properties={"name": "A100"})])).nodes_created
1
>>> EmbeddedStore(store.directory).stats().nodes
{'Hardware': 1}
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, Protocol

import networkx as nx
from pydantic import BaseModel, Field

from graph.lock import LockTimeout, exclusive
from graph.lookup import derive, fold_name, visible
from graph.merge import merge_properties
from graph.model import ENTITY_LABELS, Label, Node, Paper, Relationship, RelType
from graph.unload import UnloadSummary, trim

STORE_FILE = "graph.json"
# 2: paper keys keep the letters of every script (1 kept a-z and 0-9 only; read and re-keyed).
FORMAT_VERSION = 2


class StoreError(RuntimeError):
    """A store that cannot be opened, read or written; the message is one line for the user."""


class StoreUnavailable(StoreError):
    """The backend cannot be reached or refuses the credentials (the CLI exits 2)."""


class GraphBatch(BaseModel):
    nodes: list[Node] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)


class MergeSummary(BaseModel):
    nodes_created: int = 0
    nodes_updated: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0

    @property
    def changed(self) -> bool:
        return any((self.nodes_created, self.nodes_updated, self.relationships_created, self.relationships_updated))


class Stats(BaseModel):
    nodes: dict[str, int]
    relationships: dict[str, int]


class NodeRef(BaseModel):
    """A node found by name or title: enough to list it and to fetch it."""

    key: str
    label: str
    name: str


class Neighbourhood(BaseModel):
    """A node, its relationships and the nodes at their other ends."""

    node: Node
    relationships: list[Relationship]
    others: dict[str, Node]


class GraphStore(Protocol):
    """What every backend offers; the CLI, the Python helpers and the tests use only this."""

    def resolve(self, name: str) -> list[NodeRef]:
        """Systems, hardware and techniques whose name or alias folds like ``name`` (:mod:`graph.lookup`)."""
        ...

    def papers_titled(self, part: str, limit: int) -> list[NodeRef]:
        """Papers whose folded title contains ``part`` folded, exact titles first."""
        ...

    def entity_names(self) -> list[str]: ...

    def neighbourhood(self, key: str, label: str) -> Neighbourhood | None: ...

    def merge(self, batch: GraphBatch) -> MergeSummary: ...

    def nodes(self) -> list[Node]: ...

    def relationships(self) -> list[Relationship]: ...

    def stats(self) -> Stats: ...

    def run_query(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]: ...

    def unload(self, files: set[str]) -> UnloadSummary:
        """Take the sources named ``files`` (file names as in ``sources``) back out of the graph."""
        ...

    def clear(self) -> None: ...

    def close(self) -> None: ...


def count_stats(nodes: list[Node], relationships: list[Relationship]) -> Stats:
    return Stats(
        nodes=dict(sorted(Counter(n.label.value for n in nodes).items())),
        relationships=dict(sorted(Counter(r.type.value for r in relationships).items())),
    )


def plan_merge(
    batch: GraphBatch,
    existing_nodes: dict[str, dict[str, Any]],
    existing_rels: dict[tuple[str, str, str], dict[str, Any]],
) -> tuple[list[Node], list[Relationship], MergeSummary]:
    """The nodes and relationships to write, with merged properties, and what changes.

    Only items whose properties change are returned, so a repeated load writes nothing. Nodes get
    their derived lookup properties (:mod:`graph.lookup`) recomputed from the merged properties."""
    summary = MergeSummary()
    nodes: dict[str, Node] = {}
    for node in batch.nodes:
        before = nodes[node.key].properties if node.key in nodes else existing_nodes.get(node.key)
        after = derive(node.label.value, merge_properties(before, node.properties))
        if node.key not in nodes and node.key not in existing_nodes:
            summary.nodes_created += 1
        elif after != before and node.key not in nodes:
            summary.nodes_updated += 1
        if after != before:
            nodes[node.key] = Node(key=node.key, label=node.label, properties=after)
    rels: dict[tuple[str, str, str], Relationship] = {}
    for rel in batch.relationships:
        before = rels[rel.key].properties if rel.key in rels else existing_rels.get(rel.key)
        after = merge_properties(before, rel.properties)
        if rel.key not in rels and rel.key not in existing_rels:
            summary.relationships_created += 1
        elif after != before and rel.key not in rels:
            summary.relationships_updated += 1
        if after != before:
            rels[rel.key] = Relationship(type=rel.type, start=rel.start, end=rel.end, properties=after)
    return list(nodes.values()), list(rels.values()), summary


class EmbeddedStore:
    """A networkx MultiDiGraph kept in ``DIR/graph.json``; every save replaces the file atomically.

    Writers hold the directory's lock (:mod:`graph.lock`) from reading the stored graph to
    replacing it, so concurrent loads queue instead of overwriting each other; readers never need
    it, as the file is only ever replaced whole."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / STORE_FILE
        self._graph: nx.MultiDiGraph | None = None

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """The lock, with the graph read afresh under it and what crashed writers left removed."""
        try:
            with exclusive(self.directory):
                self._remove_leftovers()
                self._graph = self._read()
                yield
        except LockTimeout as exc:
            raise StoreError(str(exc)) from None
        except OSError as exc:
            raise StoreError(f"cannot lock the store at {self.directory}: {exc.strerror or exc}") from None

    def _remove_leftovers(self) -> None:
        """Temp files of saves that never finished (the process was killed): only the lock's
        holder may remove them, as a live writer's temp file is always under the lock."""
        for tmp in self.directory.glob(".graph-*.tmp"):
            with suppress(OSError):
                tmp.unlink()

    @property
    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            self._graph = self._read()
        return self._graph

    def _read(self) -> nx.MultiDiGraph:
        g = nx.MultiDiGraph()
        if not self.path.exists():
            return g
        if any(self.directory.glob(".graph-*.tmp")):
            # taken at once or not at all: with no writer running, they were left by one that died
            with suppress(LockTimeout, OSError), exclusive(self.directory, timeout=0, on_wait=lambda d: None):
                self._remove_leftovers()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            if data.get("version") not in (1, FORMAT_VERSION):
                raise StoreError(f"{self.path}: store format {data.get('version')!r} is not {FORMAT_VERSION}")
            for n in data["nodes"]:
                props = n["properties"]
                if "search_head" not in props:  # a store written before the derived properties existed
                    props = derive(n["label"], props)
                g.add_node(n["key"], label=Label(n["label"]), properties=props)
            for r in data["relationships"]:
                g.add_edge(r["start"], r["end"], key=r["type"], properties=r["properties"])
            if data["version"] == 1:
                rekey_papers(g)
        except StoreError:
            raise
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.path}: not a readable store ({exc.__class__.__name__}: {exc})") from None
        return g

    def _write(self, g: nx.MultiDiGraph) -> None:
        nodes = ({"key": k, "label": Label(d["label"]).value, "properties": d["properties"]} for k, d in sorted(g.nodes(data=True)))
        rels = (
            {"type": t, "start": a, "end": b, "properties": d["properties"]}
            for a, b, t, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1]))
        )
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".graph-", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(f'{{"format":"mlsys-kg","version":{FORMAT_VERSION},"nodes":[')
                    _write_items(fh, nodes)
                    fh.write('],"relationships":[')
                    _write_items(fh, rels)
                    fh.write("]}")
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError as exc:
            raise StoreError(f"cannot write the store at {self.directory}: {exc.strerror or exc}") from None

    def merge(self, batch: GraphBatch) -> MergeSummary:
        with self._writing():
            return self._merge(batch)

    def _merge(self, batch: GraphBatch) -> MergeSummary:
        g = self.graph
        existing_nodes = {k: g.nodes[k]["properties"] for k in {n.key for n in batch.nodes} if k in g}
        existing_rels = {
            r.key: g.edges[r.start, r.end, r.type.value]["properties"]
            for r in batch.relationships
            if g.has_edge(r.start, r.end, r.type.value)
        }
        nodes, rels, summary = plan_merge(batch, existing_nodes, existing_rels)
        if not summary.changed and not nodes and not rels:
            return summary
        new = g.copy()
        for node in nodes:
            new.add_node(node.key, label=node.label, properties=node.properties)
        for rel in rels:
            if rel.start not in new or rel.end not in new:
                raise StoreError(f"relationship {rel.type.value} {rel.start} -> {rel.end} names a missing node")
            new.add_edge(rel.start, rel.end, key=rel.type.value, properties=rel.properties)
        new.graph.pop("_lookup", None)  # the name index of queries.embedded is rebuilt on demand
        self._write(new)
        self._graph = new
        return summary

    def unload(self, files: set[str]) -> UnloadSummary:
        """Take ``files`` back out (:mod:`graph.unload`), under the writer's lock."""
        with self._writing():
            new = self.graph.copy()
            summary = unload_graph(new, files)
            if summary.changed:
                new.graph.pop("_lookup", None)
                self._write(new)
                self._graph = new
            return summary

    def nodes(self) -> list[Node]:
        return _nodes_of(self.graph)

    def relationships(self) -> list[Relationship]:
        return _relationships_of(self.graph)

    def stats(self) -> Stats:
        return count_stats(self.nodes(), self.relationships())

    def run_query(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        from queries.embedded import run_embedded

        return run_embedded(self.graph, name, params)

    def _ref(self, key: str) -> NodeRef:
        data = self.graph.nodes[key]
        p = data["properties"]
        return NodeRef(key=key, label=Label(data["label"]).value, name=str(p.get("name") or p.get("title") or key))

    def resolve(self, name: str) -> list[NodeRef]:
        from queries.embedded import View

        return [self._ref(k) for k in View(self.graph).resolve(name)]

    def papers_titled(self, part: str, limit: int) -> list[NodeRef]:
        from queries.embedded import View

        wanted = fold_name(part)
        keys = View(self.graph).papers_titled(part)
        keys.sort(key=lambda k: (self.graph.nodes[k]["properties"].get("fold") != wanted, k))
        return [self._ref(k) for k in keys[:limit]]

    def entity_names(self) -> list[str]:
        return [str(d["properties"].get("name")) for _, d in self.graph.nodes(data=True) if Label(d["label"]) in ENTITY_LABELS]

    def neighbourhood(self, key: str, label: str) -> Neighbourhood | None:
        g = self.graph
        if key not in g or Label(g.nodes[key]["label"]).value != label:
            return None
        edges = [*g.out_edges(key, keys=True, data=True), *g.in_edges(key, keys=True, data=True)]
        rels = sorted(
            {(s, t, e): Relationship(type=RelType(t), start=s, end=e, properties=d["properties"]) for s, e, t, d in edges}.values(),
            key=lambda r: r.key,
        )
        others = {k: Node(key=k, label=g.nodes[k]["label"], properties=g.nodes[k]["properties"]) for r in rels for k in (r.start, r.end)}
        return Neighbourhood(node=others.pop(key, None) or Node(key=key, label=g.nodes[key]["label"], properties=g.nodes[key]["properties"]), relationships=rels, others=others)

    def clear(self) -> None:
        with self._writing():
            self._write(nx.MultiDiGraph())
        self._graph = None

    def close(self) -> None:
        self._graph = None


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _write_items(fh: IO[str], items: Iterator[dict[str, Any]], chunk: int = 2000) -> None:
    """A JSON array's items, comma-separated, encoded a chunk at a time by the C encoder
    (``json.dump`` to a file encodes in Python, several times slower) without one huge string."""
    first = True
    while batch := list(itertools.islice(items, chunk)):
        fh.write(("" if first else ",") + ",".join(map(_ENCODER.encode, batch)))
        first = False


def unload_graph(g: nx.MultiDiGraph, files: set[str]) -> UnloadSummary:
    """Remove from ``g`` what only ``files`` cited, in place."""
    summary = UnloadSummary(files=sorted(files))
    for u, v, k, d in list(g.edges(keys=True, data=True)):
        after = trim(d["properties"], files)
        if after is None:
            g.remove_edge(u, v, k)
            summary.relationships_removed += 1
        elif after is not d["properties"]:
            d["properties"] = after
            summary.items_updated += 1
    for key, d in list(g.nodes(data=True)):
        after = trim(d["properties"], files)
        if after is None:
            summary.relationships_removed += g.degree(key)
            g.remove_node(key)
            summary.papers_removed += 1
        elif after is not d["properties"]:
            d["properties"] = derive(Label(d["label"]).value, after)
            summary.items_updated += 1
    papers = {k for k, d in g.nodes(data=True) if Label(d["label"]) is Label.PAPER}
    stubs = {k for k in papers if not g.nodes[k]["properties"].get("sources")}  # catalogue origins (loaders.extract)
    reached = papers - stubs
    frontier = list(reached)
    while frontier:  # what the remaining papers reach, following relationships outwards
        for nxt in g.successors(frontier.pop()):
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    for key in [k for k in g.nodes if k not in reached and k not in stubs]:
        summary.relationships_removed += g.degree(key)
        g.remove_node(key)
        summary.nodes_removed += 1
    for key in [k for k in stubs if g.out_degree(k) == 0]:  # a stub goes with the last thing it proposes
        g.remove_node(key)
        summary.nodes_removed += 1
    return summary


def rekey_papers(g: nx.MultiDiGraph) -> dict[str, str]:
    """Give papers of a version-1 store the keys of today (``Paper.key_for`` of their title); a key
    another paper already has is left as it was. Returns old key -> new key."""
    taken = set(g.nodes)
    moves: dict[str, str] = {}
    for key, data in g.nodes(data=True):
        if Label(data["label"]) is Label.PAPER:
            new = Paper.key_for(str(data["properties"].get("title") or ""))
            if new != key and new not in taken:
                moves[key] = new
                taken.add(new)
    nx.relabel_nodes(g, moves, copy=False)
    return moves


def _nodes_of(g: nx.MultiDiGraph) -> list[Node]:
    return [
        Node(key=k, label=d["label"], properties=visible(d["properties"]))
        for k, d in sorted(g.nodes(data=True))
    ]


def _relationships_of(g: nx.MultiDiGraph) -> list[Relationship]:
    rels = [
        Relationship(type=RelType(t), start=s, end=e, properties=d["properties"])
        for s, e, t, d in g.edges(keys=True, data=True)
    ]
    return sorted(rels, key=lambda r: r.key)
