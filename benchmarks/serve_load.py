"""A bounded load test of `kg serve` on the loopback: a real server process, many clients at once.

    python -m benchmarks.serve_load                       # 2,000 requests, 20 at a time, the seeds
    python -m benchmarks.serve_load --requests 500 --concurrency 10 --store .kg

Starts `kg serve` on a free 127.0.0.1 port over an embedded store (by default a fresh one built
from ../shared/seeds, else the bundled example listing), warms it up (each of its worker threads
opens the graph once), then sends a mix of requests (every canned query with its example
parameters, the other API routes, and the search, entity and query pages) from an async HTTP
client holding at most N requests in flight. Reports errors (any status but 200, or a failed
request) and p50/p95/max latency per kind, writes benchmarks/results/serve-load.{json,md}, and
exits 1 unless there are no errors and canned queries answer within 100 ms at p95.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT.parent / "shared" / "seeds"
RESULTS = PROJECT / "benchmarks" / "results"
KG = str(Path(sys.executable).with_name("kg"))
P95_TARGET_MS = 100.0


def mix() -> list[tuple[str, str]]:
    """(kind, path) of one round of requests: every canned query once, then the other routes."""
    from queries.catalog import canned_queries

    def text(v: Any) -> str:
        return "true" if v is True else "false" if v is False else str(v)

    canned = [("canned query", f"/api/queries/{q.name}?{urlencode({k: text(v) for k, v in q.example.items()})}")
              for q in canned_queries()]
    api = [("other API", p) for p in ("/api/stats", "/api/queries", "/api/search?q=speculative+decoding", "/api/show/vLLM",
                                      "/api/neighbourhood/vLLM?depth=2", "/api/claims/vLLM")]
    pages = [("page", p) for p in ("/", "/search?q=vllm", "/entity/vLLM", "/queries/papers-targeting?hardware=TPU")]
    return canned + api + pages


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(store: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "KG_BACKEND": "embedded", "KG_SERVE_TOKEN": ""}
    proc = subprocess.Popen([KG, "--store", str(store), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"error: kg serve did not start: {proc.communicate()[1].strip()}") from None
            time.sleep(0.1)


async def drive(base: str, requests: list[tuple[str, str]], concurrency: int) -> tuple[list[dict[str, Any]], float]:
    import httpx2

    results: list[dict[str, Any]] = []
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            while not queue.empty():
                kind, path = queue.get_nowait()
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    status: int | str = response.status_code
                except Exception as exc:  # a failed request is an error of the run, counted, not raised
                    status = exc.__class__.__name__
                results.append({"kind": kind, "path": path, "status": status, "ms": (time.perf_counter() - start) * 1000})

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return results, time.perf_counter() - began


def summarise(results: list[dict[str, Any]], wall: float, concurrency: int) -> dict[str, Any]:
    kinds: dict[str, Any] = {}
    for kind in dict.fromkeys(["all", *(r["kind"] for r in results)]):
        rows = [r for r in results if kind == "all" or r["kind"] == kind]
        ms = [r["ms"] for r in rows]
        kinds[kind] = {"requests": len(rows), "errors": sum(r["status"] != 200 for r in rows),
                       "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 95), 1), "max_ms": round(max(ms), 1)}
    by_path: dict[str, list[float]] = {}
    for r in results:
        by_path.setdefault(r["path"], []).append(r["ms"])
    slowest = sorted(((round(statistics.median(ms), 1), path) for path, ms in by_path.items()), reverse=True)[:5]
    errors = [r for r in results if r["status"] != 200]
    return {"requests": len(results), "concurrency": concurrency, "seconds": round(wall, 2),
            "requests_per_s": round(len(results) / wall, 1), "errors": len(errors), "first_errors": errors[:5], "by_kind": kinds,
            "slowest_by_median": [{"path": path, "p50_ms": ms} for ms, path in slowest]}


def markdown(report: dict[str, Any]) -> str:
    lines = [f"`kg serve` on the loopback ({report['graph']}): {report['requests']} requests, {report['concurrency']} at a time, "
             f"{report['seconds']} s ({report['requests_per_s']} requests/s), {report['errors']} errors; client and server on "
             f"{report['cores']} cores, load average {report['load_average_before']} before the run.", "",
             "| requests | count | errors | p50 ms | p95 ms | max ms |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for kind, k in report["by_kind"].items():
        lines.append(f"| {kind} | {k['requests']} | {k['errors']} | {k['p50_ms']} | {k['p95_ms']} | {k['max_ms']} |")
    lines += ["", "Slowest requests (median under this load): " + ", ".join(f"`{s['path']}` {s['p50_ms']} ms" for s in report["slowest_by_median"]) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--store", type=Path, help="an embedded store to serve [default: a fresh one from the seeds]")
    parser.add_argument("--output", type=Path, default=RESULTS / "serve-load", help="FILE stem for .json and .md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        graph = str(store)
        if store is None:
            source = SEEDS if SEEDS.is_dir() else PROJECT / "loaders" / "examples"
            store = Path(tmp) / "kg"
            subprocess.run([KG, "--store", str(store), "load", "-q", str(source)], check=True, stdout=subprocess.DEVNULL)
            graph = "the seeds" if source == SEEDS else "the example listing"
        load_before = round(os.getloadavg()[0], 2)  # other processes on the machine share its cores with client and server
        port = free_port()
        server = start_server(store, port)
        try:
            base = f"http://127.0.0.1:{port}"
            round_ = mix()
            asyncio.run(drive(base, round_ * 2, args.concurrency))  # warm-up, not counted: each worker thread opens the graph
            results, wall = asyncio.run(drive(base, list(islice(cycle(round_), args.requests)), args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=15)
    report = {"graph": graph, "cores": os.cpu_count(), "load_average_before": load_before, **summarise(results, wall, args.concurrency)}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    args.output.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report), end="")
    canned = report["by_kind"].get("canned query", {}).get("p95_ms", 0.0)
    if report["errors"] or canned > P95_TARGET_MS:
        print(f"FAILED: {report['errors']} errors; canned queries p95 {canned} ms (target ≤ {P95_TARGET_MS:g} ms)", file=sys.stderr)
        return 1
    print(f"ok: 0 errors; canned queries p95 {canned} ms ≤ {P95_TARGET_MS:g} ms; written to {args.output}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
