"""Scoring extraction against the hand-labelled real abstracts, with the shared scorer.

The labels are in ``tests/data/real/real_gold_bNN.jsonl`` (one batch of 50 papers each, labelled
blind); the text stays in ``../shared/corpus/real_abstracts.jsonl``. A batch's **first score** is
taken once, by ``kg load`` and ``kg export`` as a user would, before any rule or model has seen the
batch, and appended to ``tests/data/real/first_scores.jsonl``, never overwritten.

    python -m loaders.learn.evaluate first-score 03    # once per batch, right after its labels are committed
    python -m loaders.learn.evaluate table             # every first score
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "real_abstracts.jsonl"
SCORER = SHARED / "eval" / "score.py"
LABELS = ROOT / "tests" / "data" / "real"
FIRST_SCORES = LABELS / "first_scores.jsonl"
KG = Path(sys.executable).with_name("kg")  # the kg of this environment, run as a user would

_ROW = re.compile(r"^(PROPOSES|COMPARES_TO|TARGETS\(specific\)|TARGETS)\s+\S+\s+\S+\s+\S+\s+(\d+)\s+(\d+)\s+(\d+)\s*$", re.M)
_CLAIMS = re.compile(r"^claims: .*\((\d+)/(\d+) found, (\d+) false\)(?:, metric \S+ \((\d+)/(\d+)\))?", re.M)


@dataclass
class Score:
    """Counts from score.py: per relation tp/fp/fn, and claims tp/fp/gold/metric right/metric scored."""

    relations: dict[str, list[int]]
    claims: list[int]

    def f1(self, rel: str) -> float:
        tp, fp, fn = self.relations[rel]
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    def precision(self, rel: str) -> float:
        tp, fp, _ = self.relations[rel]
        return tp / (tp + fp) if tp + fp else 0.0

    def recall(self, rel: str) -> float:
        tp, _, fn = self.relations[rel]
        return tp / (tp + fn) if tp + fn else 0.0

    @property
    def claim_precision(self) -> float:
        tp, fp = self.claims[0], self.claims[2]
        return tp / (tp + fp) if tp + fp else 0.0

    @property
    def claim_recall(self) -> float:
        return self.claims[0] / self.claims[1] if self.claims[1] else 0.0

    @property
    def claim_metric(self) -> float:
        return self.claims[3] / self.claims[4] if self.claims[4] else 0.0

    def __add__(self, other: Score) -> Score:
        rels = {k: [a + b for a, b in zip(v, other.relations[k])] for k, v in self.relations.items()}
        return Score(rels, [a + b for a, b in zip(self.claims, other.claims)])

    def summary(self) -> dict[str, float]:
        return {
            "compares_to_p": round(self.precision("COMPARES_TO"), 3), "compares_to_r": round(self.recall("COMPARES_TO"), 3),
            "compares_to_f1": round(self.f1("COMPARES_TO"), 3),
            "claims_p": round(self.claim_precision, 3), "claims_r": round(self.claim_recall, 3), "claims_metric": round(self.claim_metric, 3),
            "targets_f1": round(self.f1("TARGETS"), 3), "targets_specific_f1": round(self.f1("TARGETS(specific)"), 3),
            "proposes_f1": round(self.f1("PROPOSES"), 3),
        }


def parse_scorer(output: str) -> Score:
    relations = {m[1]: [int(m[2]), int(m[3]), int(m[4])] for m in _ROW.finditer(output)}
    c = _CLAIMS.search(output)
    claims = [int(c[1]), int(c[2]), int(c[3]), int(c[4] or 0), int(c[5] or 0)] if c else [0, 0, 0, 0, 0]
    # claims: tp, gold, fp, metric right, metric scored
    return Score(relations, claims)


def score_export(export: Path, gold: Path) -> Score:
    out = subprocess.run([sys.executable, str(SCORER), "--export", str(export), "--gold", str(gold)], capture_output=True, text=True, check=True)
    return parse_scorer(out.stdout)


def gold_file(batch: str) -> Path:
    return LABELS / f"real_gold_b{int(batch):02d}.jsonl"


def gold_ids(path: Path) -> list[str]:
    return [json.loads(line)["gid"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_records(ids: list[str], dest: Path) -> None:
    """The corpus records of ``ids``, verbatim, as an arXiv JSON-lines file."""
    want = set(ids)
    with CORPUS.open(encoding="utf-8") as src, dest.open("w", encoding="utf-8") as out:
        out.writelines(line for line in src if json.loads(line)["id"] in want)


def score_as_user(gold: Path, kg: Path) -> Score:
    """``kg load`` the gold papers' records into a fresh store, ``kg export`` it, score it."""
    with tempfile.TemporaryDirectory() as tmp:
        papers, store, export = Path(tmp, "papers.jsonl"), Path(tmp, "store"), Path(tmp, "graph.jsonl")
        write_records(gold_ids(gold), papers)
        subprocess.run([str(kg), "--store", str(store), "load", "-q", str(papers)], check=True, capture_output=True)
        subprocess.run([str(kg), "--store", str(store), "export", "-o", str(export)], check=True, capture_output=True)
        return score_export(export, gold)


def score_batches(batches: list[str]) -> Score:
    """The current extractor on the labelled batches together, as a user would run it."""
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp, "gold.jsonl")
        gold.write_text("".join(gold_file(b).read_text(encoding="utf-8") for b in batches), encoding="utf-8")
        return score_as_user(gold, KG)


def first_scores() -> list[dict]:
    if not FIRST_SCORES.exists():
        return []
    return [json.loads(line) for line in FIRST_SCORES.read_text(encoding="utf-8").splitlines() if line.strip()]


def record_first_score(batch: str, extractor: str) -> dict:
    """Score a batch the first time and append it; a batch scored before is refused."""
    name = f"b{int(batch):02d}"
    if any(row["batch"] == name for row in first_scores()):
        raise SystemExit(f"batch {name} has its first score already: first scores are never overwritten")
    gold = gold_file(batch)
    score = score_as_user(gold, KG)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    row = {"batch": name, "papers": len(gold_ids(gold)), "date": datetime.date.today().isoformat(), "commit": commit,
           "extractor": extractor, **score.summary(), "counts": asdict(score)}
    with FIRST_SCORES.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")
    return row


_COLUMNS = ("compares_to_p", "compares_to_r", "compares_to_f1", "claims_p", "claims_r", "claims_metric", "targets_f1")


def table() -> str:
    """Every blind batch's first score as a Markdown table, oldest first; a batch without one says why."""
    head = "| batch | papers | commit | extractor | " + " | ".join(_COLUMNS) + " |"
    lines = [head, "|" + "---|" * (4 + len(_COLUMNS))]
    for row in first_scores():
        if row.get("missed"):
            lines.append(f"| {row['batch']} | {row['papers']} | {row['commit']} | none: {row['missed']} |" + " |" * (len(_COLUMNS) - 1))
        else:
            lines.append(f"| {row['batch']} | {row['papers']} | {row['commit']} | {row['extractor']} | " + " | ".join(f"{row[c]:.2f}" for c in _COLUMNS) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv[:1] == ["first-score"] and len(argv) >= 2:
        for batch in argv[1:]:
            print(json.dumps(record_first_score(batch, extractor=_extractor_name())))
        return 0
    if argv[:1] == ["score"]:
        batches = argv[1:] or [p.stem.rsplit("_b", 1)[1] for p in sorted(LABELS.glob("real_gold_b*.jsonl"))]
        print(json.dumps(score_batches(batches).summary()))
        return 0
    if argv[:1] == ["table"]:
        print(table())
        return 0
    print(__doc__)
    return 2


def _extractor_name() -> str:
    from loaders.learn.linear import load

    model = load("baseline")
    return "rules + markup" if model is None else f"rules + markup + baseline judge ({model.meta.get('papers')} papers)"


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (OSError, ValueError, subprocess.CalledProcessError) as exc:  # a missing batch or corpus: one line, not a traceback
        sys.exit(f"evaluate: {exc}")
