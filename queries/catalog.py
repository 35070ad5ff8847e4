"""The canned queries: each a ``.cypher`` file that Neo4j Browser can run as it is pasted.

A file starts with a header of comments that names the query, says what it answers and declares
its parameters, then a ``:params`` line with an example value for each (Neo4j Browser runs it and
sets them), then the Cypher::

    // name: papers-targeting
    // description: Papers that run on ... a hardware product or class.
    // param: hardware: hardware — a product (A100, TPU v4) or a class (GPU, FPGA)
    // param: limit: int = 20 (0..100000) — how many rows
    :params {hardware: 'TPU', limit: 20};
    MATCH ...

Parameter types: ``str``, ``words`` (text with at least one letter or digit), ``int`` (an optional
``(min..max)``), ``float``, ``bool``, and three kinds
of names that are looked up before the query runs, so that a name that matches nothing is reported
with suggestions instead of giving an empty table: ``entity`` (a system, hardware or technique by
name or alias), ``hardware`` (the same, hardware only) and ``paper`` (part of a title).

Neo4j runs the file's Cypher; the embedded store runs its twin in :mod:`queries.embedded`, which
returns the same rows in the same order.

>>> [q.name for q in canned_queries()][:3]
['baseline-chains', 'beats-proposed-by', 'compared-together']
>>> get_query("most-compared").bind({"limit": "3"})
{'limit': 3}
>>> get_query("papers-comparing-to").example
{'name': 'vLLM', 'variants': True, 'limit': 100}
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

QUERY_DIR = Path(__file__).parent
NAME_TYPES = {"entity": str, "hardware": str, "paper": str}  # strings looked up before the query runs
_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool, "words": str, **NAME_TYPES}
_PARAM = re.compile(
    r"^(\w+):\s*(\w+)\s*(?:=\s*(\S+))?\s*(?:\((-?\d+)\.\.(-?\d+)\))?\s*(?:[—-]+\s*(.*))?$"
)
_EXAMPLE = re.compile(r"(\w+)\s*:\s*('(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|true|false)")
_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}


class QueryError(ValueError):
    """An unknown query or a bad parameter; the message is one line for the user."""


class ParameterError(QueryError):
    """A bad parameter; ``parameter`` is its name, as the query (or the route) takes it."""

    def __init__(self, message: str, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class MissingParameter(ParameterError):
    """A required parameter not given. How to give one depends on the face (``-p hardware=…`` on
    the command line, ``?hardware=…`` in a URL), so each face words it with :meth:`needs`; the
    message as raised says it as a Python keyword (``kg.query(name, hardware=…)``)."""

    def __init__(self, query: str, declared: Parameter) -> None:
        self.query, self.declared = query, declared
        super().__init__(self.needs(f"{declared.name}=…"), declared.name)

    def needs(self, how: str) -> str:
        """The message, with ``how`` saying how this face gives the parameter."""
        p = self.declared
        return f"query {self.query!r} needs {how} ({p.description}; e.g. {p.name}={p.example})"


class NameNotFound(QueryError):
    """A name or title that matches nothing in the graph; ``suggestions`` holds the closest known names."""

    def __init__(self, message: str, suggestions: list[str]):
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(message + hint)
        self.suggestions = suggestions


class Parameter(BaseModel):
    name: str
    type: str
    default: Any = None
    required: bool = True
    description: str = ""
    example: Any = None
    minimum: int | None = None
    maximum: int | None = None

    @property
    def is_name(self) -> bool:
        return self.type in NAME_TYPES

    def convert(self, value: Any, query: str) -> Any:
        """``value`` (a string from the command line is fine) as this parameter's type."""
        wanted = self.type
        try:
            if wanted == "bool":
                out: Any = _boolean(value)
            elif wanted == "int":
                out = _integer(value)
            else:
                out = _TYPES[wanted](value)
        except (TypeError, ValueError, OverflowError):
            shown = "true or false" if wanted == "bool" else ("a whole number" if wanted == "int" else wanted)
            raise ParameterError(f"parameter {self.name!r} of {query!r} must be {shown}, not {value!r}", self.name) from None
        if wanted == "int" and self.minimum is not None and self.maximum is not None and not self.minimum <= out <= self.maximum:
            raise ParameterError(f"parameter {self.name!r} of {query!r} must be from {self.minimum} to {self.maximum}, not {out}", self.name)
        if self.is_name and not str(out).strip():
            raise ParameterError(f"parameter {self.name!r} of {query!r} must not be empty", self.name)
        if wanted == "words" and not any(c.isalnum() for c in str(out)):
            raise ParameterError(f"parameter {self.name!r} of {query!r} needs at least one word", self.name)
        return out


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError(value)


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    return int(value) if not isinstance(value, str) else int(value.strip())


class CannedQuery(BaseModel):
    name: str
    description: str
    parameters: list[Parameter]
    cypher: str
    path: str

    @property
    def example(self) -> dict[str, Any]:
        """The ``:params`` line's values: a call that answers on the seeds."""
        return {p.name: p.example for p in self.parameters}

    def stopped_at_limit(self, raw: dict[str, Any], rows: list[Any]) -> bool:
        """Whether ``rows``, answered for ``raw``, fill the query's ``limit``: more may be left.

        >>> get_query("most-compared").stopped_at_limit({"limit": "2"}, ["a", "b"])
        True
        """
        return len(rows) == self.bind(raw).get("limit")

    def bind(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Check and convert parameters; missing optional ones take their defaults."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ParameterError(f"query {self.name!r} has no parameter {unknown[0]!r} (it takes: {', '.join(known) or 'none'})", unknown[0])
        out: dict[str, Any] = {}
        for p in self.parameters:
            if p.name in raw:
                out[p.name] = p.convert(raw[p.name], self.name)
            elif p.required:
                raise MissingParameter(self.name, p)
            else:
                out[p.name] = p.default
        return out


def _parse_param(value: str, path: Path) -> Parameter:
    match = _PARAM.match(value)
    if not match or match.group(2) not in _TYPES:
        raise QueryError(f"{path.name}: cannot read parameter line {value!r}")
    name, typ, default, low, high, desc = match.groups()
    param = Parameter(
        name=name, type=typ, required=default is None, description=desc or "",
        minimum=int(low) if low is not None else None, maximum=int(high) if high is not None else None,
    )
    if default is not None:
        param.default = param.convert(default, path.stem)
    return param


def _parse_examples(line: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, literal in _EXAMPLE.findall(line):
        if literal.startswith("'"):
            out[key] = re.sub(r"\\(.)", r"\1", literal[1:-1])
        elif literal in ("true", "false"):
            out[key] = literal == "true"
        else:
            out[key] = float(literal) if "." in literal else int(literal)
    return out


def parse_query_file(path: Path) -> CannedQuery:
    header: dict[str, str] = {}
    params: list[Parameter] = []
    examples: dict[str, Any] | None = None
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^//\s*(\w+):\s*(.*)$", line)
        if m and not body:
            key, value = m.group(1), m.group(2).strip()
            if key == "param":
                params.append(_parse_param(value, path))
            else:
                header[key] = value
        elif line.startswith(":params") and not body:
            examples = _parse_examples(line)
        elif line.strip() or body:
            body.append(line)
    if "name" not in header:
        raise QueryError(f"{path.name}: no '// name:' header")
    if examples is None or set(examples) != {p.name for p in params}:
        raise QueryError(f"{path.name}: the ':params {{…}};' line must give an example for each parameter")
    for p in params:
        p.example = p.convert(examples[p.name], header["name"])
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
