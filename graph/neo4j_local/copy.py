"""``kg neo4j open``: the embedded graph copied into the local Neo4j server, for ad-hoc Cypher.

The embedded store stays the source; the local server's database becomes a copy of it. Small
graphs go through the batched writer of ``kg load`` (the server keeps running); from
:data:`BULK_ITEMS` nodes and relationships on, the offline bulk importer is faster (stop, import,
start: about 25 s of fixed cost, then it writes far more items a second than a transaction can).

A copy is recorded in ``copied-from.json`` in the server's home. Opening again skips the copy
when neither the embedded store nor the server's graph changed since; it replaces a graph this
command put there; and it refuses, in one line, to replace a graph that came from anywhere else
(a ``kg --backend neo4j load``, say) unless ``replace`` is given: nothing is lost silently.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel

from graph.config import Settings
from graph.neo4j_local.config import LocalNeo4jError
from graph.neo4j_local.server import LocalNeo4j
from graph.store import GraphBatch, Stats
from graph.store.embedded import EmbeddedStore
from graph.store.neo4j import Neo4jStore

#: Nodes plus relationships from which the bulk importer beats the batched writer (docs/neo4j.md).
BULK_ITEMS = 100_000
#: Items one batch of the writer carries.
BATCH_ITEMS = 20_000
RECORD = "copied-from.json"


class CopyReport(BaseModel):
    """What ``open`` did: ``method`` is "writer", "bulk importer" or "none" (already a copy)."""

    method: str
    nodes: int
    relationships: int
    seconds: float
    uri: str
    browser: str


class _Record(BaseModel):
    store: str
    generation: int  # the store's write count when copied
    stats: Stats


def _batches(store: EmbeddedStore) -> Iterator[GraphBatch]:
    nodes, rels = store.nodes(), store.relationships()
    for i in range(0, len(nodes), BATCH_ITEMS):
        yield GraphBatch(nodes=nodes[i : i + BATCH_ITEMS])
    for i in range(0, len(rels), BATCH_ITEMS):
        yield GraphBatch(relationships=rels[i : i + BATCH_ITEMS])


def open_in_local_neo4j(store_dir: Path, server: LocalNeo4j, *, replace: bool = False, via: str = "auto",
                        say: Callable[[str], None] = print) -> CopyReport:
    """Make the local server's database a copy of the embedded graph at ``store_dir`` (starting
    the server if needed) and return what was done. ``via`` is "writer", "importer" or "auto" (by
    size, :data:`BULK_ITEMS`). One-line :class:`LocalNeo4jError` otherwise."""
    started = time.monotonic()
    embedded = EmbeddedStore(store_dir)
    if not embedded.exists():
        raise LocalNeo4jError(f"no graph at {store_dir}; run 'kg load FILE...' first (or pass --store DIR)")
    settings = server.settings(create_env=True)
    settings.check_for_local_server()
    stats, generation = embedded.stats(), embedded.generation()
    items = sum(stats.nodes.values()) + sum(stats.relationships.values())
    record_path = server.layout.home / RECORD
    record = _read_record(record_path)
    bulk = via == "importer" or (via == "auto" and items >= BULK_ITEMS)
    server.up()  # says so when it already runs; what its database holds decides what follows
    held = _stats_of(server)
    ours = record is not None and held == record.stats
    report = {"nodes": sum(stats.nodes.values()), "relationships": sum(stats.relationships.values()),
              "uri": settings.local_uri, "browser": f"{settings.http_url}/browser/"}
    if ours and record is not None and record.store == str(store_dir.resolve()) and record.generation == embedded.generation():
        say(f"the local Neo4j already holds the graph of {store_dir} ({report['nodes']:,} nodes, {report['relationships']:,} relationships)")
        return CopyReport(method="none", seconds=time.monotonic() - started, **report)
    if (held.nodes or held.relationships) and not ours and not replace:
        raise LocalNeo4jError(f"the local Neo4j holds another graph ({sum(held.nodes.values()):,} nodes) that `kg neo4j open` "
                              "did not put there; add --replace to replace it with the embedded graph")
    record_path.unlink(missing_ok=True)  # from here until the copy is done, the server's graph is no copy
    if bulk:
        say(f"copying {items:,} nodes and relationships with the bulk importer (the server restarts) ...")
        _bulk_copy(embedded, server, settings.database, say)
    else:
        say(f"copying {items:,} nodes and relationships with the batched writer ...")
        with connect_local(server) as neo:
            neo.clear()
            neo.merge_all(_batches(embedded))
    # connecting made the schema and, on an imported database, the claim lists the importer cannot write
    copied = _Record(store=str(store_dir.resolve()), generation=generation, stats=_stats_of(server))
    record_path.write_text(copied.model_dump_json())
    return CopyReport(method="bulk importer" if bulk else "writer", seconds=time.monotonic() - started, **report)


def _read_record(path: Path) -> _Record | None:
    """The last copy's record; one that cannot be read counts as none (the server's graph is then
    replaced only with ``replace``, as one of unknown origin)."""
    try:
        return _Record.model_validate_json(path.read_text())
    except (OSError, ValueError):
        return None


def _bulk_copy(embedded: EmbeddedStore, server: LocalNeo4j, database: str, say: Callable[[str], None]) -> None:
    from graph.neo4j_local.admin_import import run_local_import, write_admin_import

    staging = Path(tempfile.mkdtemp(prefix="kg-open-", dir=server.layout.home))
    try:
        export = write_admin_import(embedded.nodes(), embedded.relationships(), staging / "import", protect=[embedded.directory])
        server.down()
        say(run_local_import(server.layout, export, database))
        server.up()
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def connect_local(server: LocalNeo4j) -> Neo4jStore:
    """The local server as a store (schema made)."""
    local = server.settings()
    settings = Settings(backend="neo4j", neo4j_uri=local.local_uri, neo4j_username=local.username,
                        neo4j_password=local.password, neo4j_database=local.database)
    return Neo4jStore.connect(settings)


def _stats_of(server: LocalNeo4j) -> Stats:
    with connect_local(server) as neo:
        return neo.stats()
