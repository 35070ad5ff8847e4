"""How a load is written to Neo4j: batch by batch, in write transactions of bounded size.

A transaction writes one piece of a batch (:func:`pieces`) and locks what it touches first:

1. the piece's nodes are MERGEd in key order: a new node is created with its final properties;
   a stored one is write-locked (``LOCK_PROPERTY``) and its properties are read back;
2. stored nodes that its relationships start from outside the piece are write-locked too: as
   every writer locks a relationship's start before reading whether it exists, two cannot both
   create it; the ends (hubs such as GPU or vLLM, named by most papers) are not locked, so loads
   of different papers do not queue on them and a transaction's locks do not grow with the graph;
3. only relationships between stored nodes are read: one that touches a node created in step 1
   cannot exist yet;
4. :func:`graph.store.plan_merge` folds the piece into what was read: changed stored nodes are
   written whole (which drops the lock), unchanged ones are cleared of it, new relationships are
   CREATEd and changed ones SET.

Holding the locks, two loads of the same paper queue instead of overwriting each other's lists,
and a relationship cannot be created twice. Labels and types in the Cypher text come only from
the ``Label`` / ``RelType`` enums; every value is a parameter.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j
import neo4j.time

from graph.lookup import LOCK_PROPERTY  # the final write of a node replaces all its properties, and unchanged ones are cleared of it
from graph.model import Label, Node, Relationship, RelType
from graph.store import GraphBatch, StoreError, plan_merge

#: The most nodes and relationships one transaction of a load writes (a bigger batch takes several).
TX_ITEMS = 15_000
#: Rows sent in one statement.
ROWS = 5_000

T = TypeVar("T")
RelKey = tuple[str, str, str]


@dataclass
class Written:
    """What one transaction created and changed, by key (the load adds them up)."""

    nodes_created: list[str] = field(default_factory=list)
    nodes_updated: list[str] = field(default_factory=list)
    rels_created: list[RelKey] = field(default_factory=list)
    rels_updated: list[RelKey] = field(default_factory=list)


def q(name: str) -> str:
    """A label or type from our enums, backquoted (they are plain identifiers; this is belt and braces)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"not an identifier: {name!r}")
    return f"`{name}`"


def chunks(items: list[T], size: int = ROWS) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def storable(props: dict[str, Any]) -> dict[str, Any]:
    """What Neo4j can hold: properties whose value is None are left out; a paper's ``published``
    ISO day is stored as a Neo4j ``date`` (so Cypher can compare and truncate it)."""
    out = {k: v for k, v in props.items() if v is not None}
    published = out.get("published")
    if isinstance(published, str) and _ISO_DAY.fullmatch(published):
        out["published"] = neo4j.time.Date.from_iso_format(published)
    return out


def readable(props: Any) -> dict[str, Any]:
    """Stored properties as the other backend holds them: a ``date`` as its ISO text."""
    return {k: v.iso_format() if isinstance(v, neo4j.time.Date) else v for k, v in dict(props).items()}


def pieces(batch: GraphBatch, size: int | None = None) -> list[GraphBatch]:
    """The transactions a batch is written in: itself when it holds at most ``size`` (``TX_ITEMS``)
    nodes and relationships, else runs of its nodes, each with the relationships whose ends are
    all in it or in the runs before (so every relationship is written after both its ends)."""
    size = size or TX_ITEMS
    if len(batch.nodes) + len(batch.relationships) <= size:
        return [batch]
    position: dict[str, int] = {}
    for i, node in enumerate(batch.nodes):
        position.setdefault(node.key, i)
    due: dict[int, list[Relationship]] = defaultdict(list)
    for rel in batch.relationships:
        due[max(position.get(rel.start, -1), position.get(rel.end, -1))].append(rel)
    out: list[GraphBatch] = []
    nodes: list[Node] = []
    rels: list[Relationship] = list(due.pop(-1, []))
    for i, node in enumerate(batch.nodes):
        nodes.append(node)
        rels.extend(due.pop(i, []))
        if len(nodes) + len(rels) >= size:
            out.append(GraphBatch.model_construct(nodes=nodes, relationships=rels, derived=batch.derived))
            nodes, rels = [], []
    if nodes or rels:
        out.append(GraphBatch.model_construct(nodes=nodes, relationships=rels, derived=batch.derived))
    return out


def write_piece(tx: neo4j.ManagedTransaction, batch: GraphBatch, known: dict[str, Label]) -> Written:
    """Merge one piece in one transaction (run again from the start if the driver retries it).

    ``known`` holds the labels of nodes this load has written or is writing. None-valued
    properties are dropped before merging, as Neo4j cannot hold them: otherwise every load would
    "add" them again."""
    nodes = [Node.model_construct(key=n.key, label=n.label, properties=storable(n.properties)) for n in batch.nodes]
    labels: dict[str, Label] = {}
    for node in nodes:
        labels.setdefault(node.key, node.label)
    fresh, _, _ = plan_merge(GraphBatch.model_construct(nodes=nodes, relationships=[], derived=batch.derived), {}, {})
    stored = _create_or_lock(tx, fresh)
    created = labels.keys() - stored.keys()
    changed, _, _ = plan_merge(GraphBatch.model_construct(nodes=[n for n in nodes if n.key in stored], relationships=[],
                                                          derived=batch.derived), stored, {})
    out = Written(nodes_created=sorted(created), nodes_updated=[n.key for n in changed])

    ends = {k for r in batch.relationships for k in (r.start, r.end)} - labels.keys()
    endpoint = {**_labels_of(tx, {k for k in ends if k not in known}), **{k: known[k] for k in ends if k in known}, **labels}
    starts = {r.start for r in batch.relationships} & ends
    locked = stored.keys() | _lock_stored(tx, {k: endpoint[k] for k in starts if k in endpoint})
    rels = [Relationship.model_construct(type=r.type, start=r.start, end=r.end, properties=storable(r.properties))
            for r in batch.relationships]
    for rel in rels:
        if rel.start not in endpoint or rel.end not in endpoint:
            raise StoreError(f"relationship {rel.type.value} {rel.start} -> {rel.end} names a missing node")
    existing = _read_rels(tx, [r for r in rels if r.start not in created and r.end not in created], endpoint)
    _, planned, _ = plan_merge(GraphBatch.model_construct(nodes=[], relationships=rels, derived=True), {}, existing)

    _set_nodes(tx, changed)
    _unlock(tx, sorted(locked - {n.key for n in changed}), endpoint)
    new = [r for r in planned if r.key not in existing]
    _write_rels(tx, new, endpoint, create=True)
    _write_rels(tx, [r for r in planned if r.key in existing], endpoint, create=False)
    out.rels_created = [r.key for r in new]
    out.rels_updated = [r.key for r in planned if r.key in existing]
    return out


def _by_label(nodes: Iterable[Node]) -> dict[Label, list[Node]]:
    out: dict[Label, list[Node]] = defaultdict(list)
    for node in nodes:
        out[node.label].append(node)
    return out


def _keys_by_label(keys: Iterable[str], labels: dict[str, Label]) -> dict[Label, list[str]]:
    out: dict[Label, list[str]] = defaultdict(list)
    for key in keys:
        out[labels[key]].append(key)
    return out


def _create_or_lock(tx: neo4j.ManagedTransaction, nodes: list[Node]) -> dict[str, dict[str, Any]]:
    """Create the nodes that are new, with their properties, and write-lock the stored ones; the
    stored properties of the latter. Keys are taken in one order (label, then key), so two loads
    seldom deadlock; when they do, the driver's managed retry runs the loser again."""
    out: dict[str, dict[str, Any]] = {}
    groups = _by_label(nodes)
    for label in Label:
        rows = [{"key": n.key, "props": {**n.properties, "key": n.key}} for n in sorted(groups.get(label, []), key=lambda n: n.key)]
        for chunk in chunks(rows):
            result = tx.run(
                f"UNWIND $rows AS row MERGE (n:{q(label.value)} {{key: row.key}}) "
                f"ON CREATE SET n = row.props ON MATCH SET n.{LOCK_PROPERTY} = true "
                f"WITH n, row WHERE n.{LOCK_PROPERTY} IS NOT NULL "
                f"RETURN row.key AS key, properties(n) AS props",
                rows=chunk,
            )
            for record in result:
                props = readable(record["props"])
                for name in ("key", LOCK_PROPERTY):
                    props.pop(name, None)
                out[record["key"]] = props
    return out


def _lock_stored(tx: neo4j.ManagedTransaction, labels: dict[str, Label]) -> set[str]:
    """Write-lock stored nodes (without creating any); the keys locked."""
    by_label = _keys_by_label(labels, labels)
    locked: set[str] = set()
    for label in Label:
        for chunk in chunks(sorted(by_label.get(label, []))):
            result = tx.run(f"UNWIND $keys AS k MATCH (n:{q(label.value)} {{key: k}}) SET n.{LOCK_PROPERTY} = true RETURN k", keys=chunk)
            locked.update(r["k"] for r in result)
    return locked


def _labels_of(tx: neo4j.ManagedTransaction, keys: Iterable[str]) -> dict[str, Label]:
    """The labels of stored nodes named by relationships but not by the load's nodes."""
    wanted = sorted(keys)
    out: dict[str, Label] = {}
    for label in Label if wanted else ():
        for chunk in chunks(wanted):
            result = tx.run(f"UNWIND $keys AS k MATCH (n:{q(label.value)} {{key: k}}) RETURN k AS key", keys=chunk)
            for record in result:
                out.setdefault(record["key"], label)
    return out


def _set_nodes(tx: neo4j.ManagedTransaction, nodes: list[Node]) -> None:
    for label, group in _by_label(nodes).items():
        rows = [{"key": n.key, "props": {**storable(n.properties), "key": n.key}} for n in group]
        for chunk in chunks(rows):
            tx.run(f"UNWIND $rows AS row MATCH (n:{q(label.value)} {{key: row.key}}) SET n = row.props", rows=chunk).consume()


def _unlock(tx: neo4j.ManagedTransaction, keys: list[str], labels: dict[str, Label]) -> None:
    for label, group in _keys_by_label(keys, labels).items():
        for chunk in chunks(group):
            tx.run(f"UNWIND $keys AS k MATCH (n:{q(label.value)} {{key: k}}) REMOVE n.{LOCK_PROPERTY}", keys=chunk).consume()


def _rel_groups(rels: Iterable[Relationship], labels: dict[str, Label]) -> dict[tuple[RelType, Label, Label], list[Relationship]]:
    out: dict[tuple[RelType, Label, Label], list[Relationship]] = defaultdict(list)
    for rel in rels:
        out[(rel.type, labels[rel.start], labels[rel.end])].append(rel)
    return out


def _read_rels(tx: neo4j.ManagedTransaction, rels: list[Relationship], labels: dict[str, Label]) -> dict[RelKey, dict[str, Any]]:
    unique = list({r.key: r for r in rels}.values())
    out: dict[RelKey, dict[str, Any]] = {}
    for (rtype, start, end), group in _rel_groups(unique, labels).items():
        for chunk in chunks([{"start": r.start, "end": r.end} for r in group]):
            result = tx.run(
                f"UNWIND $rows AS row MATCH (a:{q(start.value)} {{key: row.start}})-[r:{q(rtype.value)}]->"
                f"(b:{q(end.value)} {{key: row.end}}) RETURN row.start AS start, row.end AS end, properties(r) AS props",
                rows=chunk,
            )
            for record in result:
                out[(record["start"], rtype.value, record["end"])] = readable(record["props"])
    return out


def _write_rels(tx: neo4j.ManagedTransaction, rels: list[Relationship], labels: dict[str, Label], *, create: bool) -> None:
    for (rtype, start, end), group in sorted(_rel_groups(rels, labels).items(), key=lambda kv: [x.value for x in kv[0]]):
        a, b, t = q(start.value), q(end.value), q(rtype.value)
        statement = (
            f"UNWIND $rows AS row MATCH (a:{a} {{key: row.start}}) MATCH (b:{b} {{key: row.end}}) CREATE (a)-[r:{t}]->(b) "
            if create
            else f"UNWIND $rows AS row MATCH (a:{a} {{key: row.start}})-[r:{t}]->(b:{b} {{key: row.end}}) "
        ) + "SET r = row.props RETURN count(r) AS n"
        # new relationships hold the batch's properties, made storable above; an updated one is
        # merged with what was read back, in the other backend's form
        rows = [{"start": r.start, "end": r.end, "props": r.properties if create else storable(r.properties)} for r in group]
        for chunk in chunks(rows):
            written = tx.run(statement, rows=chunk).single(strict=True)["n"]
            if written != len(chunk):  # an endpoint vanished under us: fail, rolling everything back
                raise StoreError(f"{len(chunk) - written} {rtype.value} relationship(s) name a missing node")
