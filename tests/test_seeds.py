"""The real seed listings end to end: one Paper per paper, cited relationships, idempotent loads,
and the dev-gold scores kept at or above the targets of the extraction-quality issue."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOLD, SCORE, SEEDS, needs_gold, needs_seeds
from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.model import title_key

TARGETS = {"PROPOSES": 0.90, "COMPARES_TO": 0.80, "TARGETS": 0.80}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeGraph, Path]:
    store = tmp_path_factory.mktemp("seeds") / "kg"
    kg = KnowledgeGraph.open(Settings(store=store))
    kg.load([SEEDS])
    export = store.parent / "graph.jsonl"
    with export.open("w", encoding="utf-8") as fh:
        kg.export(fh)
    return kg, export


def _records(export: Path) -> list[dict]:
    return [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]


@needs_seeds
def test_one_paper_node_per_distinct_paper_across_the_listings(seeded: tuple[KnowledgeGraph, Path]) -> None:
    _, export = seeded
    # the listings' papers; the catalogue's origin stubs (no sources) are not listed
    papers = [r for r in _records(export) if r["type"] == "node" and r["labels"] == ["Paper"] and r["properties"].get("sources")]
    keys = [title_key(p["properties"]["title"]) for p in papers]
    assert len(keys) == len(set(keys))
    listed = set()
    for path in SEEDS.glob("*.txt"):
        from loaders.listing import read_listing

        listed |= {title_key(e.title) for e in read_listing(path)}
    assert set(keys) == listed
    repeated = [p for p in papers if len({s.split(":")[0] for s in p["properties"]["sources"]}) > 1]
    assert repeated, "papers that appear in several listings list every source"


@needs_seeds
def test_every_relationship_cites_evidence_and_source(seeded: tuple[KnowledgeGraph, Path]) -> None:
    _, export = seeded
    rels = [r for r in _records(export) if r["type"] == "relationship"]
    assert len(rels) > 500
    for r in rels:
        props = r["properties"]
        assert props["evidence"].strip() and props["source"].strip(), r
        if r["label"] == "PROPOSES" and props["source"].startswith("catalogue/"):  # an origin the catalogue names
            assert re.fullmatch(r"catalogue/\w+\.toml", props["source"]) and props["line"] >= 1
        elif r["label"] not in ("IS_A", "VARIANT_OF"):  # catalogue facts cite the catalogue
            assert re.fullmatch(r".+\.txt", props["source"]) and props["line"] >= 1


@needs_seeds
def test_loading_the_seeds_again_changes_nothing(seeded: tuple[KnowledgeGraph, Path]) -> None:
    kg, export = seeded
    again = kg.load([SEEDS])
    assert not again.summary.changed
    out = export.with_name("again.jsonl")
    with out.open("w", encoding="utf-8") as fh:
        kg.export(fh)
    assert out.read_bytes() == export.read_bytes()


def _scores(export: Path, gold: Path) -> tuple[dict[str, float], str]:
    result = subprocess.run(
        [sys.executable, str(SCORE), "--export", str(export), "--gold", str(gold)],
        capture_output=True, text=True, check=True,
    )
    summary = next(line for line in result.stdout.splitlines() if line.startswith("F1 "))
    return {k: float(v) for k, v in (item.split("=") for item in summary[3:].split())}, result.stdout


@needs_seeds
@needs_gold
def test_dev_gold_scores_stay_at_or_above_the_targets(seeded: tuple[KnowledgeGraph, Path]) -> None:
    _, export = seeded
    scores, report = _scores(export, GOLD)
    for relation, target in TARGETS.items():
        assert scores[relation] >= target, report
    assert "found in export: 45" in report


# 325 more papers of the seeds (none of them in dev_gold), labelled to GUIDE.md by this project
# without looking at the extractor's output. Rules were later tuned on some of their errors, so these
# floors guard against regressions rather than measure unseen text.
PROJECT_GOLD = Path(__file__).parent / "data" / "project_gold.jsonl"
PROJECT_FLOORS = {"PROPOSES": 0.88, "COMPARES_TO": 0.85, "TARGETS": 0.85}


@needs_seeds
@needs_gold
def test_project_labelled_papers_stay_above_their_floors(seeded: tuple[KnowledgeGraph, Path]) -> None:
    _, export = seeded
    scores, report = _scores(export, PROJECT_GOLD)
    for relation, floor in PROJECT_FLOORS.items():
        assert scores[relation] >= floor, report
    assert "found in export: 325" in report


@needs_seeds
def test_canned_queries_answer_the_users_questions(seeded: tuple[KnowledgeGraph, Path]) -> None:
    kg, _ = seeded
    vllm = kg.query("papers-comparing-to", name="vLLM")
    assert len(vllm) >= 4 and all("vLLM" in r["evidence"] for r in vllm)
    assert any(r["claims"] for r in vllm), "how much they beat vLLM by"
    tpu = kg.query("papers-targeting", hardware="TPUs")
    products = {r["hardware"] for r in tpu} - {"TPU"}
    assert tpu and products, "a class includes its products"
    assert all(kg.show(p).properties["class"] == "TPU" for p in products)
    top = kg.query("most-compared", limit=5)
    assert [r["papers"] for r in top] == sorted((r["papers"] for r in top), reverse=True)
    shown = kg.show("VLLM")
    assert shown.label == "System" and any(f.type == "COMPARES_TO" and f.direction == "in" for f in shown.facts)


# Claims ([baseline, value, metric]) of 62 seed papers, and 112 abstracts this project wrote in
# phrasings the seeds do not use, all labelled without looking at the extractor's output; the
# closing notes of the issues give each batch's first-run score. Floors guard against regressions.
DATA = Path(__file__).parent / "data"
CLAIM_FLOORS = {"precision": 0.95, "recall": 0.87, "metric": 0.89}
FRESH_FLOORS = {"COMPARES_TO": 0.85, "precision": 0.84, "recall": 0.76, "metric": 0.86}


def _claim_scores(report: str) -> dict[str, float]:
    m = re.search(r"claims: precision ([\d.]+) recall ([\d.]+) .*metric ([\d.]+)", report)
    assert m, report
    return dict(zip(("precision", "recall", "metric"), map(float, m.groups())))


def _joined(pattern: str, out: Path) -> Path:
    out.write_text("".join(p.read_text(encoding="utf-8") for p in sorted(DATA.glob(pattern))), encoding="utf-8")
    return out


@needs_seeds
@needs_gold
def test_claims_of_the_labelled_seed_papers_stay_above_their_floors(seeded: tuple[KnowledgeGraph, Path]) -> None:
    _, export = seeded
    _, report = _scores(export, _joined("claims_gold_b*.jsonl", export.with_name("claims_gold.jsonl")))
    scores = _claim_scores(report)
    assert all(scores[k] >= floor for k, floor in CLAIM_FLOORS.items()), report


@needs_gold
def test_fresh_abstracts_in_unfamiliar_phrasing_stay_above_their_floors(tmp_path: Path) -> None:
    kg = KnowledgeGraph.open(Settings(store=tmp_path / "kg"))
    kg.load([DATA / "fresh"])
    export = tmp_path / "fresh.jsonl"
    with export.open("w", encoding="utf-8") as fh:
        kg.export(fh)
    f1, report = _scores(export, _joined("fresh_gold_b*.jsonl", tmp_path / "fresh_gold.jsonl"))
    scores = {"COMPARES_TO": f1["COMPARES_TO"], **_claim_scores(report)}
    assert all(scores[k] >= floor for k, floor in FRESH_FLOORS.items()), report


@needs_seeds
def test_few_claims_on_the_seeds_have_no_metric(seeded: tuple[KnowledgeGraph, Path]) -> None:
    _, export = seeded
    metrics = [m for r in _records(export) if r.get("label") == "COMPARES_TO" for m in r["properties"].get("claim_metrics", [])]
    assert len(metrics) > 100 and metrics.count("other") / len(metrics) < 0.10


# ---- seed defects a user found in minutes (issue 21) ------------------------------------------

def _seed_facts(title_start: str) -> dict[str, dict]:
    """COMPARES_TO and TARGETS of the seed paper whose title starts so: end node name -> properties."""
    from loaders.extract import Extractor
    from loaders.listing import read_listing

    entry = next(e for p in sorted(SEEDS.glob("*.txt")) for e in read_listing(p) if e.title.startswith(title_start))
    facts = Extractor().extract(entry)
    names = {n.key: n.properties["name"] for n in facts.nodes}
    return {f"{r.type.value} {names[r.end]}": r.properties for r in facts.relationships if r.type.value in ("COMPARES_TO", "TARGETS")}


@needs_seeds
def test_thunderkittens_matching_is_not_beating_and_unnamed_baselines_take_no_margin() -> None:
    got = _seed_facts("ThunderKittens")
    assert "COMPARES_TO FlashAttention-3" in got, got  # "We match ... FlashAttention-3" is still a comparison
    assert not any(props.get("claim_values") for props in got.values()), got  # 10-40%, 8x and 14x are over "the strongest baselines"


@needs_seeds
def test_sn40l_dgx_servers_are_baselines_never_targets() -> None:
    got = _seed_facts("SambaNova SN40L")
    h100, a100 = got["COMPARES_TO DGX H100"]["claim_values"], got["COMPARES_TO DGX A100"]["claim_values"]
    assert 3.7 in h100 and 6.6 not in h100 and a100 == [6.6], got
    assert not {"TARGETS DGX A100", "TARGETS DGX H100", "TARGETS GPU"} & set(got), got


@needs_seeds
def test_fastswitch_tail_ttft_and_tbt_gains_are_less_latency() -> None:
    props = _seed_facts("FastSwitch")["COMPARES_TO vLLM"]
    assert props["claim_values"] == [1.4, 11.2]
    assert props["claim_metrics"] == ["latency", "latency"] and props["claim_directions"] == ["lower", "lower"]
