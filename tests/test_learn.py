"""The learned extraction models (issue 21): deterministic training, the committed model, the labels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHARED, needs_seeds
from loaders.learn import evaluate, linear, train

REAL = Path(__file__).parent / "data" / "real"


@needs_seeds
def test_training_twice_on_the_same_labels_gives_the_same_model_and_predictions() -> None:
    gold = train.real_gold(["01"])
    entries = train.corpus_entries({g["gid"] for g in gold})
    first, second = (train.fit_all(train.examples(gold, entries)) for _ in range(2))
    assert first["baseline"].to_json() == second["baseline"].to_json()
    assert first["metric"].to_json() == second["metric"].to_json()
    probe = [["rule=0", "cue_before=than", "num_before", "shape=camel"], ["rule=0", "w-1=using"]]
    assert [first["baseline"].probability(f) for f in probe] == [second["baseline"].probability(f) for f in probe]


def test_the_committed_judge_is_small_and_read_once_per_process() -> None:
    path = linear.MODELS / train.FILES["baseline"]
    assert path.stat().st_size <= 20 * 1024 * 1024
    model = linear.load("baseline")
    assert model is not None and model is linear.load("baseline") and 0.5 <= model.threshold < 1
    assert model.meta["papers"] >= 400


@needs_seeds
def test_no_held_back_paper_is_labelled() -> None:
    files = sorted(str(p) for p in (Path(__file__).parent / "data").rglob("*.jsonl"))
    out = subprocess.run([sys.executable, str(SHARED / "eval" / "held_back.py"), *files], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "none held back", out.stdout


def test_every_blind_batch_has_one_first_score_and_it_is_never_overwritten() -> None:
    rows = evaluate.first_scores()
    batches = sorted(p.stem.rsplit("_", 1)[1] for p in REAL.glob("real_gold_b*.jsonl"))
    assert sorted(r["batch"] for r in rows) == batches, "one first score per labelled batch"
    with pytest.raises(SystemExit, match="never overwritten"):
        evaluate.record_first_score(rows[0]["batch"][1:], extractor="rules")
    assert len(evaluate.first_scores()) == len(rows)


def test_real_labels_are_consistent() -> None:
    for path in sorted(REAL.glob("real_gold_b*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            g = json.loads(line)
            compared = {alt for item in g["compares_to"] for alt in item.split("|")}
            assert "claims" in g and all(c[0].split("|")[0] in compared or c[0] in g["compares_to"] for c in g["claims"]), (path.name, g["gid"])
