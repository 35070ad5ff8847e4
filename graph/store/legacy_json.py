"""Stores of the JSON format (``graph.json``, versions 1 and 2), read once to be converted.

Version 1 kept only a-z and 0-9 in paper keys; its papers get the keys of today when read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from graph.lookup import derive
from graph.model import Label, Paper
from graph.store import StoreError

if TYPE_CHECKING:
    import networkx as nx  # imported where used: it costs a third of kg's start-up

LEGACY_FILE = "graph.json"


def read_legacy(path: Path) -> nx.MultiDiGraph:
    """The graph in ``path``: nodes by key with ``label`` and ``properties`` (derived ones included),
    edges keyed by relationship type with ``properties``."""
    import networkx as nx

    g = nx.MultiDiGraph()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("version") not in (1, 2):
            raise StoreError(f"{path}: store format {data.get('version')!r} is not 1 or 2")
        for n in data["nodes"]:
            g.add_node(n["key"], label=Label(n["label"]), properties=derive(n["label"], n["properties"]))
        for r in data["relationships"]:
            g.add_edge(r["start"], r["end"], key=r["type"], properties=r["properties"])
        if data["version"] == 1:
            rekey_papers(g)
    except StoreError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{path}: not a readable store ({exc.__class__.__name__}: {exc})") from None
    return g


def rekey_papers(g: nx.MultiDiGraph) -> dict[str, str]:
    """Give papers of a version-1 store the keys of today (``Paper.key_for`` of their title); a key
    another paper already has is left as it was. Returns old key -> new key."""
    import networkx as nx

    taken = set(g.nodes)
    moves: dict[str, str] = {}
    for key, data in g.nodes(data=True):
        if Label(data["label"]) is Label.PAPER:
            new = Paper.key_for(str(data["properties"].get("title") or ""))
            if new != key and new not in taken:
                moves[key] = new
                taken.add(new)
    nx.relabel_nodes(g, moves, copy=False)
    return moves

