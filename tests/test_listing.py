"""Listing files -> ListingEntry: the three layouts, their edge cases, errors and properties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.model import ListingEntry, title_key
from loaders.listing import ListingError, parse_listing, read_listing

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE = ROOT / "loaders" / "examples" / "example_listing.txt"
SEED_DIRS = [Path("/work/shared/seeds"), ROOT.parent / "shared" / "seeds"]
SEEDS = next((d for d in SEED_DIRS if d.is_dir()), None)

HEADER_LINES = {
    "new",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
    "subscribe",
    "daily papers",
    "byak and the research community",
}
META_LINE = re.compile(
    r"\s*(?:[\u2022\u00b7]\s*)?\d+ authors?|[\u00b7\u2022]|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}(?:, \d{4})?(?: \d+)?"
)


def fixture(name: str) -> list[ListingEntry]:
    return read_listing(FIXTURES / name)


def brief(entries: list[ListingEntry]) -> list[tuple]:
    return [(e.title_line, e.abstract_line, e.title) for e in entries]


def line_count(text: str) -> int:
    return len(re.split(r"\r\n|\r|\n", text))


# --- the fixtures, exactly -------------------------------------------------------------


def test_blank_separated_layout():
    entries = fixture("blank_separated.txt")
    assert brief(entries) == [
        (13, 15, "FooServe: Elastic KV-Cache Paging for High-Throughput LLM Serving"),
        (17, 19, "TileFuse: Auto-Tuned Kernel Fusion for Attention on Hopper GPUs"),
        (21, 23, "Can Pipeline Bubbles Be Eliminated? Zero-Idle Scheduling for Trillion-Parameter Training"),
        (25, None, "SparseLane: Structured Sparsity Kernels for FPGA Inference"),
        (27, 29, "QuantaShard: Mixed-Precision Tensor Parallelism on TPU v4 Pods"),
    ]
    assert all(e.listing_date == "Mar 11" and e.source == "blank_separated.txt" for e in entries)
    assert all(e.published is None and e.authors is None and e.organisation is None for e in entries)
    assert entries[0].abstract.startswith("Serving large language models is bounded by the memory")
    assert entries[0].abstract.endswith("the gains grow to 2.6x for 70B-parameter models.")
    assert "FooServe outperforms vLLM by 2.1x throughput on A100 GPUs" in entries[0].abstract
    assert entries[3].abstract == ""


def test_abstract_is_the_exact_line_text():
    lines = (FIXTURES / "blank_separated.txt").read_text(encoding="utf-8").split("\n")
    for entry in fixture("blank_separated.txt"):
        assert lines[entry.title_line - 1] == entry.title
        if entry.abstract_line:
            assert lines[entry.abstract_line - 1] == entry.abstract


def test_with_meta_layout():
    entries = fixture("with_meta.txt")
    got = [(e.title_line, e.abstract_line, e.published, e.authors, e.organisation) for e in entries]
    assert got == [
        (13, 15, "Jan 12, 2018", 5, None),
        (21, 23, "May 18", 3, None),  # "May 18 2": upvote count stripped
        (29, 31, "Sep 29", None, "ML Systems Lab"),  # org line "mlsyslab ML Systems Lab"
        (37, 39, None, None, None),  # no meta lines at all
        (41, 43, "Jan 31, 2024", 8, None),  # "Jan 31, 2024 1"
        (49, None, "Sep 27", 2, None),  # no abstract, meta follows the title
        (55, 57, "Feb 24", None, "TPU Research Collective"),
    ]
    assert [e.title for e in entries][:3] == [
        "EdgeBatch: Dynamic Batching for Transformer Inference on Jetson Orin",
        "RingFlow: Overlapping Ring All-Reduce with Backward Computation",
        "MoEGate: Expert-Parallel Routing without All-to-All Bottlenecks",
    ]
    assert entries[5].title == "CompilerGym-ML: A Benchmark for Learned Tensor Program Schedulers"
    assert all(e.listing_date == "Oct 27" for e in entries)
    assert entries[2].abstract.endswith("it outperforms Tutel by 1.3x on a 1.2T-parameter model.")


def test_compact_layout_strips_subscribe_glue():
    entries = fixture("compact.txt")
    assert brief(entries) == [
        (3, 4, "CipherCore: Running Homomorphic Encryption on Systolic AI Accelerators"),
        (5, 6, "Int4Pipe: Low-Bit Weight Streaming for Pipeline-Parallel Inference"),
        (7, None, "Systolic Arrays Revisited: Dataflow Choices for Sparse Transformers"),
        (8, 9, "GraphTile: Sampling-Free Mini-Batch Training of Graph Neural Networks"),
        (10, 11, "Roofline-Guided Autotuning of GEMM Kernels on AMD MI250X"),
    ]
    assert all(e.listing_date is None for e in entries)
    assert entries[3].abstract.startswith("Sampling-based training of graph neural networks")


def test_crlf_and_bom():
    entries = fixture("crlf_bom.txt")
    assert brief(entries) == [
        (11, 13, "WattWise: Energy-Proportional Scheduling for GPU Inference Clusters"),
        (15, 17, "Async checkpoints for elastic training"),
        (19, None, "Tensor Core Utilisation in Sparse Convolutions: A Measurement Study"),
    ]
    # a short abstract is still recognised by its sentences
    assert entries[1].abstract == (
        "Snapshotting optimizer state stalls training. "
        "CheckFlow copies it asynchronously and cuts stall time by 9x versus DeepSpeed."
    )
    assert all(e.listing_date == "Aug 11" for e in entries)
    assert not any("\r" in e.title + e.abstract or "\ufeff" in e.title for e in entries)


@pytest.mark.parametrize("name", ["blank_separated.txt", "with_meta.txt", "compact.txt"])
def test_line_endings_and_bom_do_not_change_the_result(name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    plain = parse_listing(text, name)
    assert parse_listing(text.replace("\n", "\r\n"), name) == plain
    assert parse_listing(text.replace("\n", "\r"), name) == plain
    assert parse_listing("\ufeff" + text, name) == plain


def test_example_listing_for_make_demo():
    entries = read_listing(EXAMPLE)
    assert 8 <= len(entries) <= 12
    assert all(e.abstract and e.listing_date == "Jun 3" for e in entries)
    assert entries[0].title == "PagedServe: Continuous Batching with Block-Level KV-Cache Sharing"
    assert any("vLLM" in e.abstract for e in entries)


@pytest.mark.parametrize(
    ("first_line", "title"),
    [
        ("SubscribeCipherCore: Encrypted Inference", "CipherCore: Encrypted Inference"),
        ("SubscribevAttention: Dynamic Memory for Serving", "vAttention: Dynamic Memory for Serving"),
        ("Subscribe 3D Parallelism at Scale", "3D Parallelism at Scale"),
        ("Subscribers Matter: Pub-Sub Queues for Inference", "Subscribers Matter: Pub-Sub Queues for Inference"),
    ],
)
def test_subscribe_glue_variants(first_line, title):
    text = f"Get trending papers in your email inbox!\n{first_line}\nWe study it. " + "It is fast. " * 30
    assert parse_listing(text, "g.txt")[0].title == title


def test_header_and_glue_never_leak_into_titles():
    for path in [*FIXTURES.glob("*.txt"), EXAMPLE]:
        if path.name == "header_only.txt":
            continue
        for entry in read_listing(path):
            assert entry.title.lower() not in HEADER_LINES
            assert not entry.title.lower().startswith(("subscribe", "get trending"))


# --- smaller behaviours -----------------------------------------------------------------


def test_whitespace_is_normalised_but_text_kept():
    entries = parse_listing("  Fast\t\tMoE   Routing  \n\nWe   show it works. It is 2x faster than Tutel on H100 GPUs.  \n", "w.txt")
    assert entries[0].title == "Fast MoE Routing"
    assert entries[0].abstract == "We show it works. It is 2x faster than Tutel on H100 GPUs."


def test_org_line_keeps_display_part_or_whole_line():
    text = "A Title About Kernels\n\n{org}\n\u00b7\nSep 29 3\n"
    assert parse_listing(text.format(org="stanfordnlp Stanford NLP"), "o")[0].organisation == "Stanford NLP"
    assert parse_listing(text.format(org="deepseek-ai DeepSeek"), "o")[0].organisation == "DeepSeek"
    assert parse_listing(text.format(org="Qwen Qwen"), "o")[0].organisation == "Qwen"
    assert parse_listing(text.format(org="Meta AI"), "o")[0].organisation == "Meta AI"


def test_date_variants():
    def published(line: str) -> str | None:
        return parse_listing(f"T\n\n  \u2022 3 authors\n\u00b7\n{line}\n", "d")[0].published

    assert published("Jan 12, 2018") == "Jan 12, 2018"
    assert published("Sep 27") == "Sep 27"
    assert published("May 18 2") == "May 18"
    assert published("Jan 31, 2024 1") == "Jan 31, 2024"
    assert published("Oct 6 123") == "Oct 6"


def test_orphan_abstract_is_not_turned_into_a_title():
    long = "We measure GPU memory. " * 20
    entries = parse_listing(f"{long}\n\nReal Title\n\n{long}\n\n{long}\n", "o.txt")
    assert brief(entries) == [(3, 5, "Real Title")]


def test_source_name():
    assert {e.source for e in read_listing(FIXTURES / "compact.txt", source="renamed.txt")} == {"renamed.txt"}


# --- errors -----------------------------------------------------------------------------


def assert_listing_error(path: Path, *fragments: str) -> None:
    with pytest.raises(ListingError) as info:
        read_listing(path)
    message = str(info.value)
    assert path.name in message and "\n" not in message
    for fragment in fragments:
        assert fragment in message


def test_empty_and_blank_files(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.txt").write_text(" \n\n\t\r\n")
    assert_listing_error(tmp_path / "empty.txt", "empty")
    assert_listing_error(tmp_path / "blank.txt", "empty")


def test_header_only_file_has_no_entries():
    assert_listing_error(FIXTURES / "invalid" / "header_only.txt", "no paper entries")


def test_binary_and_non_utf8_files(tmp_path):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("Caf\u00e9 Kernels\n".encode("latin-1"))
    assert_listing_error(tmp_path / "image.txt", "binary")
    assert_listing_error(tmp_path / "latin1.txt", "UTF-8")


def test_missing_file_and_directory(tmp_path):
    assert_listing_error(tmp_path / "nope.txt", "no such file")
    (tmp_path / "folder.txt").mkdir()
    assert_listing_error(tmp_path / "folder.txt", "directory")


def test_listing_error_is_a_value_error():
    assert issubclass(ListingError, ValueError)
    with pytest.raises(ValueError, match="x.txt: no paper entries"):
        parse_listing("\u00b7\n---\n", "x.txt")


# --- the real seed listings (read-only, outside the repo) -------------------------------

SEED_COUNTS = {
    "000_94e9363b093cff6c.txt": 98,
    "001_bbc76bbbcda0a117.txt": 66,
    "002_0c7ecdc2b0f974cc.txt": 82,
    "003_96ed8e89dfb80d9d.txt": 46,
    "004_ad416b3092caf491.txt": 170,
}
needs_seeds = pytest.mark.skipif(SEEDS is None, reason="shared seed listings not present")


@needs_seeds
@pytest.mark.parametrize("name", sorted(SEED_COUNTS))
def test_seed_entry_counts_and_titles(name):
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"{name} not present")
    entries = read_listing(path)
    assert len(entries) == SEED_COUNTS[name]
    for entry in entries:
        assert len(entry.title) < 250 and entry.title.count(". ") == 0, entry.title
        assert not META_LINE.fullmatch(entry.title), entry.title
        assert entry.title.lower() not in HEADER_LINES
        assert not entry.title.startswith("Subscribe")
        assert len(entry.abstract) > 300  # every seed entry has its abstract
        assert entry.abstract_line == entry.title_line + (1 if name.startswith("004") else 2)


@needs_seeds
def test_seed_meta_and_distinct_titles():
    if not all((SEEDS / name).exists() for name in SEED_COUNTS):
        pytest.skip("not all seed listings present")
    meta = read_listing(SEEDS / "003_96ed8e89dfb80d9d.txt")
    assert sum(e.published is not None for e in meta) == 45
    assert sum(e.authors is not None for e in meta) == 43
    assert [e.organisation for e in meta if e.organisation] == ["Stanford NLP", "DeepSeek"]
    assert meta[0].published == "Jan 12, 2018" and meta[0].authors == 5
    titles = {title_key(e.title) for name in SEED_COUNTS for e in read_listing(SEEDS / name)}
    assert len(titles) == 389


# --- properties -------------------------------------------------------------------------

BLOCKS = [
    "", "", "", " ", "new", "Subscribe", "Daily Papers", "byAK and the research community",
    "Get trending papers in your email inbox!", "Get trending papers in your email inbox once a day!",
    "SubscribeFastKernels: Fused Attention", "Subscribe", "  \u2022 4 authors", "\u2022 17 authors", "\u00b7",
    "Jan 12, 2018", "Sep 27", "May 18 2", "Jan 31, 2024 1", "Mar 11", "stanfordnlp Stanford NLP",
    "deepseek-ai DeepSeek", "Short Title", "How Fast Is It? A Study", "x", "---", "\u00b7\u00b7",
    "We present FooServe. It outperforms vLLM by 2.1x throughput on A100 GPUs. " * 5,
    "A mid length line with no period but quite a few words in it for sure yes",
]
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])
LINES = st.one_of(st.sampled_from(BLOCKS), st.text(max_size=80), st.text(alphabet=" \t.\u00b7\u2022Aa1:,?", max_size=40))


@st.composite
def listing_like(draw) -> str:
    newline = draw(NEWLINES)
    text = newline.join(draw(st.lists(LINES, max_size=40)))
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text + draw(st.sampled_from(["", newline]))


def check_entries(text: str, source: str) -> None:
    try:
        entries = parse_listing(text, source)
    except ListingError as exc:
        assert "\n" not in str(exc) and source in str(exc)
        return
    assert entries
    total = line_count(text)
    for entry in entries:
        assert entry.title and entry.title == entry.title.strip()
        assert "\n" not in entry.title and "\r" not in entry.title
        assert entry.title.lower() not in HEADER_LINES
        assert 1 <= entry.title_line <= total
        if entry.abstract_line is not None:
            assert entry.title_line < entry.abstract_line <= total and entry.abstract
        assert entry.source == source
    assert parse_listing(text, source) == entries  # deterministic


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(listing_like())
def test_property_block_mixes(text):
    check_entries(text, "mix.txt")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_property_arbitrary_text(text):
    check_entries(text, "random.txt")


WORDS = ["Sparse", "Kernel", "Fusion", "Serving", "Pipeline", "Tensor", "Parallel", "Cache", "GPU",
         "Accelerator", "Quantized", "Inference", "Training", "for", "of", "with", "on", "Scalable"]
TITLES = st.lists(st.sampled_from(WORDS), min_size=2, max_size=10).map(" ".join)
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=12, max_size=20).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
ABSTRACTS = st.lists(SENTENCE, min_size=3, max_size=5).map(" ".join)
META = st.one_of(
    st.none(),
    st.tuples(st.integers(1, 40), st.none(), st.sampled_from(["Jan 12, 2018", "Sep 27"]), st.sampled_from(["", " 3"])),
    st.tuples(st.none(), st.just("mlsys ML Sys"), st.sampled_from(["May 18, 2024", "Feb 2"]), st.sampled_from(["", " 12"])),
)
PAPERS = st.lists(st.tuples(TITLES, st.one_of(st.just(""), ABSTRACTS), META), min_size=1, max_size=8)


def render(papers, layout: str) -> tuple[str, list[tuple]]:
    """Write papers in a layout; return the text and the expected (title, abstract, lines, meta)."""
    if layout == "compact":
        lines = ["Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!", "Subscribe"]
    else:
        lines = ["new", "", "Subscribe", "", "byAK and the research community", "", "Mar 11", ""]
    expected = []
    for i, (title, abstract, meta) in enumerate(papers):
        if layout == "compact" and i == 0:
            lines[-1] += title
        else:
            lines.append(title)
        title_line = len(lines)
        abstract_line = None
        if abstract:
            lines += [abstract] if layout == "compact" else ["", abstract]
            abstract_line = len(lines)
        published = authors = org = None
        if layout == "meta" and meta:
            authors, org, published, votes = meta
            lines += ["", f"  \u2022 {authors} authors" if authors else org, "\u00b7", published + votes]
            org = org and "ML Sys"
        if layout != "compact":
            lines.append("")
        expected.append((title, abstract, title_line, abstract_line, published, authors, org))
    return "\n".join(lines), expected


@settings(max_examples=200, deadline=None)
@given(PAPERS, st.sampled_from(["blank", "meta", "compact"]))
def test_property_rendered_listings_round_trip(papers, layout):
    text, expected = render(papers, layout)
    got = [(e.title, e.abstract, e.title_line, e.abstract_line, e.published, e.authors, e.organisation)
           for e in parse_listing(text, "r.txt")]
    assert got == expected
