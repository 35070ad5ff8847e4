"""The canned queries: each a ``.cypher`` file with a header, and its embedded twin in Python.

A header names the query, says what it answers and lists its parameters:

    // name: papers-targeting
    // description: Papers that run on ... a hardware product or class.
    // param: hardware: str — a product (A100, TPU v4) or a class (GPU, FPGA)

Neo4j runs the file's Cypher; the embedded store runs the function registered under the same name,
which returns the same rows in the same order.

>>> [q.name for q in canned_queries()][:3]
['most-compared', 'paper-comparisons', 'paper-hardware']
>>> get_query("most-compared").bind({"limit": "3"})
{'limit': 3}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import BaseModel

QUERY_DIR = Path(__file__).parent
_TYPES: dict[str, type] = {"str": str, "int": int, "float": float}
_PARAM = re.compile(r"^(\w+):\s*(str|int|float)\s*(?:=\s*(\S+))?\s*(?:[—-]+\s*(.*))?$")


class QueryError(ValueError):
    """An unknown query or a bad parameter; the message is one line for the user."""


class Parameter(BaseModel):
    name: str
    type: str
    default: Any = None
    required: bool = True
    description: str = ""


class CannedQuery(BaseModel):
    name: str
    description: str
    parameters: list[Parameter]
    cypher: str
    path: str

    def bind(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Check and convert parameters (strings from the command line are fine)."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {unknown[0]!r} (it takes: {', '.join(known) or 'none'})")
        out: dict[str, Any] = {}
        for p in self.parameters:
            if p.name not in raw:
                if p.required:
                    raise QueryError(f"query {self.name!r} needs -p {p.name}=… ({p.description})")
                out[p.name] = p.default
                continue
            try:
                out[p.name] = _TYPES[p.type](raw[p.name])
            except (TypeError, ValueError):
                raise QueryError(f"parameter {p.name!r} of {self.name!r} must be {p.type}, not {raw[p.name]!r}") from None
        return out


def parse_query_file(path: Path) -> CannedQuery:
    header: dict[str, str] = {}
    params: list[Parameter] = []
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^//\s*(\w+):\s*(.*)$", line)
        if m and not body:
            key, value = m.group(1), m.group(2).strip()
            if key == "param":
                pm = _PARAM.match(value)
                if not pm:
                    raise QueryError(f"{path.name}: cannot read parameter line {value!r}")
                name, typ, default, desc = pm.groups()
                params.append(Parameter(
                    name=name, type=typ, default=_TYPES[typ](default) if default is not None else None,
                    required=default is None, description=desc or "",
                ))
            else:
                header[key] = value
        elif line.strip() or body:
            body.append(line)
    if "name" not in header:
        raise QueryError(f"{path.name}: no '// name:' header")
    return CannedQuery(
        name=header["name"], description=header.get("description", ""), parameters=params,
        cypher="\n".join(body).strip(), path=str(path),
    )


@cache
def canned_queries() -> tuple[CannedQuery, ...]:
    return tuple(sorted((parse_query_file(p) for p in QUERY_DIR.glob("*.cypher")), key=lambda q: q.name))


def get_query(name: str) -> CannedQuery:
    for q in canned_queries():
        if q.name == name:
            return q
    names = ", ".join(q.name for q in canned_queries())
    raise QueryError(f"no canned query named {name!r}; try one of: {names}")


# ---- embedded implementations ---------------------------------------------------------------

Row = dict[str, Any]
EMBEDDED: dict[str, Callable[..., list[Row]]] = {}


def embedded(name: str) -> Callable[[Callable[..., list[Row]]], Callable[..., list[Row]]]:
    def register(fn: Callable[..., list[Row]]) -> Callable[..., list[Row]]:
        EMBEDDED[name] = fn
        return fn

    return register


def run_embedded(g: nx.MultiDiGraph, name: str, raw_params: dict[str, Any]) -> list[Row]:
    query = get_query(name)
    params = query.bind(raw_params)
    return EMBEDDED[name](g, **params)


def _props(g: nx.MultiDiGraph, key: str) -> dict[str, Any]:
    return g.nodes[key]["properties"]


def _edges(g: nx.MultiDiGraph, rel: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for s, e, t, d in g.edges(keys=True, data=True):
        if t == rel:
            yield s, e, d["properties"]


def _named(props: dict[str, Any], name: str) -> bool:
    wanted = name.lower()
    return props.get("name", "").lower() == wanted or any(a.lower() == wanted for a in props.get("aliases") or [])


def _label(g: nx.MultiDiGraph, key: str) -> str:
    label = g.nodes[key]["label"]
    return getattr(label, "value", label)


def _cite(r: dict[str, Any]) -> Row:
    return {"evidence": r.get("evidence"), "source": r.get("source"), "line": r.get("line")}


@embedded("most-compared")
def most_compared(g: nx.MultiDiGraph, limit: int) -> list[Row]:
    papers: dict[str, set[str]] = {}
    for s, e, _ in _edges(g, "COMPARES_TO"):
        papers.setdefault(e, set()).add(s)
    rows = [{"baseline": _props(g, e)["name"], "label": _label(g, e), "papers": len(p)} for e, p in papers.items()]
    rows.sort(key=lambda r: (-r["papers"], r["baseline"]))
    return rows[:limit]


def _comparisons(g: nx.MultiDiGraph, keep: Callable[[str, str], bool]) -> list[Row]:
    rows = [
        {"paper": _props(g, s)["title"], "baseline": _props(g, e)["name"], "claims": list(r.get("claims") or []), **_cite(r)}
        for s, e, r in _edges(g, "COMPARES_TO")
        if keep(s, e)
    ]
    return sorted(rows, key=lambda r: (r["paper"], r["baseline"]))


@embedded("papers-comparing-to")
def papers_comparing_to(g: nx.MultiDiGraph, name: str) -> list[Row]:
    return _comparisons(g, lambda s, e: _named(_props(g, e), name))


@embedded("paper-comparisons")
def paper_comparisons(g: nx.MultiDiGraph, title: str) -> list[Row]:
    return _comparisons(g, lambda s, e: title.lower() in _props(g, s)["title"].lower())


def _targets(g: nx.MultiDiGraph) -> Iterator[tuple[str, str, dict[str, Any]]]:
    return ((s, e, r) for s, e, r in _edges(g, "TARGETS") if _label(g, e) == "Hardware")


@embedded("papers-targeting")
def papers_targeting(g: nx.MultiDiGraph, hardware: str) -> list[Row]:
    rows = [
        {"paper": _props(g, s)["title"], "hardware": _props(g, e)["name"], **_cite(r)}
        for s, e, r in _targets(g)
        if _named(_props(g, e), hardware)
    ]
    return sorted(rows, key=lambda r: (r["paper"], r["hardware"]))


@embedded("paper-hardware")
def paper_hardware(g: nx.MultiDiGraph, title: str) -> list[Row]:
    rows = [
        {"paper": _props(g, s)["title"], "hardware": _props(g, e)["name"], "kind": _props(g, e).get("kind"), **_cite(r)}
        for s, e, r in _targets(g)
        if title.lower() in _props(g, s)["title"].lower()
    ]
    return sorted(rows, key=lambda r: (r["paper"], r["hardware"]))


@embedded("systems-for-hardware")
def systems_for_hardware(g: nx.MultiDiGraph, hardware: str) -> list[Row]:
    proposed: dict[str, list[str]] = {}
    for s, e, _ in _edges(g, "PROPOSES"):
        proposed.setdefault(s, []).append(e)
    rows = {
        (_props(g, x)["name"], _props(g, s)["title"], _props(g, e)["name"])
        for s, e, _ in _targets(g)
        if _named(_props(g, e), hardware)
        for x in proposed.get(s, [])
    }
    return [{"proposed": a, "paper": b, "hardware": c} for a, b, c in sorted(rows)]


@embedded("techniques-by-hardware")
def techniques_by_hardware(g: nx.MultiDiGraph, limit: int) -> list[Row]:
    classes: dict[str, set[str]] = {}
    for s, e, _ in _targets(g):
        if _props(g, e).get("kind") == "class":
            classes.setdefault(s, set()).add(e)
    pairs: dict[tuple[str, str], set[str]] = {}
    for s, e, _ in _edges(g, "USES"):
        if _label(g, e) != "Technique":
            continue
        for h in classes.get(s, ()):
            pairs.setdefault((_props(g, e)["name"], _props(g, h)["name"]), set()).add(s)
    rows = [{"technique": t, "hardware": h, "papers": len(p)} for (t, h), p in pairs.items()]
    rows.sort(key=lambda r: (-r["papers"], r["technique"], r["hardware"]))
    return rows[:limit]
