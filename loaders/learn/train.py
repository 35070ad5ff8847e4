"""``make train``: the learned models, rebuilt from the labels, deterministically.

The baseline judge (``models/baseline.json``) learns from every labelled real abstract
(``tests/data/real/real_gold_b*.jsonl``, text in ``../shared/corpus``) and the project's labelled
seed papers: each mention the rules consider, with what they said, is a positive when the paper's
gold lists it among ``compares_to``, a negative when the gold lists it nowhere, and left out when it
is only ``optional``. A logistic regression (scikit-learn, liblinear, fixed seed) weighs the
features of ``loaders.learn.features``; its weights are written as JSON.

    python -m loaders.learn.train              # write loaders/learn/models/baseline.json
    python -m loaders.learn.train --cv         # 5-fold cross-validation by paper over the real abstracts

Two more models are trained and measured the same way, and not shipped while they do not beat
the rules: which baselines each number belongs to (``pair``) and what it measures (``metric``).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
import tempfile
from dataclasses import replace
from functools import lru_cache
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graph.export import write_export
from graph.model import ListingEntry
from loaders.extract import Extractor
from loaders.formats.arxiv_jsonl import entry_of
from loaders.learn.evaluate import CORPUS, LABELS, SCORER, Score, score_export
from loaders.learn.linear import MODELS, LinearModel, SoftmaxModel
from loaders.listing import read_listing

SEEDS = CORPUS.parents[1] / "seeds"
SEED_GOLD = LABELS.parent / "project_gold.jsonl"  # the project's labelled seed papers (dev_gold.jsonl stays a measure only)

C = 0.5  # inverse regularisation: chosen once by cross-validation, fixed here
JUDGE_THRESHOLD = 0.7  # the judge adds a baseline the rules missed only this sure (cross-validation: F1 0.888-0.890 from 0.5 to 0.75)
FOLDS = 5


@lru_cache(maxsize=1)
def _scorer():
    spec = importlib.util.spec_from_file_location("kg_shared_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def real_gold(batches: Iterable[str] | None = None) -> list[dict]:
    paths = sorted(LABELS.glob("real_gold_b*.jsonl")) if batches is None else [LABELS / f"real_gold_b{int(b):02d}.jsonl" for b in batches]
    return [json.loads(line) for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_entries(ids: set[str]) -> dict[str, ListingEntry]:
    out = {}
    with CORPUS.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            record = json.loads(line)
            if record["id"] in ids:
                out[record["id"]] = entry_of(record, CORPUS, CORPUS.name, number)
    return out


def seed_data() -> tuple[list[dict], dict[str, ListingEntry]]:
    """The project's labelled seed papers and their entries, keyed by folded title (``gid`` set to it)."""
    key = _scorer().title_key
    entries: dict[str, ListingEntry] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for entry in read_listing(path):
            entries.setdefault(key(entry.title), entry)
    gold = {g["gid"]: g for g in _jsonl(SEED_GOLD)}
    for path in sorted(LABELS.parent.glob("claims_gold_b*.jsonl")):  # the same papers with their claims labelled
        gold.update((g["gid"], g) for g in _jsonl(path))
    return [{**g, "gid": key(g["title"])} for g in gold.values()], entries


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fold_of(gid: str) -> int:
    """The cross-validation fold of a paper, fixed by its arXiv id."""
    return int(hashlib.sha256(gid.encode()).hexdigest(), 16) % FOLDS


def examples(gold: list[dict], entries: dict[str, ListingEntry]) -> dict[str, list[tuple[list[str], int]]]:
    """(features, label) for every decision the rules make in the gold papers, by task:
    ``baseline`` (is this mention a baseline?) and ``pair`` (is this number stated against it?)."""
    score = _scorer()
    extractor = Extractor(baseline_model=False, pair_model=False, metric_model=False)
    out: dict[str, list[tuple[list[str], Any]]] = {"baseline": [], "pair": [], "metric": []}
    for g in gold:
        entry = entries.get(g["gid"])
        if entry is None:
            continue
        compared = {n for item in score.gold_items(g.get("compares_to", [])) for n in item}
        optional = {n for item in score.gold_items(g.get("optional", []) + g.get("proposes", [])) for n in item}
        claims = [(score.gold_items([c[0]])[0], float(c[1])) for c in g.get("claims", [])]
        metrics = [(score.gold_items([c[0]])[0], float(c[1]), c[2].split("|")) for c in g.get("claims", []) if len(c) > 2 and c[2]]
        neutral = [(None if c[0] == "*" else score.gold_items([c[0]])[0], float(c[1])) for c in g.get("claims_neutral", [])]
        extractor.trace = []
        extractor.extract(entry)
        for t in extractor.trace:
            names = {score.norm(n) for n in t["names"]} - {""}
            if t["task"] == "baseline":
                if names & compared:
                    out["baseline"].append((t["features"], 1))
                elif not names & optional:
                    out["baseline"].append((t["features"], 0))
            elif t["task"] == "metric":
                fair = next((m for gn, gv, m in metrics if gn & names and abs(gv - t["values"][0]) < 1e-6), None)
                if fair is not None:  # the rules' reading where it is a fair one, else the labeller's first
                    out["metric"].append((t["features"], t["rule"] if t["rule"] in fair else fair[0]))
            elif "claims" in g:
                values = t["values"]
                if any(gn & names and any(abs(gv - v) < 1e-6 for v in values) for gn, gv in claims):
                    out["pair"].append((t["features"], 1))
                elif not any((gn is None or gn & names) and any(abs(gv - v) < 1e-6 for v in values) for gn, gv in neutral):
                    out["pair"].append((t["features"], 0))
    extractor.trace = None
    return out


def _joined(*parts: dict[str, list]) -> dict[str, list]:
    return {task: [x for part in parts for x in part[task]] for task in parts[0]}


def fit(data: list[tuple[list[str], int]], meta: dict | None = None) -> LinearModel:
    from sklearn.linear_model import LogisticRegression

    vec, X = _matrix(data)
    y = [label for _, label in data]
    clf = LogisticRegression(C=C, solver="liblinear", random_state=0, max_iter=1000)
    clf.fit(X, y)
    weights = {name: round(float(w), 6) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0]) if abs(w) > 1e-6}
    return LinearModel(weights=weights, intercept=round(float(clf.intercept_[0]), 6), meta={"examples": len(data), "positives": sum(y), "C": C, **(meta or {})})


def score_with(extractor: Extractor, entries: Iterable[ListingEntry], gold: list[dict]) -> Score:
    nodes, rels = {}, {}
    for entry in entries:
        facts = extractor.extract(entry)
        for node in [facts.paper, *facts.nodes]:
            nodes.setdefault(node.key, node)
        for rel in facts.relationships:
            rels.setdefault(rel.key, rel)
    with tempfile.TemporaryDirectory() as tmp:
        export, gold_path = Path(tmp, "graph.jsonl"), Path(tmp, "gold.jsonl")
        with export.open("w", encoding="utf-8") as fh:
            write_export(nodes.values(), rels.values(), fh)
        gold_path.write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
        return score_export(export, gold_path)


def fit_all(data: dict[str, list[tuple[list[str], Any]]], meta: dict | None = None) -> dict[str, Any]:
    models = {task: fit_softmax(rows, meta) if task == "metric" else fit(rows, meta) for task, rows in data.items()}
    models["baseline"] = replace(models["baseline"], threshold=JUDGE_THRESHOLD)
    return models


def _matrix(data: list[tuple[list[str], Any]]):
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer(sort=True)
    X = vec.fit_transform([dict.fromkeys(f, 1) for f, _ in data]).tocsr()
    X.indices, X.indptr = X.indices.astype("int32"), X.indptr.astype("int32")  # liblinear takes 32-bit indices
    return vec, X


def fit_softmax(data: list[tuple[list[str], str]], meta: dict | None = None) -> SoftmaxModel:
    """The metric reader: multinomial logistic regression (lbfgs, deterministic) over the features."""
    from sklearn.linear_model import LogisticRegression

    vec, X = _matrix(data)
    y = [label for _, label in data]
    clf = LogisticRegression(C=C, solver="lbfgs", max_iter=2000)
    clf.fit(X, y)
    classes = [str(c) for c in clf.classes_]
    weights = {name: [round(float(w), 5) for w in clf.coef_[:, j]] for j, name in enumerate(vec.get_feature_names_out()) if abs(clf.coef_[:, j]).max() > 1e-5}
    return SoftmaxModel(classes=classes, weights=weights, intercepts=[round(float(b), 5) for b in clf.intercept_], meta={"examples": len(data), "C": C, **(meta or {})})


SHIPPED = ("baseline",)  # the tasks whose model beat the rules in cross-validation; the others stay measured only
FILES = {"baseline": "baseline.json", "pair": "pairs.json", "metric": "metrics.json"}


def _extractor(models: dict[str, Any], tasks: tuple[str, ...]) -> Extractor:
    return Extractor(
        baseline_model=models["baseline"] if "baseline" in tasks else False,
        pair_model=models["pair"] if "pair" in tasks else False,
        metric_model=models["metric"] if "metric" in tasks else False,
    )


def cross_validate(gold: list[dict], entries: dict[str, ListingEntry], seed: dict[str, list]) -> dict[str, Score]:
    """5-fold cross-validation by paper over the real abstracts (the seed papers always train): the
    rules alone, the shipped models, and all three models, each summed over the folds."""
    variants: dict[str, tuple[str, ...]] = {"rules": (), "shipped": SHIPPED, "all models": tuple(FILES)}
    totals: dict[str, Score] = {}
    for k in range(FOLDS):
        test = [g for g in gold if fold_of(g["gid"]) == k]
        models = fit_all(_joined(examples([g for g in gold if fold_of(g["gid"]) != k], entries), seed))
        fold_entries = [entries[g["gid"]] for g in test if g["gid"] in entries]
        for name, tasks in variants.items():
            s = score_with(_extractor(models, tasks), fold_entries, test)
            totals[name] = totals[name] + s if name in totals else s
    return totals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cv", action="store_true", help="5-fold cross-validation by paper instead of training")
    ap.add_argument("--batches", nargs="*", help="label batches to use (default: all)")
    a = ap.parse_args(argv)
    gold = real_gold(a.batches)
    entries = corpus_entries({g["gid"] for g in gold})
    seed_gold, seed_entries = seed_data()
    seed = examples(seed_gold, seed_entries)
    if a.cv:
        print(f"{len(gold)} labelled real abstracts, {FOLDS} folds by arXiv id (the {len(seed_gold)} labelled seed papers always train)")
        for name, score in cross_validate(gold, entries, seed).items():
            print(f"  {name:<11} " + " ".join(f"{k}={v:.3f}" for k, v in score.summary().items()))
        return 0
    models = fit_all(_joined(examples(gold, entries), seed), meta={"papers": len(gold), "seed_papers": len(seed_gold)})
    MODELS.mkdir(exist_ok=True)
    for task in SHIPPED:
        model, path = models[task], MODELS / FILES[task]
        path.write_text(model.to_json(), encoding="utf-8")
        print(f"{task}: {model.meta['examples']} examples from {len(gold)} real and {len(seed_gold)} seed papers, {len(model.weights)} weights -> {path}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError) as exc:  # no labels or no ../shared beside the checkout: one line, not a traceback
        sys.exit(f"train: {exc}")
