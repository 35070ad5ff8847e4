"""The "Done when" targets of issue 11, checked against what a run measured (at its largest size)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Check = tuple[str, Callable[[dict[str, Any]], float | None], Callable[[float], bool], str]


def _ratio(a: str, b: str) -> Callable[[dict[str, Any]], float | None]:
    return lambda r: r[a] / r[b] if r.get(a) and r.get(b) else None


CHECKS: list[Check] = [
    ("`kg load --jobs 2` ≥ 1.7× `--jobs 1`", lambda r: r.get("jobs_speedup"), lambda v: v >= 1.7, "{:.2f}×"),
    ("embedded load ≤ 60 s", lambda r: r.get("embedded_load_s"), lambda v: v <= 60, "{:.1f} s"),
    ("embedded load peak ≤ 2 GB", lambda r: r.get("embedded_load_peak_mib"), lambda v: v <= 2048, "{:.0f} MiB"),
    ("adding 1k papers ≤ 5 s", lambda r: r.get("incremental_1k_s"), lambda v: v <= 5, "{:.2f} s"),
    ("`kg query most-compared` ≤ 1 s wall", lambda r: r.get("query_cli_wall_s"), lambda v: v <= 1, "{:.2f} s"),
    ("Neo4j load ≤ 120 s", lambda r: r.get("neo4j_load_s"), lambda v: v <= 120, "{:.1f} s"),
    ("Neo4j load client < 2 GB", lambda r: r.get("neo4j_load_peak_mib"), lambda v: v < 2048, "{:.0f} MiB"),
    ("Neo4j write ≥ 3× Neo4jWriter (relationships/s, writes alone)", _ratio("kg_write_rps", "graphrag_rps"), lambda v: v >= 3, "{:.2f}×"),
    ("Neo4j write ≥ 20× naive loader (relationships/s, writes alone)", _ratio("kg_write_rps", "naive_rps"), lambda v: v >= 20, "{:.1f}×"),
    ("every canned query p95 ≤ 50 ms on Neo4j", lambda r: r.get("neo4j_query_p95_max_ms"), lambda v: v <= 50, "{:.1f} ms"),
]


def check(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target the run measured: the figure at the largest size (--jobs: its own corpus)."""
    sizes = results["sizes"]
    if not sizes:
        return []
    largest = sizes[list(sizes)[-1]]
    rows = []
    for name, get, ok, fmt in CHECKS:
        source = (results.get("jobs") or {}) if "--jobs" in name else largest
        value = get(source)
        if value is not None:
            rows.append({"target": name, "measured": fmt.format(value), "met": ok(value)})
    first, last = list(sizes), list(sizes.values())
    if len(first) >= 2 and last[0].get("embedded_load_s") and last[-1].get("embedded_load_s"):
        per_paper = (last[-1]["embedded_load_s"] / int(first[-1])) / (last[0]["embedded_load_s"] / int(first[0]))
        rows.append({"target": "embedded load near-linear (cost per paper, largest / smallest ≤ 1.3)",
                     "measured": f"{per_paper:.2f}", "met": per_paper <= 1.3})
    return rows
