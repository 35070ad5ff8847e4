"""Which node a paper is: one key per paper, whichever sources name it.

A paper's own key prefers its arXiv id (versions folded), then its DOI, then its folded title
(:meth:`graph.model.Paper.key_of`). Papers whose titles fold alike are one paper: within a batch
they take the best key among them (an arXiv id over a DOI over a title), and a paper the store
already holds under another key keeps that key (keys never move), so a title-only listing and an
arXiv record of the same paper meet in one node whatever order they are loaded in. A catalogue
stub (a paper the catalogue names as the origin of a system, :mod:`loaders.catalogue`) is filled
in the same way.

>>> from graph.model import Label, Node
>>> batch = GraphBatch(nodes=[
...     Node(key="paper:fooserve", label=Label.PAPER, properties={"title": "FooServe", "sources": ["a.txt:3"]}),
...     Node(key="paper:arxiv:2501.00001", label=Label.PAPER, properties={"title": "FOOSERVE", "sources": ["b.jsonl:1"]})])
>>> [(n.key, n.properties["sources"]) for n in resolve_papers(batch).nodes]
[('paper:arxiv:2501.00001', ['a.txt:3', 'b.jsonl:1'])]
>>> [n.key for n in resolve_papers(batch, lambda titles: {"FooServe": "paper:fooserve"}).nodes]
['paper:fooserve']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graph.model import Label, Node, Relationship, title_key
from graph.store import GraphBatch, plan_merge

#: titles -> {title: the key the store holds a paper of that folded title under}
KnownPapers = Callable[[list[str]], dict[str, str]]


def _rank(key: str) -> int:
    return 0 if key.startswith("paper:arxiv:") else 1 if key.startswith("paper:doi:") else 2


def resolve_papers(batch: GraphBatch, known: KnownPapers | None = None) -> GraphBatch:
    """The batch with each paper under its one key (see the module), folded again."""
    papers = [(n.key, str(n.properties.get("title") or "")) for n in batch.nodes if n.label is Label.PAPER]
    return apply_moves(batch, key_moves(papers, known))


def key_moves(papers: Iterable[tuple[str, str]], known: KnownPapers | None = None) -> dict[str, str]:
    """For papers given as (own key, title): own key -> the key the paper goes under, for those
    that move (papers whose titles fold alike meet under the stored key, else the best own key)."""
    groups: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}
    for key, title in papers:
        folded = title_key(title)
        if folded:
            if key not in groups.setdefault(folded, []):
                groups[folded].append(key)
            titles.setdefault(folded, []).append(title)
    wanted = sorted({t for ts in titles.values() for t in ts})
    stored = known(wanted) if known and wanted else {}
    moves: dict[str, str] = {}
    for folded, keys in groups.items():
        at_store = next((stored[t] for t in titles[folded] if t in stored), None)
        chosen = at_store or min(keys, key=lambda k: (_rank(k), keys.index(k)))
        moves.update({k: chosen for k in keys if k != chosen})
    return moves


def apply_moves(batch: GraphBatch, moves: dict[str, str]) -> GraphBatch:
    """``batch`` with papers renamed by ``moves`` and folded again (papers that meet are merged)."""
    if any(n.key in moves for n in batch.nodes) or any(r.start in moves or r.end in moves for r in batch.relationships):
        nodes = [Node.model_construct(key=moves.get(n.key, n.key), label=n.label, properties=n.properties) for n in batch.nodes]
        rels = [
            Relationship.model_construct(type=r.type, start=moves.get(r.start, r.start), end=moves.get(r.end, r.end), properties=r.properties)
            for r in batch.relationships
        ]
        batch = GraphBatch.model_construct(nodes=nodes, relationships=rels, derived=batch.derived)
    merged_nodes, merged_rels, _ = plan_merge(batch, {}, {})
    return GraphBatch(nodes=merged_nodes, relationships=merged_rels, derived=True)


def paper_keys_in(papers: Iterable[tuple[str, dict[str, Any]]], titles: list[str]) -> dict[str, str]:
    """For each of ``titles``, the key of a paper among ``papers`` (key, properties) whose title
    folds alike; a stored paper under its own title key wins over one under an id."""
    wanted: dict[str, list[str]] = {}
    for title in titles:
        wanted.setdefault(title_key(title), []).append(title)
    found: dict[str, str] = {}
    for key, props in papers:
        folded = title_key(str(props.get("title") or ""))
        if folded in wanted and (folded not in found or key == f"paper:{folded}"):
            found[folded] = key
    return {t: found[f] for f, ts in wanted.items() if f in found for t in ts}
