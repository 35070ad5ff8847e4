"""Taking sources back out of the graph: what only they cited goes, the rest stays.

Every paper and every relationship read from a listing keeps ``sources`` ("file.txt:LINE", one per
place it was read). Unloading files drops their entries; a paper or relationship with none left is
deleted, and so is every system, hardware or technique node no remaining paper reaches (with its
catalogue links). The graph is then what loading the remaining files would have built, but for
first-seen values (a relationship's evidence sentence), which stay as they were read.

>>> trim({"sources": ["a.txt:3", "b.txt:9"], "source": "a.txt", "line": 3}, {"a.txt"})
{'sources': ['b.txt:9'], 'source': 'b.txt', 'line': 9}
>>> trim({"sources": ["a.txt:3"]}, {"a.txt"}) is None, trim({"name": "vLLM"}, {"a.txt"}) == {"name": "vLLM"}
(True, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from graph.lookup import derive
from graph.model import Label

if TYPE_CHECKING:
    import networkx as nx  # imported where used: it costs a third of kg's start-up


class UnloadSummary(BaseModel):
    files: list[str]
    papers_removed: int = 0
    nodes_removed: int = 0  # systems, hardware, techniques and datasets no remaining paper reaches
    relationships_removed: int = 0
    items_updated: int = 0  # papers and relationships that keep other sources

    @property
    def changed(self) -> bool:
        return bool(self.papers_removed or self.nodes_removed or self.relationships_removed or self.items_updated)


def source_file(entry: str) -> str:
    """'listing.txt:12' -> 'listing.txt'."""
    return entry.rsplit(":", 1)[0]


def cites(properties: dict[str, Any], files: set[str]) -> bool:
    return any(source_file(s) in files for s in properties.get("sources") or [])


def trim(properties: dict[str, Any], files: set[str]) -> dict[str, Any] | None:
    """``properties`` without the sources in ``files``: None when nothing else cited it, the same
    dict when none of them did. A ``source``/``line`` naming a removed file moves to the first
    remaining source."""
    sources = properties.get("sources")
    if not sources or not cites(properties, files):
        return properties
    kept = [s for s in sources if source_file(s) not in files]
    if not kept:
        return None
    out = {**properties, "sources": kept}
    if out.get("source") in files:
        file, _, line = kept[0].rpartition(":")
        out["source"] = file
        if "line" in out and line.isdigit():
            out["line"] = int(line)
    return out


def unload_graph(g: nx.MultiDiGraph, files: set[str]) -> UnloadSummary:
    """Remove from ``g`` what only ``files`` cited, in place."""
    summary = UnloadSummary(files=sorted(files))
    for u, v, k, d in list(g.edges(keys=True, data=True)):
        after = trim(d["properties"], files)
        if after is None:
            g.remove_edge(u, v, k)
            summary.relationships_removed += 1
        elif after is not d["properties"]:
            d["properties"] = after
            summary.items_updated += 1
    for key, d in list(g.nodes(data=True)):
        after = trim(d["properties"], files)
        if after is None:
            summary.relationships_removed += g.degree(key)
            g.remove_node(key)
            summary.papers_removed += 1
        elif after is not d["properties"]:
            d["properties"] = derive(Label(d["label"]).value, after)
            summary.items_updated += 1
    papers = {k for k, d in g.nodes(data=True) if Label(d["label"]) is Label.PAPER}
    stubs = {k for k in papers if not g.nodes[k]["properties"].get("sources")}  # catalogue origins (loaders.origins)
    reached = papers - stubs
    frontier = list(reached)
    while frontier:  # what the remaining papers reach, following relationships outwards
        for nxt in g.successors(frontier.pop()):
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    for key in [k for k in g.nodes if k not in reached and k not in stubs]:
        summary.relationships_removed += g.degree(key)
        g.remove_node(key)
        summary.nodes_removed += 1
    for key in [k for k in stubs if g.out_degree(k) == 0]:  # a stub goes with the last thing it proposes
        g.remove_node(key)
        summary.nodes_removed += 1
    return summary
