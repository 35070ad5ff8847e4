"""Kept answers of the whole-graph canned queries, valid for one version of the graph.

A whole-graph query (one with no name, title, hardware or words to look for: most-compared,
curation-queue, compared-together, ...) reads every comparison of the graph; at 100,000 papers
that takes seconds. Its answer depends only on the graph and its bound parameters, so a store
keeps it with the graph's version (a number every write moves) and serves it again while that
version is current: the first request after a load computes it, every later one, from any
process, reads it. An answer of another version is never served. A query with an anchor is not
kept: it reads only its anchor's neighbourhood, and its parameters have no bound, so keeping it
would only grow the store.

>>> sorted(kept_queries())[:3]
['compared-together', 'curation-queue', 'graph-stats']
>>> answer_key({"limit": 3, "variants": True})
'{"limit":3,"variants":true}'
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any


@cache
def kept_queries() -> frozenset[str]:
    """The canned queries whose answers are kept: those no parameter anchors to part of the graph."""
    from queries.catalog import NAME_TYPES, canned_queries  # read when first asked: kg starts faster

    return frozenset(q.name for q in canned_queries() if not any(p.type in NAME_TYPES or p.type == "words" for p in q.parameters))

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def answer_key(bound: dict[str, Any]) -> str:
    """The bound parameters as one text, the same for the same values."""
    return _ENCODE(bound)


def encode_rows(rows: list[dict[str, Any]]) -> str:
    """Rows as JSON text; column order is kept (rows are dicts in the query's column order)."""
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def decode_rows(text: str) -> list[dict[str, Any]]:
    return json.loads(text)
