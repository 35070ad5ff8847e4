"""Every canned query timed through the Python API, with parameters picked from the graph itself."""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.export_graph import ExportGraph
from benchmarks.kg_cli import Kg
from benchmarks.measure import percentiles
from graph.api import KnowledgeGraph


def list_queries(kg: Kg) -> list[dict[str, Any]]:
    """The canned queries and their parameters, as ``kg queries --format json`` lists them."""
    out = subprocess.run(kg.argv("queries", "--format", "json"), capture_output=True, text=True, env=dict(kg.env), check=True)
    return json.loads(out.stdout)


def _most(graph: ExportGraph, rel_type: str, label: str | None = None) -> str:
    counts = Counter(r.end for r in graph.rels if r.type == rel_type and (label is None or graph.nodes[r.end].label == label))
    return str(graph.nodes[counts.most_common(1)[0][0]].props.get("name"))


def pick_parameters(queries: list[dict[str, Any]], graph: ExportGraph) -> dict[str, dict[str, Any]]:
    """Parameters for each query: the most compared system, the most targeted hardware, the most
    used technique, the title of the paper with most comparisons; examples for the rest."""
    system = _most(graph, "COMPARES_TO")
    hardware = _most(graph, "TARGETS")
    technique = _most(graph, "USES") if any(r.type == "USES" for r in graph.rels) else system
    busiest = Counter(r.start for r in graph.rels if r.type == "COMPARES_TO").most_common(1)[0][0]
    title = str(graph.nodes[busiest].props.get("title"))
    by_type = {"entity": system, "hardware": hardware, "paper": title, "words": technique}
    picked: dict[str, dict[str, Any]] = {}
    for q in queries:
        params: dict[str, Any] = {}
        for p in q["parameters"]:
            if p["type"] in by_type:
                params[p["name"]] = technique if q["name"] == "papers-using" else by_type[p["type"]]
            elif p["required"]:
                params[p["name"]] = p["example"]
        picked[q["name"]] = params
    return picked


#: Seconds of timed runs a query gets at most (beyond its first, untimed run); a slow query gets
#: fewer runs than asked, never fewer than two.
QUERY_BUDGET_S = 5.0


def time_queries(api: KnowledgeGraph, picked: dict[str, dict[str, Any]], runs: int,
                 budget_s: float = QUERY_BUDGET_S) -> dict[str, dict[str, float]]:
    """p50/p95 ms (and row count) of each query; a query slower than ``budget_s`` in all gets fewer runs."""
    results: dict[str, dict[str, float]] = {}
    for name, params in picked.items():
        t0 = time.perf_counter()
        rows = api.query(name, **params)
        first = time.perf_counter() - t0
        n = max(2, min(runs, int(budget_s / max(first, 1e-6))))
        p50, p95 = percentiles(lambda: api.query(name, **params), n, warmup=0)
        results[name] = {"p50_ms": p50, "p95_ms": p95, "runs": n, "rows": len(rows)}
    return results


def open_embedded(store: Path) -> tuple[KnowledgeGraph, float]:
    """The embedded store opened through the API, and the seconds opening took."""
    from graph.config import Settings

    t0 = time.perf_counter()
    api = KnowledgeGraph.open(Settings(store=store))
    api.stats()  # a store that opens lazily pays its first read here
    return api, time.perf_counter() - t0
