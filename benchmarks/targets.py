"""The "Done when" targets of issues 11 and 23, checked against what a run measured (at its largest size)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Check = tuple[str, Callable[[dict[str, Any]], float | None], Callable[[float], bool], str]


def _ratio(a: str, b: str) -> Callable[[dict[str, Any]], float | None]:
    return lambda r: r[a] / r[b] if r.get(a) and r.get(b) else None


def _serve(backend: str, figure: Callable[[dict[str, Any]], float]) -> Callable[[dict[str, Any]], float | None]:
    """A figure of the `kg serve` load test on ``backend``; a test that could not run counts as errors."""
    def get(r: dict[str, Any]) -> float | None:
        s = r.get("serve", {}).get(backend)
        return None if s is None else float("inf") if "error" in s else figure(s)
    return get


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
    ("issue 23: embedded load ≤ 130 s", lambda r: r.get("embedded_load_s"), lambda v: v <= 130, "{:.1f} s"),
    ("issue 23: Neo4j `kg load` ≤ 200 s", lambda r: r.get("neo4j_load_s"), lambda v: v <= 200, "{:.1f} s"),
    ("issue 23: Neo4j write ≥ 1.5× Neo4jWriter (relationships/s, writes alone)", _ratio("kg_write_rps", "graphrag_rps"),
     lambda v: v >= 1.5, "{:.2f}×"),
    ("every canned query p95 ≤ 50 ms on Neo4j (first run after `kg serve`'s warm-up included)",
     lambda r: r.get("neo4j_query_p95_max_ms"), lambda v: v <= 50, "{:.1f} ms"),
    ("every canned query p95 ≤ 100 ms on the embedded store (first run after `kg serve`'s warm-up included)",
     lambda r: r.get("embedded_query_p95_max_ms"), lambda v: v <= 100, "{:.1f} ms"),
    *(check for backend in ("embedded", "neo4j") for check in (
        (f"`kg serve` on {backend}: 0 errors", _serve(backend, lambda s: s["errors"]), lambda v: v == 0, "{:.0f}"),
        (f"`kg serve` on {backend}: p95 ≤ 150 ms (all requests)", _serve(backend, lambda s: s["by_kind"]["all"]["p95_ms"]),
         lambda v: v <= 150, "{:.1f} ms"))),
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
    if len(first) >= 2 and last[0].get("kg_write_rps") and last[-1].get("kg_write_rps"):
        scale = last[-1]["kg_write_rps"] / last[0]["kg_write_rps"]
        rows.append({"target": "issue 23: Neo4j write scales (relationships/s, largest / smallest ≥ 0.9)",
                     "measured": f"{scale:.2f}×", "met": scale >= 0.9})
    return rows
