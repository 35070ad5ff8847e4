"""The results as a markdown table and a JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# (key in a size's results, row label, format)
ROWS: list[tuple[str, str, str]] = [
    ("extract_1proc_pps", "extraction, 1 process (papers/s)", "{:.0f}"),
    ("embedded_load_s", "embedded `kg load` wall (s)", "{:.1f}"),
    ("embedded_load_pps", "embedded `kg load` (papers/s)", "{:.0f}"),
    ("embedded_load_peak_mib", "embedded `kg load` peak RSS (MiB)", "{:.0f}"),
    ("store_mib", "embedded store on disk (MiB)", "{:.0f}"),
    ("incremental_1k_s", "add 1k papers to the store: wall (s)", "{:.2f}"),
    ("incremental_1k_peak_mib", "add 1k papers: peak RSS (MiB)", "{:.0f}"),
    ("query_cli_wall_s", "`kg query most-compared` wall, process start included (s)", "{:.2f}"),
    ("embedded_open_s", "embedded store open via the API (s)", "{:.2f}"),
    ("embedded_warm_up_s", "embedded: `kg serve`'s warm-up before the API timings (s)", "{:.2f}"),
    ("embedded_query_p95_max_ms", "embedded: worst canned-query p95, first run included (ms)", "{:.1f}"),
    ("embedded_query_first_max_ms", "embedded: worst canned-query first run after the warm-up (ms)", "{:.1f}"),
    ("neo4j_load_s", "Neo4j `kg --backend neo4j load` wall (s)", "{:.1f}"),
    ("neo4j_load_pps", "Neo4j `kg load` (papers/s)", "{:.0f}"),
    ("neo4j_load_rps", "Neo4j `kg load` (relationships/s)", "{:.0f}"),
    ("neo4j_load_peak_mib", "Neo4j `kg load` client peak RSS (MiB)", "{:.0f}"),
    ("kg_write_rps", "our Neo4j store's write alone, extraction untimed (relationships/s)", "{:.0f}"),
    ("graphrag_rps", "neo4j-graphrag `Neo4jWriter`, same graph (relationships/s)", "{:.0f}"),
    ("naive_rps", "naive 1 tx/paper loader (relationships/s)", "{:.0f}"),
    ("naive_papers", "papers the naive loader wrote", "{}"),
    ("neo4j_warm_up_s", "Neo4j: `kg serve`'s warm-up before the API timings (s)", "{:.2f}"),
    ("neo4j_query_p95_max_ms", "Neo4j: worst canned-query p95, first run included (ms)", "{:.1f}"),
    ("neo4j_query_first_max_ms", "Neo4j: worst canned-query first run after the warm-up (ms)", "{:.1f}"),
]


def _cell(value: Any, fmt: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return fmt.format(value)


def _p(k: dict[str, Any]) -> str:
    return f"{k['p50_ms']:.1f} / {k['p95_ms']:.1f} / {k['p99_ms']:.1f}"


def serve_table(sizes: dict[str, dict[str, Any]]) -> list[str]:
    """`kg serve` under load, one row per backend and size (benchmarks.serve_load)."""
    rows = [(b, size, s) for size, r in sizes.items() for b, s in r.get("serve", {}).items()]
    if not rows:
        return []
    lines = ["", "`kg serve` under load (all requests, then canned queries alone: p50 / p95 / p99 in ms; each canned query's "
             "first request after the start is sent alone and counted; start: seconds until it first answers, its warm-up included):", "",
             "| backend | papers | requests | in flight | errors | all | canned queries | worst first canned query (ms) | start (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for backend, size, s in rows:
        if "error" in s:
            lines.append(f"| {backend} | {int(size):,} | failed: {s['error']} | | | | | | |")
            continue
        canned = s["by_kind"].get("canned query")
        lines.append(f"| {backend} | {int(size):,} | {s['requests']} | {s['concurrency']} | {s['errors']} | {_p(s['by_kind']['all'])} | "
                     f"{_p(canned) if canned else '–'} | {_cell(s.get('first_request_max_ms'), '{:.1f}')} | {s['start_s']:.2f} |")
    return lines


def markdown(results: dict[str, Any]) -> str:
    sizes: dict[str, dict[str, Any]] = results["sizes"]
    m = results["machine"]
    lines = [f"Machine: {m['cores']} cores, {m['ram_gib']} GiB RAM, Python {m['python']}, Neo4j {m['neo4j']}, "
             f"commit {m['commit']}, {m['date']}{' — ' + results['label'] if results.get('label') else ''}", ""]
    heads = [f"{int(s):,} papers" for s in sizes]
    lines += ["| metric | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    for key, label, fmt in ROWS:
        if any(key in r for r in sizes.values()):
            lines.append(f"| {label} | " + " | ".join(_cell(r.get(key), fmt) for r in sizes.values()) + " |")
    if results.get("jobs"):
        j = results["jobs"]
        lines += ["", f"Parallel load at {j['papers']:,} papers: `kg load --jobs 1` {j['load_jobs1_pps']:.0f} papers/s, "
                  f"`--jobs {j['jobs']}` {j['load_jobsN_pps']:.0f} papers/s ({j['jobs_speedup']:.2f}×); "
                  f"exports identical: {j['jobs_identical_export']}."]
    largest = list(sizes)[-1] if sizes else None
    if largest and sizes[largest].get("queries"):
        q = sizes[largest]["queries"]
        backends = [b for b in ("embedded", "neo4j") if q.get(b)]
        lines += ["", f"Canned queries at {int(largest):,} papers in ms (Python API, parameters picked from the graph; "
                  "first: the first run after `kg serve`'s warm-up, also counted in p50 / p95):", "",
                  "| query | " + " | ".join(f"{b} first | {b} p50 / p95" for b in backends) + " |", "|---|" + "---:|---:|" * len(backends)]
        for name in q[backends[0]]:
            cells = [f"{_cell(q[b][name].get('first_ms'), '{:.1f}')} | {q[b][name]['p50_ms']:.1f} / {q[b][name]['p95_ms']:.1f}"
                     if name in q[b] else "– | –" for b in backends]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += serve_table(sizes)
    if results.get("targets"):
        lines += ["", f"Issue 11 and 23 targets (set for 100,000 papers; checked at {int(list(sizes)[-1]):,}):", "",
                  "| target | measured | met |", "|---|---:|:---:|"]
        lines += [f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else 'NO'} |" for t in results["targets"]]
    if results.get("notes"):
        lines += ["", "Notes:"] + [f"- {n}" for n in results["notes"]]
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any], out_dir: Path, stem: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / f"{stem}.md", out_dir / f"{stem}.json"
    md.write_text(markdown(results), encoding="utf-8")
    js.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return md, js
