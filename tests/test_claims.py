"""Numbers go to the baseline the sentence states them against, read from its structure.

The sentences are the project's own, in shapes the seed listings rarely use."""

from __future__ import annotations

import pytest

from graph.model import ListingEntry
from loaders.extract import Extractor


def claims_of(sentence: str, title: str = "Quasar: A System") -> dict[str, list[tuple[float, str]]]:
    entry = ListingEntry(title=title, abstract=sentence, source="t.txt", title_line=1, abstract_line=2)
    facts = Extractor().extract(entry)
    names = {n.key: n.properties["name"] for n in facts.nodes}
    return {
        names[r.end]: list(zip(r.properties.get("claim_values", []), r.properties.get("claim_metrics", [])))
        for r in facts.relationships
        if r.type.value == "COMPARES_TO"
    }


@pytest.mark.parametrize("sentence, expected", [
    # respectively, numbers first and baselines first
    ("Quasar reaches 1.7x and 2.9x the decode throughput of SGLang and vLLM, respectively.",
     {"SGLang": [1.7], "vLLM": [2.9]}),
    ("Against TensorRT-LLM and DeepSpeed-MII, respectively, Quasar lowers median latency by 18% and 44%.",
     {"TensorRT-LLM": [18.0], "DeepSpeed-MII": [44.0]}),
    # each baseline with its own margin
    ("Quasar outperforms vLLM by 2.1x and TensorRT-LLM by 1.3x on long prompts.",
     {"vLLM": [2.1], "TensorRT-LLM": [1.3]}),
    ("Quasar beats vLLM (1.9x) and SGLang (1.4x) in tokens per second.",
     {"vLLM": [1.9], "SGLang": [1.4]}),
    # a margin of an unnamed baseline is nobody's; the named one keeps its own
    ("Quasar improves throughput by 3.2x over a naive scheduler and by 1.5x over vLLM.",
     {"vLLM": [1.5]}),
    ("Quasar runs within 3% of cuBLAS and is 2.4x faster than cuDNN.",
     {"cuBLAS": [3.0], "cuDNN": [2.4]}),
    # the baseline as the subject of a losing verb
    ("On an H100, DeepSpeed trails Quasar by 27% while Megatron-LM needs 2.2x more memory.",
     {"DeepSpeed": [27.0], "Megatron-LM": [2.2]}),
    # out-verbs, a baseline's own metric as the object, a lone capitalized name, subjects that lose
    ("Quasar outscores Mistral-7B by 6.1 points on GSM8K.", {"Mistral 7B": [6.1]}),
    ("Quasar trims SGLang's p99 latency by 30% on bursty traces.", {"SGLang": [30.0]}),
    ("Compared with Wavelet, Quasar recovers 3x faster from preemptions.", {"Wavelet": [3.0]}),
    ("TorchRec and HugeCTR are 1.5x and 2x slower, respectively.", {"TorchRec": [1.5], "HugeCTR": [2.0]}),
    # absolute results are not claims against anyone
    ("Quasar reaches 71% of peak FLOPs and is 1.6x faster than FlashAttention-2.",
     {"FlashAttention-2": [1.6]}),
])
def test_each_number_goes_to_the_baseline_it_is_stated_against(sentence: str, expected: dict[str, list[float]]) -> None:
    found = claims_of(sentence)
    assert {name: [v for v, _ in claims] for name, claims in found.items() if claims} == expected


@pytest.mark.parametrize("sentence, metric", [
    ("Quasar delivers 2.3x lower time-to-first-token than vLLM.", "latency"),
    ("Quasar checkpoints are 5x smaller than DeepSpeed checkpoint files.", "size"),
    ("Quasar raises goodput by 40% over vLLM.", "throughput"),
    ("Quasar outperforms cuBLAS by 1.8x.", "speed"),
    ("Quasar beats PyTorch FSDP by 1.9x in step time.", "speed"),
    ("Quasar uses 35% less energy than TensorRT.", "energy"),
])
def test_the_metric_is_read_in_the_numbers_clause(sentence: str, metric: str) -> None:
    found = [c for claims in claims_of(sentence).values() for c in claims]
    assert [m for _, m in found] == [metric]


from hypothesis import example, given, settings, strategies as st

_PIECES = ["Quasar", "vLLM", "SGLang's", "TTFT:", "Results:", "1.7x", "2.5×", "40%", "3.2 points", "a factor of 2", "between 1.2× and",
           "than", "over", "vs.", "respectively", "that of", "the throughput of", "trails by", "is outperformed by", "within",
           "of", "and", ",", ";", ".", "lower", "higher", "latency", "on A100 GPUs", "Compared with", "Against", "(", ")", "by"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=30))
@example(["Results:", "1.7x", "over", "vLLM"])  # a label before a colon that names no metric
def test_extraction_never_fails_on_any_arrangement_of_comparison_words(pieces: list[str]) -> None:
    found = claims_of(" ".join(pieces))
    assert all(isinstance(v, float) for claims in found.values() for v, _ in claims)


def directions_of(sentence: str) -> list[str]:
    entry = ListingEntry(title="Quasar: A System", abstract=sentence, source="t.txt", title_line=1, abstract_line=2)
    return [d for r in Extractor().extract(entry).relationships for d in r.properties.get("claim_directions", [])]


@pytest.mark.parametrize("sentence, direction", [
    ("Quasar delivers 2.3x lower time-to-first-token than vLLM.", "lower"),
    ("Quasar cuts memory by 40% compared with DeepSpeed.", "lower"),
    ("Quasar runs within 3% of cuBLAS.", "within"),
    ("Quasar is 2.4x faster than cuDNN.", "higher"),
])
def test_each_claim_says_which_way_the_metric_moved(sentence: str, direction: str) -> None:
    assert directions_of(sentence) == [direction]


def test_claims_of_an_older_load_without_directions_stay_parallel() -> None:
    from graph.merge import merge_properties

    old = {"claims": ["2× speed"], "claim_values": [2.0], "claim_units": ["x"], "claim_metrics": ["speed"]}
    new = {"claims": ["3× speed"], "claim_values": [3.0], "claim_units": ["x"], "claim_metrics": ["speed"], "claim_directions": ["higher"]}
    merged = merge_properties(old, new)
    assert merged["claim_directions"] == ["unstated", "higher"] and merged["claim_values"] == [2.0, 3.0]
