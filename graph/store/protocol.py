"""What every backend offers (:class:`GraphStore`), the models at its boundary, and how a batch
folds into what a store holds (:func:`plan_merge`). The backends: :mod:`graph.store.embedded`
(SQLite, the default) and :mod:`graph.store.neo4j`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from pydantic import BaseModel, Field, computed_field

from graph.lookup import derive
from graph.model import Node, Relationship, RelType
from graph.store.merge import merge_properties, with_claim_lists
from graph.store.unload import UnloadSummary


class StoreError(RuntimeError):
    """A store that cannot be opened, read or written; the message is one line for the user."""


class StoreUnavailable(StoreError):
    """The backend cannot be reached or refuses the credentials (the CLI exits 2)."""


class GraphBatch(BaseModel):
    nodes: list[Node] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)
    #: Every node's properties already hold their derived lookup values (the batch came out of
    #: :func:`plan_merge`), so merging a new node need not compute them again.
    derived: bool = False


class MergeSummary(BaseModel):
    nodes_created: int = 0
    nodes_updated: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0

    @property
    def changed(self) -> bool:
        return any((self.nodes_created, self.nodes_updated, self.relationships_created, self.relationships_updated))


class LoadCounts:
    """Created and updated items over a load written in several batches: an item one batch
    creates and a later one extends is one created item, and an item is updated once."""

    def __init__(self) -> None:
        self._created: set[int] = set()  # hashes of the keys this load created
        self._updated: set[int] = set()
        self.summary = MergeSummary()

    def count(self, kind: str, key: object, existed: bool) -> None:
        """``kind`` is "nodes" or "relationships"."""
        h = hash((kind, key))
        if not existed:
            self._created.add(h)
            setattr(self.summary, f"{kind}_created", getattr(self.summary, f"{kind}_created") + 1)
        elif h not in self._created and h not in self._updated:
            self._updated.add(h)
            setattr(self.summary, f"{kind}_updated", getattr(self.summary, f"{kind}_updated") + 1)


class Stats(BaseModel):
    """Nodes by label, relationships by type, and how many of the papers are catalogue stubs: the
    origin papers the catalogue names for its systems (:mod:`loaders.origins`), in the graph
    because a loaded paper names the system, not because any source listed them.

    >>> Stats(nodes={"Paper": 10}, relationships={}, paper_stubs=3).papers_loaded
    7
    """

    nodes: dict[str, int]
    relationships: dict[str, int]
    paper_stubs: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def papers_loaded(self) -> int:
        """Papers some loaded source lists (the rest of ``nodes["Paper"]`` are stubs)."""
        return self.nodes.get("Paper", 0) - self.paper_stubs


def counted(rows: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes by label and relationships by type, from the rows of the graph-stats query.

    >>> counted([{"kind": "node", "name": "Paper", "count": 2}, {"kind": "relationship", "name": "USES", "count": 1}])
    ({'Paper': 2}, {'USES': 1})
    """
    nodes = {r["name"]: r["count"] for r in rows if r["kind"] == "node"}
    rels = {r["name"]: r["count"] for r in rows if r["kind"] == "relationship"}
    return dict(sorted(nodes.items())), dict(sorted(rels.items()))


class NodeRef(BaseModel):
    """A node found by name or title: enough to list it and to fetch it."""

    key: str
    label: str
    name: str


class Neighbourhood(BaseModel):
    """A node, its relationships and the nodes at their other ends; ``counts`` holds how many
    relationships it has of each direction and type ("in TARGETS") when they were read in part."""

    node: Node
    relationships: list[Relationship]
    others: dict[str, Node]
    counts: dict[str, int] = {}


class Neighbours(BaseModel):
    """The links of some nodes to their neighbours, as ``(start, type, end)`` keys (no properties),
    sorted; of a node with more neighbours than were asked for, those to its most connected."""

    links: list[tuple[str, str, str]]
    unread: dict[str, int] = {}  # node -> how many of its neighbours were left unread


class GraphStore(Protocol):
    """What every backend offers; the CLI, the Python helpers and the tests use only this."""

    def resolve(self, name: str) -> list[NodeRef]:
        """Systems, hardware and techniques whose name or alias folds like ``name`` (:mod:`graph.lookup`)."""
        ...

    def papers_titled(self, part: str, limit: int) -> list[NodeRef]:
        """Papers whose folded title contains ``part`` folded, exact titles first."""
        ...

    def entity_names(self) -> list[str]: ...

    def paper_keys(self, titles: list[str]) -> dict[str, str]:
        """For each of ``titles``, the key of a stored paper whose title folds alike
        (:func:`graph.store.identity.paper_keys_in`); titles no stored paper has are left out."""
        ...

    def neighbourhood(self, key: str, label: str, per_group: int | None = None) -> Neighbourhood | None:
        """The node of ``key`` and ``label`` with its relationships: all of them, or at most
        ``per_group`` of each direction and type (the first by the other end's key) with ``counts``."""
        ...

    def comparisons(self, keys: list[str]) -> list[Relationship]:
        """The ``COMPARES_TO`` relationships that end at any of ``keys``, by key."""
        ...

    def count_claims(self, keys: list[str]) -> int:
        """How many claims the comparisons against ``keys`` state, as :func:`graph.claims.claim_rows`
        lists them (one for a comparison that states no number), counted without reading them."""
        ...

    def neighbours(self, keys: list[str], types: set[str] | None, labels: set[str] | None, limit: int) -> Neighbours:
        """The links of each of ``keys`` over relationships of ``types`` to neighbours of ``labels``
        (None: any), to at most ``limit`` neighbours each: the most connected (then by key) when it
        has more, the rest counted. Self-links are left out."""
        ...

    def degrees(self, keys: list[str]) -> dict[str, int]:
        """How many relationships each of ``keys`` has (counted, not read; a self-link counts twice)."""
        ...

    def nodes_keyed(self, keys: list[str]) -> list[Node]:
        """The nodes of ``keys`` that exist, by key."""
        ...

    def connections(self, types: set[str] | None, labels: set[str] | None) -> dict[str, int]:
        """Each node's number of relationships of ``types`` between nodes of ``labels`` (None: any),
        counted without reading them; nodes with none left out."""
        ...

    def relationships_among(self, keys: list[str]) -> list[Relationship]:
        """Every relationship whose two ends are both among ``keys``, by key."""
        ...

    def first_relationships(self, keys: list[str], limit: int) -> list[Relationship]:
        """Each of ``keys``'s first ``limit`` relationships in the order (type, start, end), the keys
        in order: what a picture's details panel lists beside the ones drawn."""
        ...

    def merge(self, batch: GraphBatch) -> MergeSummary: ...

    def merge_all(self, batches: Iterable[GraphBatch]) -> MergeSummary:
        """Merge ``batches`` in order, as one load: all of them or (on failure) none."""
        ...

    def nodes(self) -> list[Node]: ...

    def relationships(self) -> list[Relationship]: ...

    def stats(self) -> Stats: ...

    def run_query(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]: ...

    def unload(self, files: set[str]) -> UnloadSummary:
        """Take the sources named ``files`` (file names as in ``sources``) back out of the graph."""
        ...

    def clear(self) -> None: ...

    def close(self) -> None: ...


def plan_merge(
    batch: GraphBatch,
    existing_nodes: dict[str, dict[str, Any]],
    existing_rels: dict[tuple[str, str, str], dict[str, Any]],
) -> tuple[list[Node], list[Relationship], MergeSummary]:
    """The nodes and relationships to write, with merged properties, and what changes.

    Only items whose properties change are returned, so a repeated load writes nothing. Nodes get
    their derived lookup properties (:mod:`graph.lookup`) recomputed from the merged properties
    (kept as they are for a new node of a ``derived`` batch, whose properties hold them already).
    Every ``COMPARES_TO`` leaves with its claim lists, empty when no number was stated."""
    summary = MergeSummary()
    nodes: dict[str, Node] = {}
    for node in batch.nodes:
        key = node.key
        seen = key in nodes
        before = nodes[key].properties if seen else existing_nodes.get(key)
        if before is None:
            after = node.properties if batch.derived else derive(node.label.value, node.properties)
        else:
            merged = merge_properties(before, node.properties)
            after = before if merged == before else derive(node.label.value, merged)
        changed = after is not before and after != before
        if not seen and key not in existing_nodes:
            summary.nodes_created += 1
        elif changed and not seen:
            summary.nodes_updated += 1
        if changed:
            nodes[key] = node if after is node.properties else Node.model_construct(key=key, label=node.label, properties=after)
    rels: dict[tuple[str, str, str], Relationship] = {}
    for rel in batch.relationships:
        rkey = (rel.start, rel.type.value, rel.end)
        seen = rkey in rels
        before = rels[rkey].properties if seen else existing_rels.get(rkey)
        after = rel.properties if before is None else merge_properties(before, rel.properties)
        if rel.type is RelType.COMPARES_TO:
            after = with_claim_lists(after)
        changed = after != before
        if not seen and rkey not in existing_rels:
            summary.relationships_created += 1
        elif changed and not seen:
            summary.relationships_updated += 1
        if changed:
            rels[rkey] = rel if after is rel.properties else Relationship.model_construct(type=rel.type, start=rel.start, end=rel.end, properties=after)
    return list(nodes.values()), list(rels.values()), summary
