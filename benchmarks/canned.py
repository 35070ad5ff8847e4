"""Every canned query timed through the Python API, with parameters picked from the graph itself."""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.export_graph import ExportGraph
from benchmarks.kg_cli import Kg
from benchmarks.measure import p50_p95, timings
from graph.api import KnowledgeGraph
from graph.serve.app import ServeSettings
from graph.serve.pool import warm_up


def list_queries(kg: Kg) -> list[dict[str, Any]]:
    """The canned queries and their parameters, as ``kg queries --format json`` lists them."""
    out = subprocess.run(kg.argv("queries", "--format", "json"), capture_output=True, text=True, env=dict(kg.env), check=True)
    return json.loads(out.stdout)


def _most(graph: ExportGraph, rel_type: str, label: str | None = None) -> str:
    counts = Counter(r.end for r in graph.rels if r.type == rel_type and (label is None or graph.nodes[r.end].label == label))
    return str(graph.nodes[counts.most_common(1)[0][0]].props.get("name"))


def hub(graph: ExportGraph) -> str:
    """The most compared system: the entity whose pages and pictures are the largest."""
    return _most(graph, "COMPARES_TO")


def pick_parameters(queries: list[dict[str, Any]], graph: ExportGraph) -> dict[str, dict[str, Any]]:
    """Parameters for each query: the most compared system, the most targeted hardware, the most
    used technique, the title of the paper with most comparisons; examples for the rest."""
    system = hub(graph)
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


#: Seconds of runs a query gets at most (its first included); a slow query gets fewer runs than
#: asked, never fewer than two.
QUERY_BUDGET_S = 5.0


def time_queries(api: KnowledgeGraph, backend: str, picked: dict[str, dict[str, Any]], runs: int,
                 budget_s: float = QUERY_BUDGET_S) -> tuple[dict[str, dict[str, float]], float]:
    """Each query's first run, p50/p95 ms over all its runs (the first included) and row count, after
    what ``kg serve`` does as it starts (:func:`graph.serve.pool.warm_up`, on as many threads as it
    has); and the seconds that warm-up took. A query slower than ``budget_s`` in all gets fewer runs."""
    with ThreadPoolExecutor(ServeSettings().workers) as executor:
        _, warm_up_s = warm_up(api, backend, executor)
    results: dict[str, dict[str, float]] = {}
    for name, params in picked.items():
        t0 = time.perf_counter()
        rows = api.query(name, **params)
        first_ms = (time.perf_counter() - t0) * 1000
        n = max(2, min(runs, int(budget_s * 1000 / max(first_ms, 1e-3))))
        p50, p95 = p50_p95([first_ms, *timings(lambda: api.query(name, **params), n - 1)])
        results[name] = {"first_ms": first_ms, "p50_ms": p50, "p95_ms": p95, "runs": n, "rows": len(rows)}
    return results, warm_up_s


def open_embedded(store: Path) -> tuple[KnowledgeGraph, float]:
    """The embedded store opened through the API, and the seconds opening took."""
    from graph.config import Settings

    t0 = time.perf_counter()
    api = KnowledgeGraph.open(Settings(store=store))
    api.stats()  # a store that opens lazily pays its first read here
    return api, time.perf_counter() - t0
