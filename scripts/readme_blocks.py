"""The parts of README.md that describe the code or the seed graph, generated so they cannot go
stale: ``make readme`` rewrites them with cog (``cog -r -I scripts README.md docs/*.md``), and a test fails
when one differs from what the code gives today (``cog --check``).

>>> print(canned_queries_table().splitlines()[0])
| query | answers | parameters | example |
"""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path

from graph.api import KnowledgeGraph
from graph.config import Settings
from queries.catalog import canned_queries

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


def _param(p: object) -> str:
    name, default, required = getattr(p, "name"), getattr(p, "default"), getattr(p, "required")
    return f"`{name}`" if required else f"`{name}`={str(default).lower() if isinstance(default, bool) else default}"


def canned_queries_table() -> str:
    """Every canned query: what it answers (its file's description), its parameters, a runnable example."""
    rows = ["| query | answers | parameters | example |", "|-------|---------|------------|---------|"]
    for q in canned_queries():
        example = " ".join(["kg query", q.name, *(f"-p {shlex.quote(f'{k}={v}')}" for k, v in q.example.items())])
        rows.append(f"| `{q.name}` | {q.description.replace('|', '/')} | {', '.join(map(_param, q.parameters)) or '–'} | `{example}` |")
    return "\n".join(rows)


def seed_graph_counts(seeds: Path = SEEDS) -> str:
    """What ``kg load`` of the seeds gives: nodes by label and relationships by type."""
    with tempfile.TemporaryDirectory() as store:
        kg = KnowledgeGraph.open(Settings(store=Path(store) / "kg"))
        kg.load([seeds])
        stats = kg.stats()
        kg.close()
    nodes = ", ".join(f"{n:,} {label}" for label, n in sorted(stats.nodes.items(), key=lambda kv: -kv[1]))
    rels = ", ".join(f"{n:,} {rel}" for rel, n in sorted(stats.relationships.items(), key=lambda kv: -kv[1]))
    return (f"Loaded from `../shared/seeds`, the graph holds **{sum(stats.nodes.values()):,} nodes** ({nodes}) and "
            f"**{sum(stats.relationships.values()):,} relationships** ({rels}).")
