"""Measurements of the embedded store: extraction, ``kg load`` (and ``--jobs 1`` against ``--jobs N``), an
incremental load, ``kg query`` as a user runs it, and every canned query through the API."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path
from typing import Any

from benchmarks.canned import hub, open_embedded, pick_parameters, time_queries
from benchmarks.export_graph import read_export
from benchmarks.extraction import extraction_rate
from benchmarks.kg_cli import Kg
from benchmarks.serve_load import LoadPlan, Served


def _dir_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    return path


def jobs_comparison(kg: Kg, corpus: Path, work: Path, jobs: int, size: int) -> dict[str, Any]:
    """``kg load --jobs 1`` against ``--jobs N`` into fresh stores, and whether their exports match."""
    one = kg.load(_fresh(work / "jobs1"), [corpus], jobs=1)
    many = kg.load(_fresh(work / "jobsN"), [corpus], jobs=jobs)
    same = filecmp.cmp(kg.export(work / "jobs1", work / "jobs1.jsonl"), kg.export(work / "jobsN", work / "jobsN.jsonl"), shallow=False)
    for d in ("jobs1", "jobsN"):
        shutil.rmtree(work / d, ignore_errors=True)
    return {"load_jobs1_pps": size / one.seconds, "load_jobsN_pps": size / many.seconds,
            "jobs_speedup": one.seconds / many.seconds, "jobs_identical_export": "yes" if same else "NO"}


def measure_embedded(kg: Kg, corpus: Path, extra: Path, work: Path, size: int, query_runs: int,
                     queries: list[dict[str, Any]], jobs: int | None, extract_papers: int,
                     serve: LoadPlan | None = None) -> tuple[dict[str, Any], Path, dict[str, Any]]:
    """The embedded measurements of one size; returns them, the export path and the picked parameters.

    `kg serve` is loaded first after the load, so its start computes every kept answer, as it
    does after a user's load; the API timings and `kg query` after it read the kept answers."""
    r: dict[str, Any] = {}
    _, rate = extraction_rate(corpus, at_most=extract_papers)
    r["extract_1proc_pps"] = rate
    store = _fresh(work / "store")
    load = kg.load(store, [corpus], jobs=jobs)
    r.update(embedded_load_s=load.seconds, embedded_load_pps=size / load.seconds, embedded_load_peak_mib=load.peak_mib)
    loaded = re.search(r"([0-9,]+) distinct papers", load.stdout + load.stderr)
    r["papers_loaded"] = int(loaded.group(1).replace(",", "")) if loaded else None
    export = kg.export(store, work / "graph.jsonl")  # the graph of exactly `size` papers, for Neo4j
    graph = read_export(export)
    picked = pick_parameters(queries, graph)
    r["hub"] = hub(graph)
    if serve:
        r["serve"] = {"embedded": serve.run(Served(store=store, label=f"{size:,} papers"), r["hub"], picked)}
    r["query_cli_wall_s"] = kg.query_wall(store, "most-compared")
    api, opened = open_embedded(store)
    try:
        r["embedded_open_s"] = opened
        timings, r["embedded_warm_up_s"] = time_queries(api, "embedded", picked, query_runs)
    finally:
        api.close()
    r["queries"] = {"embedded": timings}
    r["embedded_query_p95_max_ms"] = max(t["p95_ms"] for t in timings.values())
    r["embedded_query_first_max_ms"] = max(t["first_ms"] for t in timings.values())
    inc = kg.load(store, [extra], jobs=jobs)
    r.update(incremental_1k_s=inc.seconds, incremental_1k_peak_mib=inc.peak_mib, store_mib=_dir_mib(store))
    return r, export, picked
