"""Our APOC JSON-lines export read back as plain nodes and relationships, grouped per paper."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ExNode:
    key: str
    label: str
    props: dict[str, Any]


@dataclass(frozen=True)
class ExRel:
    rid: str
    type: str
    start: str
    end: str
    props: dict[str, Any]


@dataclass
class ExportGraph:
    nodes: dict[str, ExNode] = field(default_factory=dict)
    rels: list[ExRel] = field(default_factory=list)

    def papers(self) -> list[str]:
        return [k for k, n in self.nodes.items() if n.label == "Paper"]

    def first_papers(self, n: int) -> ExportGraph:
        """The graph of the first ``n`` papers: them, the nodes they reach, and the relationships
        among those nodes."""
        keep = set(self.papers()[:n])
        for rel in self.rels:
            if rel.start in keep:
                keep.add(rel.end)
        return ExportGraph({k: v for k, v in self.nodes.items() if k in keep},
                           [r for r in self.rels if r.start in keep and r.end in keep])

    def per_paper(self) -> tuple[list[tuple[list[ExNode], list[ExRel]]], list[ExRel]]:
        """For each paper: it and the nodes its relationships reach, and those relationships;
        then the relationships that start at no paper (IS_A, VARIANT_OF between entities)."""
        out: dict[str, list[ExRel]] = defaultdict(list)
        rest: list[ExRel] = []
        for rel in self.rels:
            (out[rel.start] if self.nodes[rel.start].label == "Paper" else rest).append(rel)
        groups = []
        for paper in self.papers():
            rels = out.get(paper, [])
            groups.append(([self.nodes[paper], *(self.nodes[r.end] for r in rels)], rels))
        return groups, rest


def storable(props: dict[str, Any]) -> dict[str, Any]:
    """Properties Neo4j can hold: no nulls, no nulls inside lists."""
    clean: dict[str, Any] = {}
    for k, v in props.items():
        if isinstance(v, list):
            v = [x for x in v if x is not None]
        if v is not None:
            clean[k] = v
    return clean


def read_export(path: Path) -> ExportGraph:
    graph = ExportGraph()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["type"] == "node":
                graph.nodes[row["id"]] = ExNode(row["id"], row["labels"][0], storable(row["properties"]))
            else:
                graph.rels.append(ExRel(row["id"], row["label"], row["start"]["id"], row["end"]["id"],
                                        storable(row["properties"])))
    return graph
