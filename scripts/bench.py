"""Load-time and memory benchmark for the embedded store (and Neo4j when KG_BACKEND=neo4j).

    .venv/bin/python scripts/bench.py [--copies 10] [--seeds ../shared/seeds]

Times parsing, extraction and the store write for the seed listings, then for the same entries
copied N times under new titles (a corpus N times larger), and reports peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.api import open_store  # noqa: E402
from graph.config import Settings  # noqa: E402
from graph.model import ListingEntry  # noqa: E402
from loaders.extract import Extractor  # noqa: E402
from loaders.pipeline import batch_from_entries, read_entries  # noqa: E402


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(entries: list[ListingEntry], label: str, settings: Settings) -> None:
    extractor = Extractor()
    t0 = time.perf_counter()
    batch = batch_from_entries(entries, extractor)
    t1 = time.perf_counter()
    store = open_store(settings)
    store.clear()
    summary = store.merge(batch)
    t2 = time.perf_counter()
    again = store.merge(batch)
    t3 = time.perf_counter()
    rows = store.run_query("most-compared", {"limit": 10})
    t4 = time.perf_counter()
    store.close()
    print(
        f"{label:<26} {len(entries):>6} entries  extract {t1 - t0:6.2f}s ({len(entries) / (t1 - t0):6.0f}/s)  "
        f"write {t2 - t1:6.2f}s  reload {t3 - t2:5.2f}s  query {1000 * (t4 - t3):6.1f}ms  "
        f"nodes+{summary.nodes_created} rels+{summary.relationships_created} (again changed: {again.changed}, rows {len(rows)})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--copies", type=int, default=10)
    a = ap.parse_args()
    entries, files = read_entries([a.seeds])
    base = Settings.from_env()
    with tempfile.TemporaryDirectory() as tmp:
        settings = base.model_copy(update={"store": Path(tmp) / "kg"})
        print(f"backend: {settings.backend}; {files} listing files")
        t0 = time.perf_counter()
        read_entries([a.seeds])
        print(f"{'parse listings':<26} {len(entries):>6} entries  {time.perf_counter() - t0:.3f}s")
        run(entries, "seeds", settings)
        scaled = [
            e.model_copy(update={"title": f"{e.title} [copy {k}]"}) for k in range(a.copies) for e in entries
        ]
        run(scaled, f"seeds x{a.copies}", settings)
    print(f"peak resident memory: {_peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
