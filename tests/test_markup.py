"""Text as it arrives (issue 21): a claim typed plainly, in arXiv TeX, in Hugging Face HTML and in
BibTeX gives the same facts, read through each format's own reader."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings, strategies as st

from loaders.extract import Extractor
from loaders.formats import ReadOptions, ReadStats, arxiv_jsonl, bibtex, hf_daily

EXTRACTOR = Extractor()
BASELINES = ["vLLM", "SGLang", "TensorRT-LLM", "DeepSpeed", "FlashAttention-2", "Orca"]
METRICS = ["higher throughput", "lower latency", "less memory", "faster training"]


def _facts(entries: list) -> set[tuple]:
    (entry,) = entries
    facts = EXTRACTOR.extract(entry)
    names = {n.key: n.properties["name"] for n in facts.nodes}
    return {
        (r.type.value, names.get(r.end, r.end), tuple(r.properties.get("claim_values") or ()), tuple(r.properties.get("claim_metrics") or ()))
        for r in facts.relationships if r.type.value in ("COMPARES_TO", "TARGETS", "PROPOSES")
    }


def _read(module, path: Path) -> list:
    return list(module.read(path, path.name, ReadOptions(), ReadStats()))


def _arxiv(folder: Path, abstract: str) -> Path:
    path = folder / "papers.jsonl"
    path.write_text(json.dumps({"id": "2501.00001", "title": "Rapido: Fast LLM Serving", "abstract": abstract}) + "\n", encoding="utf-8")
    return path


@settings(max_examples=40, deadline=None)
@given(
    baseline=st.sampled_from(BASELINES),
    whole=st.integers(1, 40), tenths=st.integers(0, 9),
    percent=st.booleans(), metric=st.sampled_from(METRICS), bound=st.sampled_from(["", "up to "]),
)
def test_a_claim_gives_the_same_facts_plainly_and_in_each_markup(baseline: str, whole: int, tenths: int, percent: bool, metric: str, bound: str) -> None:
    value = f"{whole}.{tenths}"
    plain_unit, tex_unit, html_unit = ("%", "\\%", "%") if percent else ("x", "$\\times$", "&times;")
    plain = f"We present Rapido. Rapido achieves {bound}{value}{plain_unit} {metric} than {baseline} on A100 GPUs."
    tex = f"We present \\textsc{{Rapido}}. Rapido achieves {bound}{value}{tex_unit} {metric} than \\texttt{{{baseline}}} on A100~GPUs."
    html = f"We present <b>Rapido</b>. Rapido achieves {bound}{value}{html_unit} {metric} than <i>{baseline}</i> on A100&nbsp;GPUs."
    bib = f"We present {{Rapido}}. Rapido achieves {bound}{value}{tex_unit} {metric} than {{{baseline}}} on A100~GPUs."
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        expected = _facts(_read(arxiv_jsonl, _arxiv(folder, plain)))
        assert any(f[0] == "COMPARES_TO" and f[2] for f in expected), expected
        assert _facts(_read(arxiv_jsonl, _arxiv(folder, tex))) == expected
        hf = folder / "daily.json"
        hf.write_text(json.dumps([{"paper": {"id": "2501.00001", "title": "Rapido: Fast LLM Serving", "summary": html}}]), encoding="utf-8")
        assert _facts(_read(hf_daily, hf)) == expected
        bibfile = folder / "refs.bib"
        bibfile.write_text(f"@article{{rapido,\n  title = {{{{Rapido}}: Fast {{LLM}} Serving}},\n  abstract = {{{bib}}},\n  year = {{2025}}\n}}\n", encoding="utf-8")
        assert _facts(_read(bibtex, bibfile)) == expected


def test_evidence_is_a_readable_sentence() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (entry,) = _read(arxiv_jsonl, _arxiv(Path(tmp), r"We present Rapido. Rapido is up to 2.1$\times$ faster than \textbf{vLLM} and uses 35\% less memory."))
    (edge,) = [r for r in EXTRACTOR.extract(entry).relationships if r.type.value == "COMPARES_TO"]
    assert edge.properties["evidence"] == "Rapido is up to 2.1× faster than vLLM and uses 35% less memory."
    assert edge.properties["claim_values"] == [2.1, 35.0]
