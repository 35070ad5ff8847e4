"""Writing one exported graph to Neo4j two other ways, for comparison with ``kg --backend neo4j load``:
neo4j-graphrag's ``Neo4jWriter``, and a naive loader (one MERGE per node and relationship, one
transaction per paper)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import neo4j

from benchmarks.export_graph import ExNode, ExportGraph, ExRel


@dataclass(frozen=True)
class WriteRun:
    papers: int
    relationships: int
    seconds: float

    @property
    def papers_per_s(self) -> float:
        return self.papers / self.seconds

    @property
    def rels_per_s(self) -> float:
        return self.relationships / self.seconds


def clear(driver: neo4j.Driver, database: str) -> None:
    """Delete every node and relationship, in bounded transactions (the schema stays)."""
    # relationships first: DETACH DELETE of a hub (GPU, with a relationship from most papers) in
    # one of the node batches would hold all of its relationships in one transaction's memory
    with driver.session(database=database) as session:
        try:
            session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
            session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        except neo4j.exceptions.CypherSyntaxError:  # before Neo4j 5.23: no variable scope clause
            session.run("MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
            session.run("MATCH (n) CALL { WITH n DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def counts(driver: neo4j.Driver, database: str) -> tuple[int, int]:
    """``(nodes, relationships)`` in the database."""
    nodes, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=database)
    rels, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=database)
    return nodes[0]["c"], rels[0]["c"]


def graphrag_write(driver: neo4j.Driver, database: str, graph: ExportGraph) -> WriteRun:
    """Our graph as neo4j-graphrag ``Neo4jNode``/``Neo4jRelationship`` objects, written by its ``Neo4jWriter``
    (building the objects is not timed)."""
    try:
        from neo4j_graphrag.components.kg_writer import Neo4jWriter
        from neo4j_graphrag.components.types import Neo4jGraph, Neo4jNode, Neo4jRelationship
    except ImportError:  # before neo4j-graphrag 1.20 these lived under .experimental
        from neo4j_graphrag.experimental.components.kg_writer import Neo4jWriter  # type: ignore[no-redef]
        from neo4j_graphrag.experimental.components.types import (  # type: ignore[no-redef]
            Neo4jGraph, Neo4jNode, Neo4jRelationship)

    nodes = [Neo4jNode(id=n.key, label=n.label, properties=n.props) for n in graph.nodes.values()]
    rels = [Neo4jRelationship(start_node_id=r.start, end_node_id=r.end, type=r.type, properties=r.props) for r in graph.rels]
    payload = Neo4jGraph(nodes=nodes, relationships=rels)
    writer = Neo4jWriter(driver, neo4j_database=database)
    t0 = time.perf_counter()
    result = asyncio.run(writer.run(payload))
    seconds = time.perf_counter() - t0
    if result.status != "SUCCESS":
        raise RuntimeError(f"Neo4jWriter: {str(result.metadata.get('error', 'failed')).splitlines()[0]}")
    return WriteRun(len(graph.papers()), len(graph.rels), seconds)


def kg_store_write(settings: Any, graph: ExportGraph, papers: int) -> WriteRun:
    """The project's own Neo4j store writing the exported graph (``GraphStore.merge``), with the
    store's derived lookup properties computed beforehand and untimed: the same graph, and the same
    work, as the other two writers."""
    from graph.api import open_store
    from graph.lookup import derive
    from graph.model import Label, Node, Relationship, RelType
    from graph.store import GraphBatch

    batch = GraphBatch.model_construct(
        nodes=[Node(key=n.key, label=Label(n.label), properties=derive(n.label, n.props)) for n in graph.nodes.values()],
        relationships=[Relationship(type=RelType(r.type), start=r.start, end=r.end, properties=r.props) for r in graph.rels],
        derived=True,
    )
    store = open_store(settings)
    try:
        t0 = time.perf_counter()
        summary = store.merge(batch)
        seconds = time.perf_counter() - t0
    finally:
        store.close()
    rels = summary.relationships_created + summary.relationships_updated
    return WriteRun(papers, rels, seconds)


def _merge_node(tx: neo4j.ManagedTransaction, node: ExNode) -> None:
    tx.run(f"MERGE (n:`{node.label}` {{key: $key}}) SET n += $props", key=node.key, props=node.props).consume()


def _merge_rel(tx: neo4j.ManagedTransaction, rel: ExRel, labels: dict[str, str]) -> None:
    tx.run(f"MATCH (a:`{labels[rel.start]}` {{key: $start}}) MATCH (b:`{labels[rel.end]}` {{key: $end}}) "
           f"MERGE (a)-[r:`{rel.type}`]->(b) SET r += $props",
           start=rel.start, end=rel.end, props=rel.props).consume()


def naive_write(driver: neo4j.Driver, database: str, graph: ExportGraph, max_papers: int) -> WriteRun:
    """At most ``max_papers`` papers, each in its own ``execute_write``: a MERGE per node and per
    relationship, one round trip each; then the entity-to-entity relationships in one more."""
    labels = {k: n.label for k, n in graph.nodes.items()}
    groups, rest = graph.per_paper()
    groups = groups[:max_papers]
    reached = {r.start for _, rels in groups for r in rels} | {r.end for _, rels in groups for r in rels}
    rest = [r for r in rest if r.start in reached and r.end in reached]

    def paper(tx: neo4j.ManagedTransaction, nodes: list[ExNode], rels: list[ExRel]) -> None:
        for node in nodes:
            _merge_node(tx, node)
        for rel in rels:
            _merge_rel(tx, rel, labels)

    t0 = time.perf_counter()
    with driver.session(database=database) as session:
        for nodes, rels in groups:
            session.execute_write(paper, nodes, rels)
        session.execute_write(paper, [], rest)
    seconds = time.perf_counter() - t0
    return WriteRun(len(groups), sum(len(r) for _, r in groups) + len(rest), seconds)
