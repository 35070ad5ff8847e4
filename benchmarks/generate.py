"""A seeded, deterministic generator of synthetic papers in the listing layout.

Every paper has a unique title and an abstract of 4–10 sentences that propose a new system,
name catalogued systems, hardware and techniques (from ``loaders/catalogue/*.toml``) beside
invented names the catalogue does not know, and state comparison claims in varied phrasings.
The same ``seed`` always gives the same papers in the same order, so ``papers(seed)`` sliced
at ``[n:n+1000]`` is the "1,000 new papers" to add to a store loaded with the first ``n``.

>>> first = list(itertools.islice(papers(seed=7), 3))
>>> first == list(itertools.islice(papers(seed=7), 3))
True
>>> len({title for title, _ in first}), all(4 <= abstract.count(". ") + 1 <= 12 for _, abstract in first)
(3, True)
>>> import tempfile
>>> files = write_listings(Path(tempfile.mkdtemp()), 2500, seed=7, per_file=1000)
>>> [f.name for f in files]
['synthetic_0000.txt', 'synthetic_0001.txt', 'synthetic_0002.txt']

Command line: ``python -m benchmarks.generate OUT_DIR N [--seed S] [--skip K]``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from loaders.catalogue import load_catalogue

__all__ = ["papers", "write_listings"]

_SYLLABLES = ("ze", "tor", "qua", "lin", "vex", "mor", "ka", "dri", "pho", "sul", "nex", "bra", "gal", "tri", "ov", "rhu",
              "pel", "cor", "dun", "mi", "sa", "ther", "wen", "yo")  # 24 syllables, 2-4 per name: millions of names
_SUFFIXES = ("Serve", "Flow", "Pipe", "Shard", "Cache", "Tune", "Gate", "Fuse", "Mesh", "Sched", "Kernel", "Pack", "")
_TOPICS = (
    "LLM inference", "mixture-of-experts training", "graph neural network training", "sparse attention",
    "KV-cache management", "distributed checkpointing", "low-bit quantization", "collective communication",
    "speculative decoding", "recommendation model training", "on-device inference", "compiler autotuning",
    "long-context serving", "pipeline-parallel training", "federated fine-tuning", "diffusion model serving",
)
_ADJECTIVES = ("Fast", "Elastic", "Memory-Efficient", "Scalable", "Adaptive", "Predictable", "Energy-Aware",
               "Fault-Tolerant", "Lightweight", "Holistic", "Latency-Optimal", "Cost-Effective")
_METRICS = ("throughput", "goodput", "tokens per second", "training throughput", "requests per second")
_COSTS = ("latency", "tail latency", "memory footprint", "time-to-first-token", "energy per token", "cost")
_WORKLOADS = ("Llama-style decoders", "ResNet training", "BERT fine-tuning", "long prompts", "bursty traces",
              "multi-tenant workloads", "graph benchmarks", "recommendation traces")


@dataclass(frozen=True)
class _Names:
    """The name pools one generator draws from."""

    systems: Sequence[str]
    gpus: Sequence[str]
    tpus: Sequence[str]
    other_hw: Sequence[str]
    techniques: Sequence[str]
    unknown: Sequence[str]


def _invented(rng: random.Random, taken: set[str]) -> str:
    """A CamelCase name like 'Zetorvex' or 'QualinServe' not in ``taken`` (which it joins)."""
    while True:
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        name = stem + rng.choice(_SUFFIXES)
        if name.lower() not in taken and len(name) > 4:
            taken.add(name.lower())
            return name


def _names(rng: random.Random, taken: set[str]) -> _Names:
    cat = load_catalogue()
    by_kind = lambda label, kinds: sorted(e.name for e in cat.by_label(label) if e.kind in kinds)  # noqa: E731
    systems = sorted(e.name for e in cat.by_label("System"))
    rng.shuffle(systems)  # popularity (see _zipf) independent of the alphabet
    return _Names(
        systems=systems,
        gpus=by_kind("Hardware", {"gpu"}),
        tpus=by_kind("Hardware", {"tpu"}),
        other_hw=by_kind("Hardware", {"cpu", "accelerator", "edge-board", "mobile-soc", "fpga-board", "npu"}),
        techniques=sorted(e.name for e in cat.by_label("Technique")),
        unknown=[_invented(rng, taken) for _ in range(3000)],
    )


@lru_cache(maxsize=8)
def _cum_weights(size: int) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 5) for rank in range(size)))


def _zipf(rng: random.Random, pool: Sequence[str]) -> str:
    """A name drawn with weight 1/(rank+5): a few are compared against often, most rarely."""
    return rng.choices(pool, cum_weights=_cum_weights(len(pool)))[0]


class _Writer:
    """Sentences of one paper proposing ``me``."""

    def __init__(self, rng: random.Random, names: _Names, me: str, earlier: Sequence[str]) -> None:
        self.rng, self.n, self.me, self.earlier = rng, names, me, earlier

    def baseline(self) -> str:
        """A catalogued system, an invented one, or (as papers do) one an earlier paper proposed."""
        roll = self.rng.random()
        if roll < 0.6:
            return _zipf(self.rng, self.n.systems)
        if roll < 0.85 or not self.earlier:
            return _zipf(self.rng, self.n.unknown)
        return self.rng.choice(self.earlier[-500:])

    def hardware(self) -> str:
        r, n = self.rng, self.n
        roll = r.random()
        if roll < 0.55:
            return f"on {r.choice((1, 2, 4, 8, 16, 64, 256))} {r.choice(n.gpus)} GPUs"
        if roll < 0.7:
            tpu = r.choice(n.tpus)
            return f"on {'an' if tpu[0] in 'AEIOU' else 'a'} {tpu} slice"
        return f"on the {r.choice(n.other_hw)}"

    def factor(self) -> str:
        return f"{self.rng.uniform(1.1, 9.0):.1f}x"

    def pct(self) -> int:
        return self.rng.randint(5, 85)

    def proposal(self, topic: str) -> str:
        r, me = self.rng, self.me
        return r.choice((
            f"We present {me}, a system for {topic} that {r.choice(('co-designs scheduling and memory', 'removes redundant data movement', 'adapts to load at runtime'))}.",
            f"This paper introduces {me}, which applies {r.choice(self.n.techniques)} to {topic}.",
            f"We propose {me}, a runtime that makes {topic} {r.choice(('predictable', 'cheap', 'elastic'))}.",
            f"To close this gap we build {me}, an open-source framework for {topic}.",
        ))

    def context(self, topic: str) -> str:
        r = self.rng
        return r.choice((
            f"{topic.capitalize()} is increasingly limited by {r.choice(_COSTS)} rather than compute.",
            f"Existing systems such as {self.baseline()} treat {topic} as a static problem.",
            f"Production traces show that {topic} wastes up to {self.pct()}% of accelerator time.",
            f"Prior work relies on {r.choice(self.n.techniques)}, which scales poorly {self.hardware()}.",
        ))

    def method(self) -> str:
        r, me = self.rng, self.me
        return r.choice((
            f"{me} combines {r.choice(self.n.techniques)} with {r.choice(self.n.techniques)} in a single pass.",
            f"The core of {me} is a cost model that decides placement {self.hardware()}.",
            f"{me} builds on {r.choice(self.n.systems)} and adds a scheduler written in {r.choice(('C++', 'Rust', 'Triton'))}.",
            f"A profiler feeds {me} with per-layer timings so decisions track {r.choice(_WORKLOADS)}.",
        ))

    def comparison(self) -> str:
        r, me, x = self.rng, self.me, self.baseline()
        return r.choice((
            f"{me} outperforms {x} by {self.factor()} in {r.choice(_METRICS)}.",
            f"It is {r.uniform(1.1, 2.0):.1f}-{r.uniform(2.1, 4.0):.1f}x faster than {x} and {self.baseline()}, respectively.",
            f"{me} reduces {r.choice(_COSTS)} by {self.pct()}% relative to {x}.",
            f"{x} trails by {self.pct()}% on {r.choice(_WORKLOADS)}.",
            f"Compared with {x}, {me} achieves {self.factor()} higher {r.choice(_METRICS)} {self.hardware()}.",
            f"{me} delivers a {self.factor()} speedup over {x} {self.hardware()}.",
            f"Against {x}, our approach cuts {r.choice(_COSTS)} by {self.pct()}%.",
        ))

    def filler(self) -> str:
        r = self.rng
        return r.choice((
            f"Our evaluation covers {r.randint(3, 12)} models and {r.choice(_WORKLOADS)}.",
            "The code is publicly available.",
            f"Experiments run {self.hardware()} with {r.choice(self.n.techniques)} enabled.",
            "We also analyse where the remaining overhead comes from.",
        ))


def _fold(title: str) -> str:
    return re.sub(r"[^a-z0-9]", "", title.lower())


def papers(seed: int = 0) -> Iterator[tuple[str, str]]:
    """An endless, deterministic stream of ``(title, abstract)`` pairs with unique titles."""
    rng = random.Random(seed)
    taken: set[str] = set()
    names = _names(rng, taken)
    seen: set[str] = set()
    proposed: list[str] = []
    while True:
        me = _invented(rng, taken)
        topic = rng.choice(_TOPICS)
        title = f"{me}: {rng.choice(_ADJECTIVES)} {topic.title()} {rng.choice(('at Scale', 'on Commodity Hardware', 'for the Datacenter', 'with Guarantees', 'Made Practical', ''))}".strip()
        if _fold(title) in seen:
            continue
        seen.add(_fold(title))
        w = _Writer(rng, names, me, proposed)
        body = [w.context(topic), w.proposal(topic)]
        extra = rng.randint(2, 8)  # 4-10 sentences in all
        makers = (w.method, w.comparison, w.comparison, w.filler)
        body += [rng.choice(makers)() for _ in range(extra)]
        proposed.append(me)
        yield title, " ".join(body)


_HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\nbyAK and the research community\n\n{date}\n\n"


def write_listings(out: Path, n: int, seed: int = 0, per_file: int = 1000, skip: int = 0) -> list[Path]:
    """Write papers ``skip .. skip+n`` of ``papers(seed)`` as listing files of ``per_file`` entries."""
    out.mkdir(parents=True, exist_ok=True)
    stream = itertools.islice(papers(seed), skip, skip + n)
    files: list[Path] = []
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    for index in itertools.count():
        chunk = list(itertools.islice(stream, per_file))
        if not chunk:
            break
        path = out / f"synthetic_{index + skip // per_file:04d}.txt"
        parts = [_HEADER.format(date=f"{months[index % 12]} {index % 28 + 1}")]
        for k, (title, abstract) in enumerate(chunk):
            meta = f"  \u2022 {k % 9 + 1} authors\n\u00b7\n{months[k % 12]} {k % 28 + 1} {k % 50}\n\n" if k % 3 == 0 else ""
            parts.append(f"{title}\n\n{abstract}\n\n{meta}")
        path.write_text("".join(parts), encoding="utf-8")
        files.append(path)
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description="Write N synthetic papers as listing files.")
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip", type=int, default=0, help="start after this many papers of the stream")
    ap.add_argument("--per-file", type=int, default=1000)
    a = ap.parse_args()
    files = write_listings(a.out, a.n, a.seed, a.per_file, a.skip)
    print(f"{a.n} papers in {len(files)} files under {a.out}")


if __name__ == "__main__":
    main()
