"""Extraction-only benchmark, in one process: no store, no listing parsing in the timings.

    .venv/bin/python scripts/bench_extract.py [--seeds ../shared/seeds] [--papers 20000] [--long-kb 300]
    .venv/bin/python scripts/bench_extract.py --digest   # also print a hash of every extracted fact

Times (1) building the catalogue matcher, (2) extracting the seed entries, (3) extracting a
synthetic corpus of ``--papers`` entries made deterministically from the seeds' sentences
recombined under new titles, and (4) extracting one abstract of ``--long-kb`` kilobytes.
``--digest`` hashes the facts of (2) and (3) so two versions of the extractor can be compared.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.model import ListingEntry  # noqa: E402
from loaders.extract import Extractor, PaperFacts  # noqa: E402
from loaders.linking import default_matcher  # noqa: E402
from loaders.pipeline import read_entries  # noqa: E402
from loaders.text import split_sentences  # noqa: E402


def synthetic_corpus(entries: list[ListingEntry], papers: int, seed: int = 0) -> list[ListingEntry]:
    """``papers`` entries whose abstracts are 3–12 seed sentences drawn at random, each under a
    seed title made new by a number."""
    rng = random.Random(seed)
    sentences = [s.text for e in entries for s in split_sentences(e.abstract)]
    out = []
    for i in range(papers):
        base = rng.choice(entries)
        abstract = " ".join(rng.choice(sentences) for _ in range(rng.randint(3, 12)))
        out.append(base.model_copy(update={"title": f"{base.title} {i}", "abstract": abstract}))
    return out


def long_entry(entries: list[ListingEntry], kb: int) -> ListingEntry:
    """One entry whose abstract is the seeds' abstracts in turn until it is ``kb`` kilobytes long."""
    parts: list[str] = []
    size = 0
    while size < kb * 1000:
        for e in entries:
            parts.append(e.abstract)
            size += len(e.abstract) + 1
            if size >= kb * 1000:
                break
    return entries[0].model_copy(update={"title": "A long abstract", "abstract": " ".join(parts)[: kb * 1000]})


def timed(extractor: Extractor, entries: Iterable[ListingEntry]) -> tuple[float, list[PaperFacts]]:
    t0 = time.perf_counter()
    facts = [extractor.extract(e) for e in entries]
    return time.perf_counter() - t0, facts


def digest(facts: list[PaperFacts]) -> str:
    h = hashlib.sha256()
    for f in facts:
        for node in [f.paper, *f.nodes]:
            h.update(node.model_dump_json().encode())
        for rel in f.relationships:
            h.update(rel.model_dump_json().encode())
    return h.hexdigest()[:16]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--papers", type=int, default=20000)
    ap.add_argument("--long-kb", type=int, default=300)
    ap.add_argument("--digest", action="store_true", help="print a hash of the extracted facts")
    a = ap.parse_args()
    entries, _ = read_entries([a.seeds])

    t0 = time.perf_counter()
    extractor = Extractor(default_matcher())
    print(f"{'catalogue compile':<22} {time.perf_counter() - t0:8.3f}s")
    extractor.extract(entries[0])  # warm lazily built state, so the seeds' figure is extraction alone
    extractor = Extractor(default_matcher())

    for label, corpus in (("seeds", entries), (f"synthetic {a.papers}", synthetic_corpus(entries, a.papers))):
        seconds, facts = timed(extractor, corpus)
        line = f"{label:<22} {seconds:8.3f}s  {len(corpus) / seconds:8.0f} papers/s"
        print(line + (f"  digest {digest(facts)}" if a.digest else ""))
    if a.long_kb:
        seconds, facts = timed(extractor, [long_entry(entries, a.long_kb)])
        print(f"{f'one {a.long_kb} KB abstract':<22} {seconds:8.3f}s" + (f"  digest {digest(facts)}" if a.digest else ""))


if __name__ == "__main__":
    main()
