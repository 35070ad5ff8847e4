"""Extraction throughput in this process: the extractor imported and called directly, no store."""

from __future__ import annotations

import time
from pathlib import Path

from loaders.extract import Extractor
from loaders.linking import default_matcher
from loaders.pipeline import read_entries


def extraction_rate(listing_dir: Path, at_most: int | None = None) -> tuple[int, float]:
    """``(papers, papers per second)`` of extracting the entries under ``listing_dir`` (the first
    ``at_most`` of them) in one process.

    Reading the files and compiling the catalogue matcher are left out of the timing; one entry
    is extracted first so lazily built state does not count either."""
    entries, _ = read_entries([listing_dir])
    entries = entries[:at_most] if at_most else entries
    extractor = Extractor(default_matcher())
    extractor.extract(entries[0])
    t0 = time.perf_counter()
    for entry in entries:
        extractor.extract(entry)
    return len(entries), len(entries) / (time.perf_counter() - t0)
