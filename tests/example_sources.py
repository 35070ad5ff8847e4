"""The 30 made-up papers of ``loaders/examples/formats/``, written in every source format.

``python tests/example_sources.py`` rewrites the files; ``tests/test_sources.py`` checks that the
committed files are what this writes, and that every format gives the same graph. The first ten
papers are those of ``loaders/examples/example_listing.txt``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from loaders.listing import read_listing

EXAMPLES = Path(__file__).resolve().parent.parent / "loaders" / "examples"
OUT = EXAMPLES / "formats"

_NEW = [
    ("Quarry: Sharded Expert Placement for Mixture-of-Experts Serving",
     "Mixture-of-experts models leave most experts idle for any one batch, yet serving systems place every expert on every GPU. Quarry places experts across GPUs by their observed popularity and migrates hot experts between batches. Quarry achieves 1.9x higher throughput than DeepSpeed-MII on eight A100 GPUs while keeping the same latency targets."),
    ("Lintel: Overlapping Pipeline Bubbles with Optimizer Steps",
     "Pipeline parallelism leaves bubbles at the start and end of each iteration. Lintel fills those bubbles with the optimizer steps of earlier stages and with gradient compression. Lintel trains GPT-3 sized models 1.3x faster than Megatron-LM on a cluster of H100 GPUs."),
    ("Cairn: Low-Bit Weight Quantization with Learned Rounding for Edge LLMs",
     "Running language models on phones needs weights below four bits. Cairn learns a rounding offset per weight group during a short calibration pass. Cairn reaches lower perplexity than GPTQ at 3 bits and runs 2.2x faster than llama.cpp on a Jetson Orin."),
    ("Tessel: A Systolic Accelerator for Sparse Attention on FPGAs",
     "Sparse attention patterns map poorly to dense matrix engines. Tessel is an FPGA accelerator whose systolic array skips zero blocks of the attention mask. On a Xilinx Alveo U280, Tessel is 3.1x more energy efficient than an A100 GPU for long-document models."),
    ("Brindle: Speculative Decoding with a Shared Draft Cache",
     "Speculative decoding drafts several tokens with a small model and verifies them with the large one. Brindle shares one draft cache across requests that continue the same prefix. Brindle lowers latency by 2.4x compared with vLLM on chat traces and accepts 18% more draft tokens than Medusa."),
    ("Moraine: Checkpointing Large Training Jobs in Host Memory",
     "Checkpoints of large models stall training while they are written to remote storage. Moraine keeps the latest checkpoint in the host memory of peer nodes and writes to storage in the background. Moraine cuts checkpoint stalls by 12x compared with DeepSpeed on 256 GPUs."),
    ("Scree: Compiling Dynamic Shapes for TPU Inference",
     "Models with dynamic input shapes recompile for every new shape on TPUs. Scree pads inputs to a few learned buckets and reuses the compiled programs. Scree reduces compilation time by 9x compared with XLA on TPU v4 and serves 1.6x more requests per second."),
    ("Fescue: Energy-Aware GPU Frequency Scaling for LLM Serving",
     "Serving language models at low load wastes energy at the highest GPU clock. Fescue lowers the clock when the request queue is short and raises it before deadlines are missed. Fescue saves 27% energy compared with TensorRT-LLM on H100 GPUs at the same tail latency."),
    ("Gantry: Disaggregated Prefill and Decode across Heterogeneous GPUs",
     "Prefill is bound by compute and decode by memory bandwidth, yet both run on the same GPUs. Gantry runs prefill on H100 GPUs and decode on cheaper L4 GPUs and moves the KV cache between them. Gantry serves 1.7x more requests per dollar than SGLang."),
    ("Heddle: Fused LoRA Kernels for Multi-Adapter Inference",
     "Serving many LoRA adapters at once launches one small kernel per adapter. Heddle fuses the adapter computations of a batch into one grouped kernel. Heddle achieves 2.6x higher throughput than S-LoRA on A100 GPUs with a thousand adapters."),
    ("Kestrel: Tensor Parallel Inference on Consumer GPUs over PCIe",
     "Consumer GPUs lack NVLink, so tensor parallelism spends most of its time in all-reduce over PCIe. Kestrel compresses activations before each all-reduce and overlaps the transfer with the next layer. Kestrel runs 70B models 1.5x faster than vLLM on four RTX 4090 GPUs."),
    ("Loam: Memory-Efficient Fine-Tuning with Paged Optimizer States",
     "Fine-tuning large models runs out of GPU memory because of optimizer states. Loam pages optimizer states to host memory and prefetches them per layer. Loam fine-tunes a 13B model on one A100 GPU, where ZeRO-Offload needs two, and is 1.4x faster than QLoRA."),
    ("Marl: Graph Partitioning for Distributed GNN Training",
     "Training graph neural networks on billion-edge graphs needs partitions that balance work and cut few edges. Marl partitions graphs by the sampling pattern of the training epoch. Marl trains 2.1x faster than DGL on a cluster of 16 V100 GPUs."),
    ("Nacre: An In-Memory Computing Macro for Transformer Inference",
     "Moving weights from memory dominates the energy of transformer inference. Nacre is a processing-in-memory macro that computes matrix-vector products inside SRAM arrays. Nacre is 5.2x more energy efficient than an NVIDIA Jetson Orin for keyword spotting and small language models."),
    ("Osier: Scheduling Deep Learning Jobs on Shared GPU Clusters",
     "Deep learning jobs on shared clusters wait in queues while GPUs sit fragmented. Osier packs jobs by their memory and bandwidth profiles and preempts only restartable jobs. Osier cuts average job completion time by 1.8x compared with Gandiva on a 64-GPU cluster."),
    ("Purlin: Retrieval-Augmented Generation with a Cached Vector Index on GPUs",
     "Retrieval-augmented generation spends much of its latency searching the vector index on CPUs. Purlin keeps the hot part of the index in GPU memory and searches it with FAISS kernels. Purlin lowers end-to-end latency by 2.9x compared with a CPU index on A100 GPUs."),
    ("Quoin: Activation Recomputation Planning for Long-Context Training",
     "Long-context training keeps activations that do not fit in GPU memory. Quoin chooses which layers to recompute with an integer program over measured costs. Quoin trains with 2x longer sequences than FlashAttention-2 alone on H100 GPUs at 6% overhead."),
    ("Riprap: Fault-Tolerant Collective Communication for Elastic Training",
     "A single failed GPU aborts an all-reduce and the whole training job. Riprap detects failures inside a collective and completes it with the surviving ranks. Riprap recovers 11x faster than NCCL with a restart on an H100 cluster with injected faults."),
    ("Sedge: Structured Pruning of Vision Transformers for Mobile NPUs",
     "Vision transformers are too slow for mobile NPUs. Sedge prunes whole attention heads and channels with a latency model of the target NPU. Sedge runs 2.3x faster than TensorFlow Lite on a Snapdragon phone with less than one point of accuracy loss."),
    ("Tenon: Key-Value Cache Compression with Learned Token Eviction",
     "The key-value cache of long conversations exceeds GPU memory. Tenon learns which tokens to evict from the cache from attention statistics. Tenon keeps 95% of the accuracy of the full cache at a fifth of its size and achieves 3.4x higher throughput than Hugging Face Transformers on A100 GPUs."),
]


def papers() -> list[tuple[str, str]]:
    """(title, abstract) of the 30 papers."""
    listed = [(e.title, e.abstract) for e in read_listing(EXAMPLES / "example_listing.txt")]
    return listed + _NEW


def arxiv_id(i: int) -> str:
    return f"2501.{i:05d}"


def categories(i: int) -> str:
    return "cs.AR cs.LG" if i % 7 == 4 else "cs.DC cs.LG"


def day(i: int) -> str:
    return f"2025-01-{1 + i:02d}"


def listing() -> str:
    lines = ["new", "", "Subscribe", "", "Daily Papers", "", "Jan 31", ""]
    for title, abstract in papers():
        lines += [title, "", abstract, ""]
    return "\n".join(lines)


def arxiv_jsonl() -> str:
    out = []
    for i, (title, abstract) in enumerate(papers(), start=1):
        record = {"id": arxiv_id(i), "submitter": "A. Author", "authors": "A. Author, B. Author", "title": title,
                  "comments": None, "journal-ref": None, "doi": None, "categories": categories(i), "abstract": abstract,
                  "versions": [{"version": "v1", "created": f"Thu, {1 + i:02d} Jan 2025 10:00:00 GMT"}],
                  "update_date": day(i), "authors_parsed": [["Author", "A.", ""], ["Author", "B.", ""]]}
        out.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(out) + "\n"


def hf_daily() -> str:
    items = [{"paper": {"id": arxiv_id(i), "title": title, "summary": abstract, "authors": [{"name": "A. Author"}, {"name": "B. Author"}],
                        "publishedAt": f"{day(i)}T10:00:00.000Z", "upvotes": i},
              "publishedAt": f"{day(i)}T12:00:00.000Z", "title": title, "numComments": 0}
             for i, (title, abstract) in enumerate(papers(), start=1)]
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def bibtex() -> str:
    out = []
    for i, (title, abstract) in enumerate(papers(), start=1):
        safe = abstract.replace("%", "\\%")
        out.append(f"@misc{{paper{i},\n  title = {{{title}}},\n  author = {{Author, A. and Author, B.}},\n  abstract = {{{safe}}},\n"
                   f"  year = {{2025}},\n  month = jan,\n  eprint = {{{arxiv_id(i)}}},\n  archiveprefix = {{arXiv}}\n}}\n")
    return "\n".join(out)


def csv_table() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["title", "abstract", "date", "arxiv_id", "authors"])
    for i, (title, abstract) in enumerate(papers(), start=1):
        writer.writerow([title, abstract, day(i), arxiv_id(i), "A. Author; B. Author"])
    return buffer.getvalue()


FILES = {
    "example_papers.txt": listing,
    "example_papers.jsonl": arxiv_jsonl,
    "example_papers_hf.json": hf_daily,
    "example_papers.bib": bibtex,
    "example_papers.csv": csv_table,
}


def write_all(folder: Path = OUT) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in FILES.items():
        (folder / name).write_text(make(), encoding="utf-8")


if __name__ == "__main__":
    write_all()
