"""The curated catalogue: the shipped data is consistent, lookups work, user files extend it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from graph.model import Label
from loaders.catalogue import (
    CATALOGUE_DIR,
    CLASSLESS_KINDS,
    DEVICES_KINDS,
    Catalogue,
    CatalogueEntry,
    CatalogueError,
    fold_key,
    load_catalogue,
)

EXPECTED_CLASSES = {
    "GPU", "CPU", "TPU", "FPGA", "ASIC", "NPU", "PIM", "microcontroller", "mobile device",
    "edge device", "SSD", "accelerator", "cluster",
}


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- shipped data


def test_shipped_catalogue_loads(cat: Catalogue) -> None:
    files = {p.name for p in CATALOGUE_DIR.glob("*.toml")}
    assert {"systems.toml", "models.toml", "hardware.toml", "techniques.toml"} <= files
    counts = Counter(e.label for e in cat)
    assert counts[Label.SYSTEM] >= 200
    assert counts[Label.HARDWARE] >= 200
    assert counts[Label.TECHNIQUE] >= 100
    assert len(cat) == len(cat.entries) >= 500
    assert all(e.sources and e.sources[0].endswith(".toml") for e in cat)


def test_default_load_is_cached(cat: Catalogue) -> None:
    assert load_catalogue() is cat


def test_hardware_classes_are_exactly_the_expected_ones(cat: Catalogue) -> None:
    classes = cat.classes()
    assert {c.name for c in classes} == EXPECTED_CLASSES
    assert all(c.label is Label.HARDWARE and c.hw_class is None for c in classes)


def test_every_hardware_product_has_an_existing_class(cat: Catalogue) -> None:
    class_names = {c.name for c in cat.classes()}
    for entry in cat.by_label(Label.HARDWARE):
        if entry.is_class:
            continue
        if entry.kind in CLASSLESS_KINDS:
            assert entry.hw_class is None and entry.devices is None, entry.name
            continue
        if entry.kind in DEVICES_KINDS:  # an architecture or a machine: the class of its devices
            assert entry.hw_class is None and entry.devices in class_names, entry.name
            continue
        assert entry.hw_class in class_names and entry.devices is None, entry.name
        assert cat.class_of(entry) is not None and cat.class_of(entry).is_class


def test_only_hardware_has_a_class(cat: Catalogue) -> None:
    assert all(e.hw_class is None and e.devices is None for e in cat if e.label is not Label.HARDWARE)


# ---- what counts as a product of a class (issue 22) ------------------------------------------

@pytest.mark.parametrize(
    ("name", "devices"),
    [
        # architectures: a design many products implement (H100, H200, GH200 are Hopper GPUs)
        ("Hopper", "GPU"), ("Ampere", "GPU"), ("Volta", "GPU"), ("Blackwell", "GPU"), ("CDNA 3", "GPU"),
        ("Skylake", "CPU"),
        # machines that hold devices: servers, racks, appliances, cloud instances, FPGA platforms
        ("DGX H100", "GPU"), ("DGX A100", "GPU"), ("DGX-2", "GPU"), ("HGX H100", "GPU"),
        ("GB200 NVL72", "GPU"), ("CS-2", "accelerator"), ("IPU-M2000", "accelerator"),
        ("AWS F1", "FPGA"), ("Project Catapult", "FPGA"),
    ],
)
def test_architectures_and_machines_are_no_products_of_a_class(cat: Catalogue, name: str, devices: str) -> None:
    entry = cat.get(name, Label.HARDWARE)
    assert entry is not None and entry.kind in DEVICES_KINDS, name
    assert (entry.hw_class, entry.devices) == (None, devices)
    assert cat.class_of(entry) is None  # no IS_A: "hardware grouped by class" does not list it
    assert cat.implied_class(entry).name == devices  # a paper that targets it runs on these


@pytest.mark.parametrize("name", ["NVLink", "InfiniBand", "PCIe", "CXL", "NVSwitch", "HBM3", "Tensor Core", "AVX-512"])
def test_interconnects_memories_and_units_have_neither_class_nor_devices(cat: Catalogue, name: str) -> None:
    entry = cat.get(name, Label.HARDWARE)
    assert entry.kind in CLASSLESS_KINDS and (entry.hw_class, entry.devices) == (None, None)
    assert cat.implied_class(entry) is None


def test_a_class_lists_only_its_products(cat: Catalogue) -> None:
    gpus = {e.name for e in cat.by_label(Label.HARDWARE) if e.hw_class == "GPU"}
    assert {"A100", "H100", "V100", "GH200", "MI300X", "RTX 4090"} <= gpus
    assert not {"Hopper", "Ampere", "Volta", "DGX H100", "DGX A100", "HGX H100", "GB200 NVL72"} & gpus
    assert all(cat.get(n, Label.HARDWARE).kind not in DEVICES_KINDS for n in gpus)


@pytest.mark.parametrize("name", ["Sapphire Rapids", "Cascade Lake", "Ice Lake", "Granite Rapids"])
def test_a_xeon_generation_is_a_cpu_product(cat: Catalogue, name: str) -> None:
    # Intel's processor codenames name Xeon generations, not the cores inside them
    entry = cat.get(name, Label.HARDWARE)
    assert (entry.kind, entry.hw_class, entry.devices) == ("cpu", "CPU", None)


def test_a_chip_and_the_machine_built_of_it_are_two_entries(cat: Catalogue) -> None:
    assert cat.get("GB200 NVL72") is not cat.get("GB200") and cat.get("GB200").hw_class == "GPU"
    assert cat.get("IPU-M2000") is not cat.get("GC200") and cat.get("GC200").hw_class == "accelerator"
    assert cat.get("Dojo").hw_class == "cluster" and cat.get("D1 chip").hw_class == "accelerator"


@pytest.mark.parametrize(
    "name",
    ["SGD", "Adam", "AdamW", "Adafactor", "Adagrad", "RMSprop", "LAMB", "LARS", "Lion", "Shampoo", "Sophia",
     "Muon", "K-FAC", "GaLore", "8-bit Adam", "PPO", "DPO", "GRPO", "Noisy Student"],
)
def test_optimizers_and_training_algorithms_are_techniques(cat: Catalogue, name: str) -> None:
    entry = cat.get(name)
    assert entry is not None and entry.label is Label.TECHNIQUE, (name, entry and entry.label)


def test_every_kind_belongs_to_one_label(cat: Catalogue) -> None:
    labels: dict[str, set[Label]] = {}
    for entry in cat:
        labels.setdefault(entry.kind, set()).add(entry.label)
    assert {k: v for k, v in labels.items() if len(v) > 1} == {}
    assert labels["optimizer"] == {Label.TECHNIQUE}


def test_no_surface_form_collides_across_entities(cat: Catalogue) -> None:
    owners: dict[str, CatalogueEntry] = {}
    for entry in cat:
        for form in entry.surface_forms:
            other = owners.setdefault(fold_key(form), entry)
            assert other is entry, f"{form!r}: {entry.name!r} vs {other.name!r}"


def test_no_alias_repeats_its_own_name(cat: Catalogue) -> None:
    for entry in cat:
        keys = [fold_key(f) for f in entry.surface_forms]
        assert len(keys) == len(set(keys)), entry.name


def test_kinds_names_and_contexts_are_well_formed(cat: Catalogue) -> None:
    for entry in cat:
        assert entry.name == entry.name.strip() and entry.name
        assert entry.kind == entry.kind.lower() and " " not in entry.kind
        assert all(word.strip() for word in entry.context)


@pytest.mark.parametrize(
    ("query", "name", "label", "kind", "hw_class"),
    [
        ("vLLM", "vLLM", Label.SYSTEM, "inference-engine", None),
        ("DeepSpeed", "DeepSpeed", Label.SYSTEM, "training-framework", None),
        ("FlashAttention", "FlashAttention", Label.SYSTEM, "kernel-library", None),
        ("FlashAttention-2", "FlashAttention-2", Label.SYSTEM, "kernel-library", None),
        ("Flash-Attention 2", "FlashAttention-2", Label.SYSTEM, "kernel-library", None),
        ("FlashAttention-3", "FlashAttention-3", Label.SYSTEM, "kernel-library", None),
        ("cuBLAS", "cuBLAS", Label.SYSTEM, "kernel-library", None),
        ("TVM", "TVM", Label.SYSTEM, "compiler", None),
        ("ONNX Runtime", "ONNX Runtime", Label.SYSTEM, "inference-runtime", None),
        ("DeepSparse", "DeepSparse", Label.SYSTEM, "inference-runtime", None),
        ("MinkowskiEngine", "MinkowskiEngine", Label.SYSTEM, "sparse-library", None),
        ("DARTS", "DARTS", Label.SYSTEM, "nas-method", None),
        ("Llama 3.2", "Llama 3.2", Label.SYSTEM, "llm", None),
        ("Gemma3", "Gemma 3", Label.SYSTEM, "llm", None),
        ("MobileNet-V3", "MobileNetV3", Label.SYSTEM, "vision-model", None),
        ("Claude 3.5 Sonnet", "Claude 3.5 Sonnet", Label.SYSTEM, "llm", None),
        ("A100", "A100", Label.HARDWARE, "gpu", "GPU"),
        ("A100 80GB", "A100", Label.HARDWARE, "gpu", "GPU"),
        ("H100", "H100", Label.HARDWARE, "gpu", "GPU"),
        ("TPU v4", "TPU v4", Label.HARDWARE, "tpu", "TPU"),
        ("TPUv4", "TPU v4", Label.HARDWARE, "tpu", "TPU"),
        ("MI250X", "MI250X", Label.HARDWARE, "gpu", "GPU"),
        ("Jetson Nano", "Jetson Nano", Label.HARDWARE, "edge-board", "edge device"),
        ("Xeon", "Xeon", Label.HARDWARE, "cpu", "CPU"),
        ("Frontier", "Frontier", Label.HARDWARE, "supercomputer", "cluster"),
        ("RTX 4090", "RTX 4090", Label.HARDWARE, "gpu", "GPU"),
        ("GH200", "GH200", Label.HARDWARE, "gpu", "GPU"),
        ("DGX-2", "DGX-2", Label.HARDWARE, "gpu-server", None),
        ("Alveo U280", "Alveo U280", Label.HARDWARE, "fpga-board", "FPGA"),
        ("STM32F7", "STM32F7", Label.HARDWARE, "microcontroller", "microcontroller"),
        ("Edge TPU", "Edge TPU", Label.HARDWARE, "tpu", "TPU"),
        ("Snapdragon 865", "Snapdragon 865", Label.HARDWARE, "mobile-soc", "mobile device"),
        ("Reconfigurable Dataflow Unit", "RDU", Label.HARDWARE, "accelerator", "accelerator"),
        ("UPMEM", "UPMEM", Label.HARDWARE, "pim-device", "PIM"),
        ("NVLink", "NVLink", Label.HARDWARE, "interconnect", None),
        ("GPU", "GPU", Label.HARDWARE, "class", None),
        ("graphics processing unit", "GPU", Label.HARDWARE, "class", None),
        ("FPGA", "FPGA", Label.HARDWARE, "class", None),
        ("field-programmable gate array", "FPGA", Label.HARDWARE, "class", None),
        ("supercomputer", "cluster", Label.HARDWARE, "class", None),
        ("MCU", "microcontroller", Label.HARDWARE, "class", None),
        ("processing-in-memory", "PIM", Label.HARDWARE, "class", None),
        ("LoRA", "LoRA", Label.TECHNIQUE, "fine-tuning", None),
        ("low-rank adaptation", "LoRA", Label.TECHNIQUE, "fine-tuning", None),
        ("speculative decoding", "speculative decoding", Label.TECHNIQUE, "decoding", None),
        ("gradient checkpointing", "activation checkpointing", Label.TECHNIQUE, "memory-optimization", None),
        ("MoE", "mixture of experts", Label.TECHNIQUE, "moe", None),
        ("tensor parallelism", "tensor parallelism", Label.TECHNIQUE, "parallelism", None),
        ("ZeRO", "ZeRO", Label.TECHNIQUE, "memory-optimization", None),
        ("kernel fusion", "operator fusion", Label.TECHNIQUE, "compilation", None),
        ("FP8", "FP8", Label.TECHNIQUE, "number-format", None),
    ],
)
def test_spot_checks(cat: Catalogue, query, name, label, kind, hw_class) -> None:
    entry = cat.get(query)
    assert entry is not None, query
    assert (entry.name, entry.label, entry.kind, entry.hw_class) == (name, label, kind, hw_class)


def test_common_words_are_guarded(cat: Catalogue) -> None:
    for name in ["Orca", "Triton", "Summit", "Frontier", "Aurora", "Grace", "ZeRO", "JAX", "Arm"]:
        assert cat.get(name).case_sensitive, name
    assert cat.get("Triton").context and cat.get("Summit").context


def test_no_seed_specific_contributions(cat: Catalogue) -> None:
    # The catalogue is general knowledge of the field, not the seed papers' own new artifacts.
    for name in ["NeuPIMs", "ParaFold", "ThunderKittens", "ExpertFlow", "Seesaw", "MobileDets", "LeYOLO"]:
        assert cat.get(name) is None, name


# ----------------------------------------------------------------------------- lookup API


def test_get_is_case_insensitive_and_folds_punctuation_and_plurals(cat: Catalogue) -> None:
    assert cat.get("VLLM") is cat.get("vllm") is cat.get("vLLM")
    assert cat.get("  flash   attention-2 ").name == "FlashAttention-2"
    assert cat.get("GPUs").name == "GPU"
    assert cat.get("Kolmogorov-Arnold Networks").name == "KAN"
    assert cat.get("L40S").name == "L40S"  # an exact name wins over the plural fallback
    assert cat.get("no such thing") is None
    assert cat.get("") is None


def test_get_with_label_filter(cat: Catalogue) -> None:
    assert cat.get("A100", Label.HARDWARE).name == "A100"
    assert cat.get("A100", "System") is None
    assert "vLLM" in cat and "nothing-like-this" not in cat


# ----------------------------------------------------------------------------- extension


USER_FILE = """
[[entity]]
name = "MyServe"
label = "System"
kind = "serving-system"
aliases = ["My Serve Engine"]

[[entity]]
name = "vllm"            # extends the shipped vLLM entry
label = "System"
aliases = ["vLLM-Ascend"]
vendor = "vLLM project"

[[entity]]
name = "Lab Cluster 7"
label = "Hardware"
kind = "cluster"
class = "cluster"
"""


def test_extra_dir_is_merged(tmp_path: Path) -> None:
    path = write(tmp_path / "mine", "user.toml", USER_FILE)
    merged = load_catalogue([tmp_path / "mine"])
    shipped = load_catalogue()
    assert len(merged) == len(shipped) + 2

    mine = merged.get("my serve engine")
    assert (mine.name, mine.label, mine.kind) == ("MyServe", Label.SYSTEM, "serving-system")
    assert mine.sources == (str(path),)

    vllm = merged.get("vLLM-Ascend")
    assert vllm.name == "vLLM"  # the shipped canonical name is kept
    assert vllm.kind == "inference-engine" and vllm.vendor == "vLLM project"
    assert vllm.sources[-1] == str(path) and len(vllm.sources) == 2
    assert merged.class_of(merged.get("Lab Cluster 7")).name == "cluster"

    # The cached default catalogue is untouched.
    assert shipped.get("vLLM-Ascend") is None and shipped.get("MyServe") is None
    assert shipped.get("vLLM").vendor is None


def test_an_extension_may_turn_a_product_into_a_machine_and_back(tmp_path: Path) -> None:
    write(tmp_path / "a", "x.toml", '[[entity]]\nname = "GH200"\nlabel = "Hardware"\nkind = "gpu-server"\ndevices = "GPU"\n')
    write(tmp_path / "b", "y.toml", '[[entity]]\nname = "DGX H100"\nlabel = "Hardware"\nkind = "gpu"\nclass = "GPU"\n')
    merged = load_catalogue([tmp_path / "a", tmp_path / "b"])
    assert (merged.get("GH200").hw_class, merged.get("GH200").devices) == (None, "GPU")
    assert (merged.get("DGX H100").hw_class, merged.get("DGX H100").devices) == ("GPU", None)


def test_later_extra_dir_overrides_earlier(tmp_path: Path) -> None:
    write(tmp_path / "a", "x.toml", '[[entity]]\nname = "Foo"\nlabel = "Technique"\nkind = "alpha"\n')
    write(tmp_path / "b", "y.toml", '[[entity]]\nname = "foo"\nlabel = "Technique"\nkind = "beta"\n'
          'aliases = ["Fooing"]\n')
    merged = load_catalogue([tmp_path / "a", str(tmp_path / "b")])
    entry = merged.get("Fooing")
    assert (entry.name, entry.kind) == ("Foo", "beta")


# ----------------------------------------------------------------------------- errors


def error_for(tmp_path: Path, text: str, name: str = "bad.toml") -> str:
    path = write(tmp_path / "extra", name, text)
    with pytest.raises(CatalogueError) as info:
        load_catalogue([tmp_path / "extra"])
    message = str(info.value)
    assert str(path) in message
    assert "\n" not in message
    return message


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    message = error_for(tmp_path, '[[entity]]\nname = "Oops\nlabel = "System"\n')
    assert "invalid TOML" in message
    assert issubclass(CatalogueError, ValueError)


def test_unknown_class_names_file_and_entry(tmp_path: Path) -> None:
    message = error_for(
        tmp_path,
        '[[entity]]\nname = "Quantum Box"\nlabel = "Hardware"\nkind = "qpu"\nclass = "QPU"\n',
    )
    assert "'Quantum Box'" in message and "'QPU'" in message


def test_class_given_by_alias_suggests_the_canonical_name(tmp_path: Path) -> None:
    message = error_for(
        tmp_path,
        '[[entity]]\nname = "Box"\nlabel = "Hardware"\nkind = "gpu"\nclass = "graphics processing unit"\n',
    )
    assert "did you mean 'GPU'" in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[[entity]]\nname = "X1"\nlabel = "Paper"\nkind = "a"\n', "label"),
        ('[[entity]]\nname = "X1"\nlabel = "Gadget"\nkind = "a"\n', "label"),
        ('[[entity]]\nlabel = "System"\nkind = "a"\n', "name"),
        ('[[entity]]\nname = "  "\nlabel = "System"\nkind = "a"\n', "name"),
        ('[[entity]]\nname = "X1"\nlabel = "System"\n', "kind"),
        ('[[entity]]\nname = "X1"\nlabel = "System"\nkind = "Inference Engine"\n', "kind"),
        ('[[entity]]\nname = "X1"\nlabel = "System"\nkind = "a"\nalias = ["y"]\n', "unknown key"),
        ('[[entity]]\nname = "X1"\nlabel = "System"\nkind = "a"\naliases = "y"\n', "aliases"),
        ('[[entity]]\nname = "X1"\nlabel = "System"\nkind = "a"\nclass = "GPU"\n', "class"),
        ('[[entity]]\nname = "X1"\nlabel = "Hardware"\nkind = "gpu"\n', "needs a class"),
        ('[[entity]]\nname = "X1"\nlabel = "Hardware"\nkind = "class"\nclass = "GPU"\n', "class"),
        # an architecture or a server is no product of the class of its devices
        ('[[entity]]\nname = "X1"\nlabel = "Hardware"\nkind = "gpu-server"\nclass = "GPU"\n', "devices"),
        ('[[entity]]\nname = "X1"\nlabel = "Hardware"\nkind = "microarchitecture"\n', "devices"),
        ('[[entity]]\nname = "X1"\nlabel = "Hardware"\nkind = "gpu"\nclass = "GPU"\ndevices = "GPU"\n', "not both"),
        ('[[entity]]\nname = "X1"\nlabel = "Hardware"\nkind = "interconnect"\ndevices = "GPU"\n', "interconnect"),
        ('[[entity]]\nname = "X1"\nlabel = "Hardware"\nkind = "gpu-server"\ndevices = "Graphics"\n', "'Graphics'"),
        ('[[entity]]\nname = "X1"\nlabel = "System"\nkind = "a"\ndevices = "GPU"\n', "devices"),
        ('[[entities]]\nname = "X1"\nlabel = "System"\nkind = "a"\n', "top-level"),
        ('[[entity]]\nname = "X1"\nlabel = "System"\nkind = "a"\naliases = ["FlashAttention2"]\n',
         "FlashAttention-2"),
        ('[[entity]]\nname = "Graphics Processing Unit"\nlabel = "System"\nkind = "a"\n', "GPU"),
        ('[[entity]]\nname = "X1"\nlabel = "System"\nkind = "a"\n\n'
         '[[entity]]\nname = "x-1"\nlabel = "System"\nkind = "b"\n', "defined twice"),
    ],
)
def test_invalid_entries_are_reported(tmp_path: Path, text: str, fragment: str) -> None:
    message = error_for(tmp_path, text)
    assert fragment in message


def test_missing_extra_dir(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="does not exist"):
        load_catalogue([tmp_path / "nowhere"])
