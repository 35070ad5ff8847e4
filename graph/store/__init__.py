"""Where the graph is kept: the store protocol and its two backends.

Owns: :class:`GraphStore` (what every backend offers) and the models at its boundary
(:mod:`graph.store.protocol`); the embedded SQLite store (:mod:`graph.store.embedded`) and the
Neo4j store (:mod:`graph.store.neo4j`, written through :mod:`graph.store.neo4j_write`); how a batch
folds into what is stored (:mod:`~graph.store.merge`), which node a paper is
(:mod:`~graph.store.identity`), one writer at a time (:mod:`~graph.store.lock`), taking sources
back out (:mod:`~graph.store.unload`), kept answers of whole-graph queries
(:mod:`~graph.store.answers`), and ad-hoc Cypher (:mod:`~graph.store.cypher`).

May import: :mod:`graph.model`, :mod:`graph.lookup`, :mod:`graph.config` and the canned queries
(:mod:`queries.catalog`, and :mod:`queries.embedded`, the embedded store's twins of the Cypher).
Never the loaders, the facade, the pictures or a face.

>>> from graph.store import GraphBatch, StoreError
>>> GraphBatch().nodes
[]
"""

from graph.store.protocol import (
    GraphBatch,
    GraphStore,
    LoadCounts,
    MergeSummary,
    Neighbourhood,
    Neighbours,
    NodeRef,
    Stats,
    StoreError,
    StoreUnavailable,
    counted,
    plan_merge,
)

__all__ = ["GraphBatch", "GraphStore", "LoadCounts", "MergeSummary", "Neighbourhood", "Neighbours", "NodeRef", "Stats",
           "StoreError", "StoreUnavailable", "counted", "plan_merge"]
