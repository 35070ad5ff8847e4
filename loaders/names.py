"""Names that are not in the catalogue: what counts as an artifact's name, and what is too generic.

>>> candidate_names("outperforms SotA libraries (DASP, cuSPARSE, and Magicube) by 2x")  # a plain word is no candidate
['DASP', 'cuSPARSE']
>>> title_case_items("prior world models (including Oasis and MineWorld)", has_name=True)
['Oasis']
>>> title_case_items("Matrix Entropy", has_name=False)
['Matrix Entropy']
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from loaders.text import NAME_TOKEN, fold, is_name_like

# Acronyms and shapes that name a kind of thing, a metric or a unit, never one artifact.
GENERIC = {
    fold(w)
    for w in """
    AI ML DL NLP CV LLM LLMs LM LMs VLM VLMs MLLM MLLMs DNN DNNs CNN CNNs RNN RNNs GNN GNNs NN NNs MLP MLPs
    SOTA SotA SoTA API APIs KV MoE MoEs GEMM GEMMs GEMV SpMM SpMV SpGEMM FLOP FLOPs FLOPS TFLOPS TOPS QoS SLO SLOs
    TTFT TPOT TBT I/O IO HPC OS RL RLHF E2E HBM DRAM SRAM PCIe NVMe OOM IoT QA VQA mAP BLEU FID PPL GB MB KB TB
    ms us GPU-hours CUDA FP32 FP16 BF16 FP8 FP4 INT8 INT4 INT2 TF32 ASR TTS OCR LoRAs NAS DSE HW SW PE PEs
    MAC MACs ALU ALUs SIMD SIMT ISA RTL HLS DSP SoC SoCs NoC BERT-style GPT-style ViT-style US EU PhD
    GCN GCNs GAN GANs VAE VAEs SNN SNNs KG KGs LSTM LSTMs SSM SSMs RAG CoT ICL SFT DPO PPO
    NVIDIA Nvidia AMD Intel Google Apple Qualcomm Huawei Microsoft Meta Amazon AWS OpenAI Anthropic IBM
    Samsung Alibaba Baidu Tencent ByteDance DeepMind GitHub HuggingFace Hugging ArXiv arXiv Github
    PEFT QAT PTQ KD MoE NMT SMT AR NAR AR-LLMs USD EUR ML/AI AI/ML
    KVCache KV-cache LLMOps MLOps AutoML FaaS SaaS VM VMs JSON HTTP RPC SQL GPT-style II III IV
    """.split()
}

_TRAILING_NOISE = re.compile(r"(?:'s|’s)$")
_SHORT_CAPS = re.compile(r"[A-Z]{1,2}\d{0,2}")
_DIGIT = re.compile(r"\d")
_TITLE_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?")


def clean_name(token: str) -> str:
    return _TRAILING_NOISE.sub("", token.strip(".,;:()[]"))


@lru_cache(maxsize=65536)
def is_artifact_name(token: str) -> bool:
    """A name-like token that is not a generic acronym, metric or unit."""
    name = clean_name(token)
    if not is_name_like(name) or "/" in name:  # "Op/B", "ML/AI", "200Mb/s": units and pairs, not names
        return False
    folded = fold(name)
    if folded in GENERIC or (name.endswith("s") and folded[:-1] in GENERIC):  # "LLMs", but "NARS" is a name
        return False
    if _SHORT_CAPS.fullmatch(name) and not _DIGIT.search(name):  # "DA", "XL"
        return False
    return True


def candidate_names(span: str) -> list[str]:
    """Artifact-shaped tokens in a span of text, in order, without repeats."""
    out: dict[str, None] = {}  # a dict keeps the order, and finds a repeat at once
    for token in NAME_TOKEN.findall(span):
        if token.islower():  # most words: no capital, so not name-like (the tokens are ASCII)
            continue
        name = _artifact_name(token)
        if name is not None:
            out[name] = None
    return list(out)


@lru_cache(maxsize=65536)
def _artifact_name(token: str) -> str | None:
    name = clean_name(token)
    return name if is_artifact_name(name) else None


_LIST_SEPARATOR = re.compile(r",|;|\(|\)|\b(?:and|or|as\s+well\s+as|including|such\s+as|like|e\.g\.|i\.e\.|namely)\b")
_CITATION = re.compile(r"\([^()]*\b(?:19|20)\d{2}[a-z]?\)")
_NOT_NAME_WORDS = {"the", "our", "we", "this", "these", "its", "their", "state", "sota", "baseline", "baselines", "model", "models", "method", "methods", "system", "systems"}


# Plural kind nouns a list of named baselines follows: "the state-of-the-art systems Orca and FastServe"
_KIND_NOUNS = frozenset(
    "works systems frameworks methods approaches baselines accelerators libraries engines solutions designs schedulers "
    "techniques algorithms compilers runtimes models tools implementations".split()
)


def title_case_items(span: str, has_name: bool) -> list[str]:
    """Plain capitalized names in a list of things compared against: an item of two or three
    capitalized words ('Matrix Entropy'), or a single one listed beside a name ('Oasis and MineWorld')."""
    out = []
    span = _CITATION.sub(" ", span)  # "FlashAttention-2 (Dao, 2023)": an author is not a baseline
    items = _LIST_SEPARATOR.split(span)
    for i, item in enumerate(items):
        words = item.split()
        if words and words[0].lower() == "the":
            words = words[1:]
        run = list(itertools.takewhile(_TITLE_WORD.fullmatch, words))
        tail = list(itertools.takewhile(_TITLE_WORD.fullmatch, reversed(words)))[::-1]
        if not run and tail and len(tail) < len(words) and words[-len(tail) - 1].lower() in _KIND_NOUNS:
            run, words = tail, tail  # "the state-of-the-art works Spatten", "systems Orca"
        # the last item may run on into the rest of the clause: "... and Soft Actor-Critic over ..."
        if len(run) < len(words) and (i < len(items) - 1 or not words[len(run)][:1].islower()):
            continue
        words = run
        if not 1 <= len(words) <= 3:
            continue
        if any(w.lower() in _NOT_NAME_WORDS for w in words) or (len(words) == 1 and not has_name):
            continue
        out.append(" ".join(words))
    return out


# The rest of a name a catalogue name is part of: glued on ("RT-NeRF.Edge", "TensorRT-FP8", "llm.npu",
# "vLLM-v1") when the glued piece has a capital, a digit or follows a dot; or a version word after a
# space ("NeuroSim V1.4", "Jetson XNX", "Unsloth MAX").
_GLUED_BEFORE = re.compile(r"(?:[A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*[-.])+$")
_GLUED_AFTER = re.compile(r"(?:(?:-(?=[A-Za-z0-9]*[A-Z0-9])|\.(?=[A-Za-z]))[A-Za-z0-9]+)+")
_VERSION_AFTER = re.compile(
    r" (?:[vV]\d+(?:\.\d+)*|[A-Z]{2,4}(?:-?\d+)?|[A-Z]-\d\w*|I-\w+"  # V1.4, MAX, XNX, ZeRO-3's kin, I-1F1B
    r"|(?:[A-Z][a-z]+ )?(?!(?:19|20)\d\d\b)\d{3,}[A-Za-z]{0,3}|[A-Z][a-z]+-[A-Z]?\d+[A-Za-z]?"  # Gold 6226R, 4210R, Neoverse-N1, Cortex-A9
    r"|[A-Z][a-z]+[A-Z][A-Za-z]*)(?![\w.-]*\w)"  # PyTorch DataLoader
)
_NOT_VERSIONS = frozenset("GPU GPUS CPU CPUS TPU NPU FPGA ASIC SOC API LLM LLMS KV MOE AI ML DNN CNN RNN HBM DRAM SRAM PIM SSD NVME RDMA OS IO FP BF INT TP PP DP EP SP SLO SLOS QPS TTFT TPOT MFU FLOPS".split())


def full_name(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole name a catalogue mention at ``text[start:end]`` is written inside of.

    >>> t = "faster than RT-NeRF.Edge and NeuroSim V1.4"
    >>> [t[slice(*full_name(t, t.index(w), t.index(w) + len(w)))] for w in ("NeRF", "NeuroSim")]
    ['RT-NeRF.Edge', 'NeuroSim V1.4']
    """
    before = _GLUED_BEFORE.search(text, max(0, start - 24), start)
    if before and (before.start() == 0 or not re.match(r"[\w.-]", text[before.start() - 1])):
        start = before.start()
    after = _GLUED_AFTER.match(text, end)
    if after:
        end = after.end()
    else:
        version = _VERSION_AFTER.match(text, end)
        if version and version.group(0).strip().upper().split("-")[0] not in _NOT_VERSIONS:
            end = version.end()
    return start, end
