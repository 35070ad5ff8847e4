"""Where systems came from: the papers the catalogue names as their origins, as graph facts.

For every catalogued node of a batch whose catalogue entries (by key) name an ``origin`` (see
:mod:`loaders.catalogue`), the batch gains ``(:Paper)-[:PROPOSES]->(node)`` from a stub paper:
keyed by its arXiv id (or DOI), with its title, year and ``catalogued_at`` (the catalogue file and
line), but no ``sources`` and no abstract. The PROPOSES relationship cites the catalogue file and
line. A load of the paper itself fills the stub in (:mod:`graph.store.identity` gives it the same key).

>>> from graph.model import Label, Node
>>> nodes, rels = origin_facts([Node(key="system:vllm", label=Label.SYSTEM, properties={"name": "vLLM", "catalogued": True})])
>>> nodes[0].key, nodes[0].properties["year"], rels[0].properties["source"]
('paper:arxiv:2309.06180', 2023, 'catalogue/systems.toml')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.model import Label, Node, Paper, Relationship, RelType
from loaders.catalogue import Catalogue, CatalogueEntry, load_catalogue


def origin_facts(nodes: Iterable[Node], catalogue: Catalogue | None = None) -> tuple[list[Node], list[Relationship]]:
    """The stub papers and PROPOSES relationships of the catalogued ``nodes`` that have an origin."""
    catalogue = catalogue or load_catalogue()
    papers: dict[str, Node] = {}
    rels: list[Relationship] = []
    for node in nodes:
        if node.label is not Label.PAPER and node.properties.get("catalogued"):
            for entry in catalogue.with_key(node.key):
                if entry.origin is not None:
                    _add_origin(node, entry, papers, rels)
    return list(papers.values()), rels


def _add_origin(node: Node, entry: CatalogueEntry, papers: dict[str, Node], rels: list[Relationship]) -> None:
    o = entry.origin
    assert o is not None  # the caller's check, for the type checker
    key = Paper.key_of(o.arxiv, o.doi, o.title)
    props: dict[str, Any] = {"title": o.title, "catalogued_at": [o.at]}
    props.update({k: v for k, v in (("arxiv_id", o.arxiv), ("doi", o.doi), ("year", o.year)) if v is not None})
    papers.setdefault(key, Node(key=key, label=Label.PAPER, properties=props))
    file, _, line = o.at.rpartition(":")
    ident = f"arXiv {o.arxiv}" if o.arxiv else f"DOI {o.doi}"
    rels.append(Relationship(type=RelType.PROPOSES, start=key, end=node.key, properties={
        "evidence": f"{entry.name} was introduced by {o.title!r} ({ident})", "source": file, "line": int(line)}))
