"""Run the benchmarks of issue 11 and write a markdown table and JSON under benchmarks/results/.

    python -m benchmarks.run                      # 10,000 and 100,000 papers (what `make bench` runs)
    python -m benchmarks.run --quick              # 500 and 2,000 papers, a few minutes
    python -m benchmarks.run --sizes 5000 --no-neo4j
    python -m benchmarks.run --neo4j-uri bolt://host:7687 --neo4j-password ...   # a server of yours (it is CLEARED)

Per size: synthetic papers from benchmarks.generate (seeded), then extraction papers/s in one
process; `kg load --jobs 1` against `--jobs N` when `kg load` has --jobs; `kg load` into a fresh
embedded store (wall, peak RSS); `kg query most-compared` as a user runs it; p50/p95 of every
canned query through the Python API (after what `kg serve` does as it starts, first run included);
`kg serve` under load (benchmarks.serve_load: 2,000 requests, 20 in flight, the hub and parameters
picked from the graph) right after the load; 1,000 new papers added to the store; and on Neo4j:
`kg --backend neo4j load`, `kg serve` under load, the canned queries, neo4j-graphrag's
Neo4jWriter and a naive one-transaction-per-paper loader writing the same graph. Without --neo4j-uri the runner starts its
own server (`kg neo4j up`, home .cache/neo4j-bench, bolt 7695, http 7481) and stops it after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks.canned import list_queries
from benchmarks.embedded_suite import jobs_comparison, measure_embedded
from benchmarks.generate import write_listings
from benchmarks.kg_cli import BenchError, Kg, kg_for
from benchmarks.machine import machine
from benchmarks.neo4j_server import Neo4jTarget, own_server
from benchmarks.report import markdown, write
from benchmarks.serve_load import LoadPlan
from benchmarks.targets import check

PROJECT = Path(__file__).resolve().parents[1]
EXTRA = 1000  # papers added to the big store


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes (default 10000,100000)")
    ap.add_argument("--quick", action="store_true", help="sizes 500,2000: a smoke run")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="N of `kg load --jobs N` (default: all cores)")
    ap.add_argument("--jobs-papers", type=int, default=20000, help="corpus size of the --jobs 1 / --jobs N comparison (default 20000)")
    ap.add_argument("--extract-papers", type=int, default=20000, help="papers the one-process extraction rate is measured on (default 20000)")
    ap.add_argument("--query-runs", type=int, default=30, help="timed runs per canned query (fewer when one is slow)")
    ap.add_argument("--naive-papers", type=int, default=1000, help="papers the naive Neo4j loader writes (it is slow)")
    ap.add_argument("--serve-requests", type=int, default=2000, help="requests of the `kg serve` load test per size and backend (0: none)")
    ap.add_argument("--serve-concurrency", type=int, default=20, help="requests of that test in flight (default 20)")
    ap.add_argument("--kg", type=Path, help="the kg executable (default .venv/bin/kg); it must run this checkout's code, "
                    "which the in-process measurements import")
    ap.add_argument("--work", type=Path, default=PROJECT / ".cache" / "bench-work", help="corpora and stores (deleted after)")
    ap.add_argument("--keep", action="store_true", help="keep --work afterwards")
    ap.add_argument("--out", type=Path, default=PROJECT / "benchmarks" / "results")
    ap.add_argument("--label", default="", help="a note printed above the table, e.g. 'small run'")
    ap.add_argument("--no-neo4j", action="store_true", help="skip every Neo4j measurement")
    ap.add_argument("--neo4j-uri", help="use this server instead of starting one (its database is cleared!)")
    ap.add_argument("--neo4j-user", default="neo4j")
    ap.add_argument("--neo4j-password", default=os.environ.get("BENCH_NEO4J_PASSWORD", "mlsys-kg-bench-pass"),
                    help="the server's password (default: the runner's own local server's, env BENCH_NEO4J_PASSWORD)")
    ap.add_argument("--neo4j-database", default="neo4j")
    ap.add_argument("--neo4j-home", type=Path, default=PROJECT / ".cache" / "neo4j-bench")
    ap.add_argument("--bolt-port", type=int, default=7695)
    ap.add_argument("--http-port", type=int, default=7481)
    a = ap.parse_args(argv)
    a.sizes = [500, 2000] if a.quick else [int(s) for s in a.sizes.split(",") if s.strip()]
    if a.quick:
        a.jobs_papers = min(a.jobs_papers, 2000)
    return a


def _say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _neo4j(a: argparse.Namespace, stack: ExitStack) -> Neo4jTarget:
    if a.neo4j_uri:
        return Neo4jTarget(a.neo4j_uri, a.neo4j_user, a.neo4j_password, a.neo4j_database)
    _say(f"starting Neo4j in {a.neo4j_home} on bolt {a.bolt_port}")
    return stack.enter_context(own_server(PROJECT, a.neo4j_home.resolve(), a.bolt_port, a.http_port, a.neo4j_password))


def _jobs(a: argparse.Namespace, kg: Kg, notes: list[str]) -> dict[str, Any] | None:
    """`kg load --jobs 1` against `--jobs N` on a corpus of its own (--jobs-papers)."""
    work = a.work / "jobs"
    shutil.rmtree(work, ignore_errors=True)
    try:
        _say(f"--jobs 1 against --jobs {a.jobs} at {a.jobs_papers:,} papers")
        write_listings(work / "corpus", a.jobs_papers, seed=a.seed)
        return {"papers": a.jobs_papers, "jobs": a.jobs, **jobs_comparison(kg, work / "corpus", work, a.jobs, a.jobs_papers)}
    except BenchError as exc:
        notes.append(f"--jobs comparison failed: {exc}")
        return None
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


def _serve(a: argparse.Namespace) -> LoadPlan | None:
    return LoadPlan(a.serve_requests, a.serve_concurrency) if a.serve_requests > 0 else None


def _one_size(a: argparse.Namespace, kg: Kg, nkg: Kg | None, target: Neo4jTarget | None, queries: list[dict[str, Any]],
              size: int, work: Path, has_jobs: bool, notes: list[str]) -> dict[str, Any] | None:
    """Every measurement at one corpus size; None (and a note) when the embedded load fails."""
    shutil.rmtree(work, ignore_errors=True)
    _say(f"{size:,} papers: generating (+{EXTRA} for the incremental load)")
    write_listings(work / "corpus", size, seed=a.seed)
    write_listings(work / "extra", EXTRA, seed=a.seed, skip=size)
    _say(f"{size:,} papers: embedded store")
    try:
        r, export, picked = measure_embedded(kg, work / "corpus", work / "extra", work, size, a.query_runs,
                                             queries, a.jobs if has_jobs else None, a.extract_papers, _serve(a))
    except BenchError as exc:
        notes.append(f"{size:,} papers: embedded measurements stopped, Neo4j skipped at this size: {exc}")
        return None
    r["query_parameters"] = picked
    if r.get("papers_loaded") not in (None, size):
        notes.append(f"{size:,} papers generated but `kg load` read {r['papers_loaded']:,} distinct papers")
    if target and nkg:
        from benchmarks.neo4j_suite import measure_neo4j

        _say(f"{size:,} papers: Neo4j")
        n = measure_neo4j(nkg, target, work / "corpus", export, size, picked, a.query_runs, min(a.naive_papers, size), notes,
                          r["hub"], _serve(a))
        r["queries"].update(n.pop("queries", {}))
        r.setdefault("serve", {}).update(n.pop("serve", {}))
        r.update(n)
    return r


def run(a: argparse.Namespace) -> dict[str, Any]:
    kg = kg_for(PROJECT, exe=a.kg)
    has_jobs = kg.has_jobs()
    notes: list[str] = []
    if not has_jobs:
        notes.append("`kg load` has no --jobs option yet: parallel extraction not measured")
    queries = list_queries(kg)
    results: dict[str, Any] = {"label": a.label, "sizes": {}, "notes": notes, "settings": {
        "seed": a.seed, "jobs": a.jobs, "jobs_papers": a.jobs_papers, "extract_papers": a.extract_papers, "query_runs": a.query_runs, "naive_papers": a.naive_papers}}
    neo4j_version = None
    with ExitStack() as stack:
        target = None if a.no_neo4j else _neo4j(a, stack)
        nkg = None
        if target:
            from benchmarks.neo4j_suite import server_version

            neo4j_version = server_version(target)
            nkg = kg_for(PROJECT, target.env(), exe=a.kg)
        else:
            notes.append("Neo4j skipped (--no-neo4j)")
        if has_jobs:
            results["jobs"] = _jobs(a, kg, notes)
        for size in a.sizes:
            work = a.work / str(size)
            try:
                r = _one_size(a, kg, nkg, target, queries, size, work, has_jobs, notes)
            except Exception as exc:  # noqa: BLE001 - a size that fails is reported; the others still are
                notes.append(f"{size:,} papers: failed ({exc.__class__.__name__}: {' '.join(str(exc).split())[:300]})")
                r = None
            finally:
                if not a.keep:
                    shutil.rmtree(work, ignore_errors=True)
            if r is not None:
                results["sizes"][str(size)] = r
    if has_jobs:
        notes.append(f"the embedded loads above use `kg load --jobs {a.jobs}`")
    if not a.no_neo4j:
        notes.append("Neo4j `kg load` includes parsing and extraction; the three writers (our store's merge, "
                     "Neo4jWriter, the naive loader) write the same graph with parsing, extraction and object "
                     f"building untimed; the naive loader writes the first min(N, {a.naive_papers}) papers only")
    results["targets"] = check(results)
    results["machine"] = machine(PROJECT, neo4j_version)
    if not a.no_neo4j and not a.neo4j_uri:
        from graph.neo4j_local.config import HEAP_MAX, PAGECACHE

        results["machine"]["neo4j"] += f" (local, heap {HEAP_MAX}, page cache {PAGECACHE})"
    return results


def _exit_on_sigterm() -> None:
    """SIGTERM (and SIGINT, which a background job may ignore) unwind the run, so the Neo4j it
    started is stopped and its running command killed."""
    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def main(argv: list[str] | None = None) -> int:
    a = _args(argv)
    _exit_on_sigterm()
    try:
        results = run(a)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    stem = "bench-" + "-".join(str(s) for s in a.sizes)
    md, js = write(results, a.out, stem)
    print(markdown(results))
    print(f"written {md.relative_to(PROJECT) if md.is_relative_to(PROJECT) else md} and {js.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
