"""Per-size measurements on Neo4j: ``kg --backend neo4j load``, every canned query, and the same
graph written by neo4j-graphrag's ``Neo4jWriter`` and by a naive one-transaction-per-paper loader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import neo4j

from benchmarks.canned import time_queries
from benchmarks.export_graph import ExportGraph, read_export
from benchmarks.kg_cli import BenchError, Kg
from benchmarks.neo4j_server import Neo4jTarget
from benchmarks.neo4j_writers import WriteRun, clear, counts, graphrag_write, kg_store_write, naive_write
from benchmarks.serve_load import LoadPlan, Served
from graph.api import KnowledgeGraph, open_store
from graph.config import Settings


def _driver(target: Neo4jTarget) -> neo4j.Driver:
    """A driver that does not log the server's notifications (deprecations in third-party queries)."""
    return neo4j.GraphDatabase.driver(target.uri, auth=(target.username, target.password), notifications_min_severity="OFF")


def server_version(target: Neo4jTarget) -> str:
    with _driver(target) as driver:
        records, _, _ = driver.execute_query("CALL dbms.components() YIELD versions, edition RETURN versions[0] AS v, edition AS e")
        return f"{records[0]['v']} {records[0]['e']}"


#: Above this many relationships, a server the runner owns is emptied by starting it afresh
#: (about 12 s), not by deleting with Cypher (about 40 s at 100,000 papers, under a second at 2,000).
RESTART_ABOVE = 200_000


#: Papers a writer writes (untimed, then deleted) on a server just started afresh, so that it is
#: timed on a warm server as it is after a Cypher clear (a cold one took twice as long at 10k).
WARM_UP_PAPERS = 2000


def _empty(target: Neo4jTarget, settings: Settings) -> bool:
    """An empty database with the project's schema (constraints and indexes), which all three
    writers then use; True when the server was started afresh for it."""
    with _driver(target) as driver:
        if target.restart_empty is None or counts(driver, target.database)[1] <= RESTART_ABOVE:
            clear(driver, target.database)
            return False
    target.restart_empty()
    open_store(settings).close()  # opening the store creates the schema
    return True


def measure_neo4j(kg: Kg, target: Neo4jTarget, corpus: Path, export: Path, size: int, picked: dict[str, dict[str, Any]],
                  query_runs: int, naive_papers: int, notes: list[str], hub: str, serve: LoadPlan | None = None) -> dict[str, Any]:
    """After ``kg --backend neo4j load``: `kg serve` loaded first (its start plans every canned query
    on the freshly loaded server and keeps the whole-graph answers), then the canned queries through
    the API after the same warm-up, then the three writers."""
    r: dict[str, Any] = {}
    graph = read_export(export)
    kept = export.parent / "neo4j-answers"  # the whole-graph answers kept by kg serve and the API, beside the size's other files
    settings = Settings(backend="neo4j", neo4j_uri=target.uri, neo4j_username=target.username,
                        neo4j_password=target.password, neo4j_database=target.database, store=kept)
    db = target.database
    _empty(target, settings)
    try:
        load = kg.load(None, [corpus], backend="neo4j")
    except BenchError as exc:
        notes.append(f"{size:,} papers: `kg --backend neo4j load` failed, Neo4j queries not measured: {exc}")
    else:
        with _driver(target) as driver:
            _, rels = counts(driver, db)
        r.update(neo4j_load_s=load.seconds, neo4j_load_pps=size / load.seconds, neo4j_load_rps=rels / load.seconds,
                 neo4j_load_peak_mib=load.peak_mib, neo4j_relationships=rels)
        if serve:
            r["serve"] = {"neo4j": serve.run(Served("neo4j", kept, target.env(), f"{size:,} papers"), hub, picked)}
        api = KnowledgeGraph.open(settings)
        try:
            timings, r["neo4j_warm_up_s"] = time_queries(api, "neo4j", picked, query_runs)
        finally:
            api.close()
        r["queries"] = {"neo4j": timings}
        r["neo4j_query_p95_max_ms"] = max(t["p95_ms"] for t in timings.values())
        r["neo4j_query_first_max_ms"] = max(t["first_ms"] for t in timings.values())
    writers: dict[str, Callable[[neo4j.Driver, ExportGraph, int], WriteRun]] = {
        "kg_write": lambda _driver_, g, papers: kg_store_write(settings, g, papers),
        "graphrag": lambda driver, g, _papers_: graphrag_write(driver, db, g),
        "naive": lambda driver, g, papers: naive_write(driver, db, g, min(naive_papers, papers)),
    }
    warm_up = graph.first_papers(WARM_UP_PAPERS)
    for name, write in writers.items():
        restarted = _empty(target, settings)
        try:
            with _driver(target) as driver:
                if restarted:
                    write(driver, warm_up, min(WARM_UP_PAPERS, naive_papers // 4) if name == "naive" else WARM_UP_PAPERS)
                    clear(driver, db)
                run = write(driver, graph, size)
        except Exception as exc:  # a comparison that fails is a note, not the end of the run
            notes.append(f"{size:,} papers: {name} writer failed: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}")
            continue
        r.update({f"{name}_s": run.seconds, f"{name}_pps": run.papers_per_s, f"{name}_rps": run.rels_per_s})
        if name == "naive":
            r["naive_papers"] = run.papers
    _empty(target, settings)
    return r
