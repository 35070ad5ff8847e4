"""Extraction rules, one family at a time, on sentences this project wrote itself."""

from __future__ import annotations

import pytest

from graph.model import ListingEntry, Paper
from loaders.extract import Extractor

EXTRACTOR = Extractor()


def facts(title: str, abstract: str = "") -> dict[str, list[str]]:
    entry = ListingEntry(title=title, abstract=abstract, source="t.txt", title_line=1, abstract_line=2)
    out: dict[str, list[str]] = {}
    result = EXTRACTOR.extract(entry)
    names = {n.key: n.properties.get("name") for n in result.nodes}
    for r in result.relationships:
        out.setdefault(r.type.value, []).append(names[r.end])
    return {k: sorted(v) for k, v in out.items()}


def relation(title: str, abstract: str, rel: str) -> list[str]:
    return facts(title, abstract).get(rel, [])


# ---- PROPOSES -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "title, abstract, expected",
    [
        ("KVBoost: Paging the Cache for Fast Serving", "", ["KVBoost"]),
        ("Towards Faster Serving: A Study of Batching", "We study batching.", []),
        ("Quiet Harbor: Elastic Training on Spot Instances", "Quiet Harbor restarts jobs when instances vanish.", ["Quiet Harbor"]),
        ("Compute Well Spent: Rethinking Dense Layers", "We replace dense layers.", []),
        ("Elastic pipelines for training", "We propose PipeMill, a scheduler that keeps stages busy.", ["PipeMill"]),
        ("A method for sparse attention", "We introduce a kernel library called SparseKit for block-sparse attention.", ["SparseKit"]),
    ],
)
def test_proposes_reads_title_names_and_proposal_sentences(title: str, abstract: str, expected: list[str]) -> None:
    assert relation(title, abstract, "PROPOSES") == expected


@pytest.mark.parametrize(
    "title, abstract, expected",
    [
        # the naming word may come before the verb that makes it the paper's own
        ("Sparse training on FPGAs", "A gradient masking method, dubbed GRIMM, is proposed for sparse training.", ["GRIMM"]),
        ("Memory planning as a game", "We cast placement as a puzzle, which we call the tileQuest, and solve it.", ["tileQuest"]),
        # a name set off by a novelty apposition, anywhere in the sentence
        ("Serving prompts at scale", "This paper builds a server that employs Rolling Fuse, a novel prompt packing policy.", ["Rolling Fuse"]),
        # a lower-case name introduced with an apposition
        ("Judging kernels", "We introduce kern-eval2, a new benchmark for generated kernels.", ["kern-eval2"]),
        # a Title-Case label in parentheses after the description of the paper's own method
        ("Cheaper forecasting", "We add a novel adaptive sampling technique (Drift Window) to the pipeline.", ["Drift Window"]),
        ("Rethinking blocks", "We revisit residual blocks by proposing thin-wide-thin (Spindle) blocks.", ["Spindle"]),
        # a capitalized name before the kind of thing it is
        ("World models from panoramas", "We also introduce the Pano-Atlas dataset of indoor scenes.", ["Pano-Atlas"]),
        # two names in the title, each used in the abstract
        ("Heron and Osprey: Recurrent Models with Wide States", "We present Heron and Osprey, two recurrent models.", ["Heron", "Osprey"]),
        # ... but not two plain words the abstract only uses as verbs
        ("Split and Merge: Aligning Judges", "We split answers and merge them back. PairJudge is our system.", []),
        # a run of capitalized words right after the verb, each sentence its own artifact
        ("Orbit: Parallel Decoding", "We design Orbit Attention to split steps. We implement Orbit Engine for serving.",
         ["Orbit", "Orbit Attention", "Orbit Engine"]),
        # ... but not a longer capitalized phrase cut short
        ("Searching cells", "We present Block-wise Guided Neural Architecture Search (BGNAS) for cells.", ["BGNAS"]),
        # an artifact made with another: "to create X"
        ("Measuring code speed", "We use the profiler to create SpeedSet, a benchmark of slow programs.", ["SpeedSet"]),
        # an acronym with its expansion after it, and one with a plain-word expansion called novel
        ("Fusing drafts", "We add several optimizations, introducing GSF (Gated Stream Fusion) to merge features.", ["GSF"]),
        ("Tool planning", "We develop a novel breadth-limited tree search (BLTS) for planning.", ["BLTS"]),
        # a title that is a name with its acronym; a name in angle brackets; "refer to ... as"
        ("Stochastic Cluster Merging (SCM)", "We introduce a method for clustering large data sets. It converges to the same clusters from any start.", ["SCM"]),
        ("Data selection", "This paper proposes a framework called <mixpick>, which selects data.", ["mixpick"]),
        ("Stacked blocks", "We refer to the resulting model as the Stair Transformer.", ["Stair Transformer"]),
        ("Concept models", "Moreover, with our Lattice Probe Search algorithm we improve predictions.", ["Lattice Probe Search"]),
        ("Meta-learning experts", "We introduce MixRT: Mixture of Routed Tables, a novel sparse layer.", ["MixRT"]),
        ("Equivariant features", "We start by introducing a dataset called 4DRotBench, with rendered objects.", ["4DRotBench"]),
        ("Code models", "We pre-trained our model on a C++ corpus (named CppHeap) mined from the web.", ["CppHeap"]),
        ("Agents that talk", "Using relaxation, our proposed approach, GraphTalk, learns the graph.", ["GraphTalk"]),
        # an acronym that ends in a capital S is not a plural of a generic one ("NAR")
        ("Joint search", "We present Neural Architecture-Recipe Search (NARS) to search recipes.", ["NARS"]),
        ("Bandits with combinatorial actions", "We embed networks into programs to propose WILLOW, an RL algorithm for planning.", ["WILLOW"]),
        ("Long video generation", "Specifically, we propose two mechanisms: Frame sharding and Dual-window attention.", ["Dual-window attention", "Frame sharding"]),
        ("Unbounded reasoning", "We propose the Loop Reasoning Model (LRM), a family of models, and LRMRUN, an inference runtime.", ["LRM", "LRMRUN"]),
        # a name the title ends with, even a catalogued one, is the paper's own when the abstract introduces it
        ("Taming Tail Latency with Sarathi-Serve", "We introduce an efficient scheduler Sarathi-Serve inspired by chunked prefills.", ["Sarathi-Serve"]),
        ("Memory-Light Training with Low-Rank", "We introduce a Memory-Light projection that trims optimizer state during the training of large models.", []),
        # LaTeX markup from the source does not hide the name
        ("Platform fingerprints", "We introduce \\textbf{FingerPrintr}, a method to identify serving hardware.", ["FingerPrintr"]),
    ],
)
def test_proposes_naming_patterns(title: str, abstract: str, expected: list[str]) -> None:
    from loaders.listing import parse_listing

    (entry,) = parse_listing(f"{title}\n\n{abstract}\n", "t.txt")
    assert relation(entry.title, entry.abstract, "PROPOSES") == expected


def test_a_short_form_of_the_proposed_name_is_the_same_artifact() -> None:
    got = relation("Acme ShardKit Training: A Library", "We present Acme ShardKit Training for large models. ShardKit is generic.", "PROPOSES")
    assert got == ["Acme ShardKit Training"]


def test_a_title_name_takes_no_alias_from_a_list_of_other_things() -> None:
    result = EXTRACTOR.extract(ListingEntry(
        title="GraphKite: Fast Training of Knowledge Graph Embeddings", source="t.txt", title_line=1, abstract_line=2,
        abstract="We create a framework using sparse kernels and implement three models, namely RotatE, ComplEx, and DistMult.",
    ))
    kite = next(n for n in result.nodes if n.properties.get("name") == "GraphKite")
    assert kite.properties["aliases"] == []


def test_an_acronym_defined_beside_the_proposal_is_the_same_artifact() -> None:
    result = EXTRACTOR.extract(ListingEntry(
        title="Learning to shard", source="t.txt", title_line=1, abstract_line=2,
        abstract="We present Adaptive Shard Planning (ASP), a planner for tensor layouts. ASP cuts memory by 30%.",
    ))
    proposed = [n for n in result.nodes if n.properties.get("catalogued") is False]
    assert len(proposed) == 1
    assert {proposed[0].properties["name"], *proposed[0].properties["aliases"]} == {"ASP", "Adaptive Shard Planning"}


# ---- COMPARES_TO ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("RollServe outperforms vLLM by 2.1x in throughput.", ["vLLM"]),
        ("RollServe achieves a 3x speedup over DeepSpeed-Inference and TensorRT-LLM.", ["DeepSpeed-Inference", "TensorRT-LLM"]),
        ("Compared with SGLang, RollServe lowers tail latency by 40%.", ["SGLang"]),
        ("RollServe is 1.8x faster than FlashAttention-2 on long sequences.", ["FlashAttention-2"]),
        ("Relative to HyGraphX, RollServe uses 35% less energy.", ["HyGraphX"]),
        ("RollServe keeps accuracy, while GPTQ loses 6% on the same task.", ["GPTQ"]),
        ("Unlike Orca, RollServe schedules at the granularity of pages.", ["Orca"]),
        ("We compare RollServe to SGLang on chat traces.", ["SGLang"]),
        # plain capitalized names: listed beside a name, or two words long
        ("RollServe beats prior engines (including Harbor and SwiftLane) on all traces.", ["Harbor", "SwiftLane"]),
        ("RollServe is 8 times faster than Matrix Sketching for large batches.", ["Matrix Sketching"]),
        ("RollServe outperforms RL baselines such as PPO and Soft Actor-Critic over all objectives.", ["PPO", "Soft Actor-Critic"]),
        # names that start in lower case do not end the list
        ("RollServe outperforms libraries (DASP, cuSPARSE, and Magicube) by 2x.", ["DASP", "Magicube", "cuSPARSE"]),
        ("RollServe improves throughput over batching engines (e.g., vLLM and Ollama) by 3x.", ["Ollama", "vLLM"]),
        ("RollServe outperforms SGLang by 0.8 points on chat and Orca by 2% on code.", ["Orca", "SGLang"]),
        # "to date" does not end the list that follows it
        ("RollServe outperforms the deeper models to date such as VGGNet and GoogleNet on images.", ["GoogLeNet", "VGG"]),
        # an acronym the abstract spells out in plain words is a baseline when it stands alone ...
        ("Multi-Head Attention (MHA) is costly. RollServe performs comparably to MHA, while using less memory.", ["multi-head attention"]),
        # ... not when it only qualifies the baseline
        ("On-Device Learning (ODL) matters. RollServe is 100x faster than existing ODL software frameworks.", []),
        # a citation is not a baseline; a "-architecture" suffix still names the model
        ("RollServe performs comparably to FlashAttention-2 (Dao, 2023) on short inputs.", ["FlashAttention-2"]),
        ("RollServe performs competitively against a strong LLaMA-architecture baseline.", ["LLaMA"]),
        ("RollServe kernels outperform torch implementations by 1.4x.", ["PyTorch"]),
    ],
)
def test_compares_to_follows_comparison_language(sentence: str, expected: list[str]) -> None:
    names = relation("RollServe: Serving at Scale", sentence, "COMPARES_TO")
    assert [n for n in names if n != "RollServe"] == sorted(expected)


@pytest.mark.parametrize(
    "sentence",
    [
        "RollServe is built on top of vLLM and implemented in PyTorch.",
        "RollServe uses state-of-the-art baselines and outperforms existing systems.",
        "Large models such as GPT-4 are expensive to serve.",
        "RollServe lowers memory by 40% compared with standard CPU offloading techniques.",
        "RollServe is smaller than 10 other efficient vision transformer designs.",
        "RollServe outperforms prior Minecraft world models on every metric.",
    ],
)
def test_a_mere_mention_is_not_a_comparison(sentence: str) -> None:
    assert relation("RollServe: Serving at Scale", sentence, "COMPARES_TO") == []


def test_used_systems_become_uses() -> None:
    uses = relation("RollServe: Serving at Scale", "RollServe is built on top of vLLM and implemented in PyTorch.", "USES")
    assert {"vLLM", "PyTorch"} <= set(uses)


def test_claims_carry_value_unit_and_metric() -> None:
    entry = ListingEntry(title="RollServe: Serving at Scale", source="t.txt", title_line=1, abstract_line=2,
                         abstract="RollServe delivers 2.3x higher throughput and 45% lower latency than vLLM.")
    (rel,) = [r for r in EXTRACTOR.extract(entry).relationships if r.type.value == "COMPARES_TO"]
    assert rel.properties["claim_values"] == [2.3, 45.0]
    assert rel.properties["claim_units"] == ["x", "%"]
    assert rel.properties["claim_metrics"] == ["throughput", "latency"]
    assert rel.properties["evidence"].startswith("RollServe delivers") and rel.properties["line"] == 2


# ---- TARGETS --------------------------------------------------------------------------------

def test_targets_where_the_work_runs_and_links_products_to_their_class() -> None:
    got = relation("RollServe: Serving at Scale", "We evaluate RollServe on eight NVIDIA H100 GPUs and a TPU v4 pod.", "TARGETS")
    assert {"H100", "GPU", "TPU v4", "TPU"} <= set(got)


def test_a_product_name_with_memory_size_and_form_factor_is_the_product() -> None:
    got = relation("RollServe: Serving at Scale", "We run RollServe on a single A100-80G-SXM4 and on H100 SXM5 GPUs.", "TARGETS")
    assert {"A100", "H100", "GPU"} <= set(got)


def test_a_hardware_word_joined_to_an_adjective_is_still_the_hardware() -> None:
    assert "SSD" in relation("SpillTune: Memory Optimization for SSD-Offloaded Fine-Tuning", "", "TARGETS")


def test_an_unknown_product_before_a_class_word_is_a_target_of_that_class() -> None:
    entry = ListingEntry(title="SparseLane: Sparse Training", source="t.txt", title_line=1, abstract_line=2,
                         abstract="We evaluate SparseLane on a Xilinx QZ7731 FPGA card.")
    result = EXTRACTOR.extract(entry)
    targets = {r.end for r in result.relationships if r.type.value == "TARGETS"}
    assert targets == {"hardware:qz7731", "hardware:fpga"}
    product = next(n for n in result.nodes if n.key == "hardware:qz7731")
    assert product.properties["class"] == "FPGA" and product.properties["vendor"] == "Xilinx"
    assert relation("SparseLane: Sparse Training", "Cards such as the QZ7731 FPGA are costly. We prune.", "TARGETS") == []


def test_hardware_compared_against_is_a_baseline_not_a_target() -> None:
    got = facts("RollServe: Serving at Scale", "RollServe on TPU v4 is 5x faster than CPUs and V100.")
    assert "V100" in got["COMPARES_TO"]
    assert "V100" not in got["TARGETS"] and "TPU v4" in got["TARGETS"]


def test_cluster_is_hardware_only_beside_words_of_computing() -> None:
    assert relation("KMix: Repeatable Partitioning", "We cluster the data with k-means and merge the clusters.", "TARGETS") == []
    assert "cluster" in relation("KMix: Sharded Training", "We train KMix on a GPU cluster of 32 nodes.", "TARGETS")
    assert "cluster" in relation("KMix: Sharded Training", "We tune KMix for a supercomputing cluster.", "TARGETS")


def test_gpu_hours_are_time_not_a_cluster_of_devices() -> None:
    got = relation("KMix: Sharded Training", "We ran KMix for 12,000 GPU hours in total.", "TARGETS")
    assert "cluster" not in got and "GPU" in got
    assert "cluster" in relation("KMix: Sharded Training", "We ran KMix on 2,048 GPUs.", "TARGETS")


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # a count with thousands separators, and a vendor between it and the product
        ("KMix-7B, trained on 2,048 NVIDIA H800 GPUs, is cheap to serve.", {"H800", "GPU", "cluster"}),
        # a product line's bare number before its class
        ("KMix cuts prefill time by 35% on 4090 GPU and by 15% on A800 GPU.", {"RTX 4090", "A800", "GPU"}),
        ("Frames are processed using Graphical Processing Units (GPUs).", {"GPU"}),
    ],
)
def test_targets_read_counts_bare_model_numbers_and_spelled_out_classes(sentence: str, expected: set[str]) -> None:
    assert set(relation("KMix: Sharded Training", sentence, "TARGETS")) == expected


def test_background_hardware_is_not_a_target() -> None:
    got = relation("RollServe: Serving at Scale", "Accelerators such as GPUs are expensive. RollServe schedules requests.", "TARGETS")
    assert got == []


def test_hardware_in_the_title_is_a_target() -> None:
    assert "FPGA" in relation("SparseLane: Structured Sparsity Kernels for FPGA Inference", "", "TARGETS")


def test_every_relationship_cites_its_sentence_file_and_line() -> None:
    entry = ListingEntry(title="RollServe: Serving on A100", source="list.txt", title_line=7, abstract_line=9,
                         abstract="Serving is hard. We show RollServe outperforms vLLM by 2x.")
    for rel in EXTRACTOR.extract(entry).relationships:
        if rel.type.value == "IS_A":
            continue
        props = rel.properties
        assert props["source"] == "list.txt"
        assert (props["line"], props["evidence"]) in {(7, entry.title), (9, "We show RollServe outperforms vLLM by 2x.")}


# ---- State kept while extracting ---------------------------------------------------------

def test_two_papers_with_the_same_sentence_each_get_their_own_facts() -> None:
    """Whatever one extractor remembers from a paper must not leak into the next: the same sentence
    compares against FooServe in one paper and mentions the paper's own system in the other."""
    shared = "It is 2.1x faster than FooServe and vLLM on A100 GPUs."
    first = facts("FooServe: Fast LLM Serving", f"We present FooServe, a serving engine. {shared}")
    second = facts("BarServe: Faster LLM Serving", f"We present BarServe, a serving engine. {shared}")
    again = facts("FooServe: Fast LLM Serving", f"We present FooServe, a serving engine. {shared}")
    assert (first["PROPOSES"], first["COMPARES_TO"]) == (["FooServe"], ["vLLM"])
    assert (second["PROPOSES"], second["COMPARES_TO"]) == (["BarServe"], ["FooServe", "vLLM"])
    assert again == first


def test_the_same_sentence_is_cited_at_each_paper_s_own_source_and_line() -> None:
    sentence = "Our engine is 3x faster than vLLM on H100 GPUs."
    a = ListingEntry(title="QuxServe: One", abstract=sentence, source="a.txt", title_line=1, abstract_line=2)
    b = ListingEntry(title="ZotServe: Two", abstract=sentence, source="b.txt", title_line=7, abstract_line=9)
    for entry in (a, b, a):
        (rel,) = [r for r in EXTRACTOR.extract(entry).relationships if r.type.value == "COMPARES_TO"]
        assert (rel.start, rel.properties["source"], rel.properties["line"]) == (Paper.key_for(entry.title), entry.source, entry.abstract_line)


# ---- hardware measured against is a baseline, never a target (issue 21) --------------------

@pytest.mark.parametrize(
    "sentence, baselines, not_targets",
    [
        # the seed "SambaNova SN40L ...": its DGX servers are what the RDU node is measured against
        ("It achieves an overall speedup of 3.7x over a DGX H100 and 6.6x over a DGX A100.", ["DGX A100", "DGX H100"], ["DGX A100", "DGX H100", "GPU"]),
        ("It achieves up to 8.4x speedup over the latest NVIDIA A100 and H100 GPUs, respectively.", ["A100", "H100"], ["A100", "H100", "GPU"]),
        ("Compared to a same-technology GPU (GTX 1080), our design offers 1.50x higher throughput.", ["GTX 1080"], ["GTX 1080", "GPU"]),
    ],
)
def test_hardware_after_a_comparison_cue_is_a_baseline_not_a_target(sentence: str, baselines: list[str], not_targets: list[str]) -> None:
    got = facts("Rapido: An Accelerator for Serving", "We present Rapido. " + sentence)
    assert set(baselines) <= set(got.get("COMPARES_TO", [])), got
    assert not set(not_targets) & set(got.get("TARGETS", [])), got


def test_hardware_that_sets_the_scene_of_a_comparison_stays_a_target() -> None:
    got = facts("Rapido: Fast Serving", "We present Rapido. Rapido is 2x faster than vLLM on 64 A100 GPUs.")
    assert got["COMPARES_TO"] == ["vLLM"] and "A100" in got["TARGETS"], got


@pytest.mark.parametrize(
    "sentence, baseline",
    [
        ("Rapido delivers at least 20% faster execution than TensorRT-FP8.", "TensorRT-FP8"),
        ("Rapido is 1.5x faster than RT-NeRF.Edge on the same board.", "RT-NeRF.Edge"),
        ("Rapido is 3x more accurate than NeuroSim V1.4 in our tests.", "NeuroSim V1.4"),
    ],
)
def test_the_longest_name_written_wins_over_a_catalogued_part_of_it(sentence: str, baseline: str) -> None:
    got = facts("Rapido: Fast Things", "We present Rapido. " + sentence)
    assert got["COMPARES_TO"] == [baseline], got


@pytest.mark.parametrize(
    "sentence, baselines",
    [
        # a parenthesis between the margin and "over" keeps the comparison
        ("Rapido improves training time by up to 7.5× (3.6× on average) over PyTorch DataLoader and Pecan.", ["Pecan", "PyTorch DataLoader"]),
        # the second "than" of a sentence reads its own baseline
        ("Rapido is 1.9x more energy-efficient than the NVIDIA Jetson AGX Orin and 9.8x more than an NVIDIA RTX 4090 for the model.", ["Jetson AGX Orin", "RTX 4090"]),
    ],
)
def test_baselines_of_real_abstract_shapes(sentence: str, baselines: list[str]) -> None:
    assert relation("Rapido: Fast Things", "We present Rapido. " + sentence, "COMPARES_TO") == baselines


def test_margins_go_to_the_named_accelerator_not_its_description() -> None:
    """'over the SOTA QANN accelerator (ANT), and 2.9× ... over the SOTA SNN accelerator (PAICORE)' (issue 21)."""
    entry = ListingEntry(title="Elsa: A Fast Accelerator", source="t.txt", title_line=1, abstract_line=2, abstract=(
        "We present Elsa. Elsa achieves 3.4× speedup and 13.6× higher energy efficiency over the SOTA QANN accelerator (ANT), "
        "and 2.9× speedup and 22.1× energy efficiency gains over the SOTA SNN accelerator (PAICORE)."))
    facts_ = EXTRACTOR.extract(entry)
    names = {n.key: n.properties["name"] for n in facts_.nodes}
    got = {names[r.end]: r.properties.get("claim_values") for r in facts_.relationships if r.type.value == "COMPARES_TO"}
    assert got == {"ANT": [3.4, 13.6], "PAICORE": [2.9, 22.1]}


def test_named_systems_after_a_kind_noun_are_baselines() -> None:
    got = relation("Lapa: Fast Attention", "We present Lapa. Lapa achieves 3.5x, 3.2x and 2.8x higher energy efficiency than the "
                   "state-of-the-art works Spatten, Sanger and FACT, respectively.", "COMPARES_TO")
    assert got == ["FACT", "Sanger", "Spatten"]


# ---- architectures, servers and vendor-prefixed names (issue 22) ------------------------------

def _extracted(title: str, abstract: str) -> tuple[dict[str, dict], list[tuple[str, str, str, dict]]]:
    """The nodes by name, and the relationships as (type, start name, end name, properties)."""
    result = EXTRACTOR.extract(ListingEntry(title=title, abstract=abstract, source="t.txt", title_line=1, abstract_line=2))
    names = {n.key: n.properties.get("name") or n.properties.get("title") for n in [result.paper, *result.nodes]}
    nodes = {n.properties["name"]: {"label": n.label.value, **n.properties} for n in result.nodes if "name" in n.properties}
    return nodes, [(r.type.value, names[r.start], names[r.end], r.properties) for r in result.relationships]


@pytest.mark.parametrize(
    "abstract, named",
    [
        ("We evaluate RollServe on Hopper GPUs.", "Hopper"),
        ("We tune the CUDA kernels of RollServe for the Hopper architecture.", "Hopper"),
        ("We run RollServe on NVIDIA Volta and Ampere GPUs.", "Ampere"),
        ("We evaluate RollServe on a DGX H100 node.", "DGX H100"),
        ("RollServe serves 1,000 users from one NVIDIA GB200 NVL72 rack.", "GB200 NVL72"),
    ],
)
def test_an_architecture_or_a_server_is_targeted_with_the_class_of_its_devices_and_is_no_product(abstract: str, named: str) -> None:
    nodes, rels = _extracted("RollServe: Serving at Scale", abstract)
    targets = {end: props for kind, _, end, props in rels if kind == "TARGETS"}
    assert named in targets and "GPU" in targets, targets  # papers-targeting GPU finds the paper
    if "GPU" not in abstract:
        assert targets["GPU"]["via"] == [named]
    assert not [r for r in rels if r[0] == "IS_A" and r[1] == named]  # no product of GPU
    assert nodes[named]["devices"] == "GPU" and "class" not in nodes[named]


def test_a_product_is_still_a_product_of_its_class() -> None:
    nodes, rels = _extracted("RollServe: Serving at Scale", "We evaluate RollServe on H100 GPUs.")
    assert ("IS_A", "H100", "GPU") in {r[:3] for r in rels} and nodes["H100"]["class"] == "GPU"


def test_a_vendor_before_a_catalogued_name_is_that_entry_not_a_new_system() -> None:
    # the seed "SambaNova SN40L: ..." was a System "SambaNova SN40L" beside the Hardware SN40L
    nodes, rels = _extracted("Groq LPU: Deterministic Inference at Scale", "We describe the Groq LPU, a deterministic accelerator for inference.")
    assert [r[2] for r in rels if r[0] == "PROPOSES"] == ["LPU"]
    assert [n for n in nodes if "LPU" in n] == ["LPU"] and nodes["LPU"]["label"] == "Hardware"


@pytest.mark.parametrize(
    "sentence, baselines",
    [
        ("RollServe trains GPT-2 1.4x faster than Adam and Adafactor with the same learning rate.", ["Adafactor", "Adam"]),
        ("RollServe converges in 30% fewer steps than AdamW and Lion during pre-training.", ["AdamW", "Lion"]),
        ("RollServe aligns the model better than DPO and GRPO on chat benchmarks.", ["DPO", "GRPO"]),
    ],
)
def test_optimizers_are_techniques_still_read_as_baselines(sentence: str, baselines: list[str]) -> None:
    nodes, rels = _extracted("RollServe: Training at Scale", "We present RollServe, a training optimizer. " + sentence)
    assert sorted(r[2] for r in rels if r[0] == "COMPARES_TO") == baselines
    assert {nodes[b]["label"] for b in baselines} == {"Technique"}


def test_a_product_written_without_its_line_name_is_the_catalogued_product() -> None:
    # "A6000" was a new Hardware node beside the catalogued RTX A6000 (and a System when compared)
    nodes, rels = _extracted("RollServe: Serving at Scale", "We evaluate RollServe on an NVIDIA A6000 GPU.")
    assert "RTX A6000" in {r[2] for r in rels if r[0] == "TARGETS"} and "A6000" not in nodes
