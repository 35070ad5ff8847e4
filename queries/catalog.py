"""The canned queries: each a ``.cypher`` file that Neo4j Browser runs, and shows the rows of, as it is pasted.

A file is one Cypher statement. Its header of comments names the query, says what it answers and
declares its parameters; in the Cypher each parameter is written ``coalesce($name, example)``, so
that a parameter left unset (null) takes its example::

    // name: papers-targeting
    // description: Papers that run on ... a hardware product or class.
    // param: hardware: hardware — a product (A100, TPU v4) or a class (GPU, FPGA)
    // param: limit: int = 20 (0..100000) — how many rows
    MATCH ... coalesce($hardware, 'TPU') ... LIMIT toInteger(coalesce($limit, 20))

One statement, because Neo4j Browser shows no rows for a paste of several (a ``:params`` line and
then the query run as a script: each statement gets a status, none a table). Neo4j refuses a
query that names a parameter it is not sent, so the Browser must hold every parameter: the server
of ``kg neo4j up`` has the Browser run :func:`browser_declaration` (each one null) as it connects;
``:param name => 'FlashAttention'`` then sets one alone, and ``:param name => null`` unsets it.
An optional parameter's example is its default, so an unset one answers as ``kg query`` does.

Parameter types: ``str``, ``words`` (text with at least one letter or digit), ``int`` (an optional
``(min..max)``), ``float``, ``bool``, and three kinds
of names that are looked up before the query runs, so that a name that matches nothing is reported
with suggestions instead of giving an empty table: ``entity`` (a system, hardware or technique by
name or alias), ``hardware`` (the same, hardware only) and ``paper`` (part of a title).

Neo4j runs the file's Cypher (``kg query`` sends every parameter); the embedded store runs its twin
in :mod:`queries.embedded`, which returns the same rows in the same order.

>>> [q.name for q in canned_queries()][:3]
['baseline-chains', 'beats-proposed-by', 'compared-together']
>>> get_query("most-compared").bind({"limit": "3"})
{'limit': 3}
>>> get_query("papers-comparing-to").example
{'name': 'vLLM', 'variants': True, 'limit': 100}
"""

from __future__ import annotations

import re
from collections import Counter
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
_EXAMPLE = re.compile(r"coalesce\(\$(\w+),\s*('(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|true|false)\)")
_USE = re.compile(r"\$(\w+)")
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
        """What the Cypher takes for a parameter left null (``coalesce``): a call that answers on the seeds."""
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


def _literal(text: str) -> Any:
    if text.startswith("'"):
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    if text in ("true", "false"):
        return text == "true"
    return float(text) if "." in text else int(text)


def _parse_examples(cypher: str, path: Path) -> dict[str, Any]:
    """Each parameter's example, from its ``coalesce($name, example)``; every use must be written so."""
    code = "\n".join(line for line in cypher.splitlines() if not line.lstrip().startswith("//"))
    written = _EXAMPLE.findall(code)
    if Counter(_USE.findall(code)) != Counter(key for key, _ in written):
        raise QueryError(f"{path.name}: write every parameter as coalesce($name, example), so Neo4j Browser runs the file with it unset")
    out: dict[str, Any] = {}
    for key, literal in written:
        if out.setdefault(key, _literal(literal)) != _literal(literal):
            raise QueryError(f"{path.name}: ${key} has two examples")
    return out


def parse_query_file(path: Path) -> CannedQuery:
    header: dict[str, str] = {}
    params: list[Parameter] = []
    body: list[str] = []
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        m = re.match(r"^//\s*(\w+):\s*(.*)$", line)
        if m and not body:
            key, value = m.group(1), m.group(2).strip()
            if key == "param":
                params.append(_parse_param(value, path))
            else:
                header[key] = value
        elif line.strip() or body:
            body.append(line)
    if "name" not in header:
        raise QueryError(f"{path.name}: no '// name:' header")
    cypher = "\n".join(body).strip()
    if ";" in text or any(line.startswith(":") for line in body):  # Browser splits a paste at every ';'
        raise QueryError(f"{path.name}: a canned query is one Cypher statement, no ';' (Neo4j Browser shows no rows for several)")
    examples = _parse_examples(cypher, path)
    if set(examples) != {p.name for p in params}:
        raise QueryError(f"{path.name}: the Cypher must give an example for each parameter, as coalesce($name, example)")
    for p in params:
        p.example = p.convert(examples[p.name], header["name"])
        if not p.required and p.example != p.default:
            raise QueryError(f"{path.name}: coalesce(${p.name}, …) must give its default, {p.default!r}")
    return CannedQuery(
        name=header["name"], description=header.get("description", ""), parameters=params, cypher=cypher, path=str(path),
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


def browser_declaration() -> str:
    """The Neo4j Browser command that declares every canned query's parameter unset (null), so a
    pasted file runs with its examples (Neo4j refuses a query naming a parameter it is not sent).

    >>> browser_declaration()
    ':params {depth: null, hardware: null, limit: null, metric: null, name: null, q: null, title: null, variants: null}'
    """
    names = sorted({p.name for q in canned_queries() for p in q.parameters})
    return ":params {" + ", ".join(f"{name}: null" for name in names) + "}"
