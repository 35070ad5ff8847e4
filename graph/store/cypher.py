"""Ad-hoc Cypher: its errors, parameters typed on the command line, and values made plain.

>>> parse_param("limit=5"), parse_param("name=vLLM"), parse_param('names=["a", "b"]')
(('limit', 5), ('name', 'vLLM'), ('names', ['a', 'b']))
>>> parse_param('title="42"')
('title', '42')
>>> split_statements("MATCH (n) RETURN n; RETURN ';' AS s;\\n")
['MATCH (n) RETURN n', "RETURN ';' AS s"]
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from graph.lookup import INTERNAL
from graph.store import StoreError, StoreUnavailable

NEEDS_NEO4J = (
    "Cypher needs Neo4j: `kg neo4j open` copies this graph into a local Neo4j and opens the console on it; "
    "or start one with `make neo4j-up` and add --backend neo4j (or set KG_BACKEND=neo4j)"
)


class CypherError(StoreError):
    """A statement the server rejected or that we refuse to run; the message is one line."""


class WriteRefused(CypherError):
    """A statement the server plans as anything but a read, run read-only. How to allow writing
    depends on the face, so each face words it with :meth:`refused` (the message as raised says
    it in Python terms)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind  # what the statement does, e.g. "writes"
        super().__init__(self.refused("KnowledgeGraph.cypher only reads unless write=True"))

    def refused(self, how: str) -> str:
        return f"refused: this statement {self.kind}; {how}"


class CypherTimedOut(CypherError):
    """The server stopped a statement at its time limit of ``limit`` seconds (None: the server's
    own limit); the message is the server's."""

    def __init__(self, message: str, limit: float | None) -> None:
        super().__init__(message)
        self.limit = limit


class CypherNeedsNeo4j(StoreUnavailable):
    """Cypher on the embedded store: there is no server to run it."""

    def __init__(self) -> None:
        super().__init__(NEEDS_NEO4J)


def parse_param(item: str) -> tuple[str, Any]:
    """``key=value``: the value as JSON when it parses (5, 2.5, [1, 2], "quoted"), else as a plain string."""
    key, sep, text = item.partition("=")
    key = key.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        raise CypherError(f"parameter {item!r} is not KEY=VALUE (KEY a Cypher name)")
    return key, parse_value(text)


def parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_params(items: Iterable[str]) -> dict[str, Any]:
    return dict(parse_param(item) for item in items)


def split_statements(text: str) -> list[str]:
    """Statements separated by ``;`` outside quotes and comments, stripped, empty ones dropped."""
    statements: list[str] = []
    current: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote != "`" and i + 1 < len(text):
                current.append(text[i : i + 2])
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif ch == ";":
            statements.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    statements.append("".join(current))
    return [s.strip() for s in statements if s.strip()]


def to_plain(value: Any, internal: bool = False) -> Any:
    """A driver value as JSON-able Python: nodes, relationships and paths as dicts, temporals as ISO
    text. A node's or relationship's internal properties (:data:`graph.lookup.INTERNAL`) are left out unless ``internal``."""
    from neo4j import graph, spatial, time as neo_time

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, graph.Node):
        return {"labels": sorted(value.labels), "properties": _own(value, internal)}
    if isinstance(value, graph.Relationship):
        return {
            "type": value.type,
            "start": _node_key(value.start_node),
            "end": _node_key(value.end_node),
            "properties": _own(value, internal),
        }
    if isinstance(value, graph.Path):
        return {"nodes": [to_plain(n, internal) for n in value.nodes], "relationships": [to_plain(r, internal) for r in value.relationships]}
    if isinstance(value, dict):
        return {str(k): to_plain(v, internal) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v, internal) for v in value]
    if isinstance(value, (neo_time.Date, neo_time.DateTime, neo_time.Time, neo_time.Duration)):
        return value.iso_format()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, spatial.Point):
        return {"srid": value.srid, "coordinates": list(value)}
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _own(entity: Any, internal: bool) -> dict[str, Any]:
    return {k: to_plain(v, internal) for k, v in entity.items() if internal or k not in INTERNAL}


def _node_key(node: Any) -> Any:
    """A relationship's end as the node's ``key`` (our stable id) when it has one, else its element id."""
    if node is None:
        return None
    return node.get("key") or node.element_id
