"""Header and data CSV files for ``neo4j-admin database import full``, Neo4j's offline bulk importer.

One file pair per node label (``key:ID(KG)``: the node key is the import id, in one id space, and
stays a ``key`` property) and one per relationship type (``:START_ID(KG)``, ``:END_ID(KG)``,
``:TYPE``). Columns are typed from the values (``title:string``, ``authors:long``,
``claim_values:double[]``, ``sources:string[]``, ``catalogued:boolean``); doubles and longs keep
Python's floats and ints exactly. The lookup properties the stores derive (:mod:`graph.lookup`)
are written too, so an imported database answers the canned queries once ``kg --backend neo4j
stats`` has created the constraints and indexes (``ensure_schema``).

Every string is quoted (RFC 4180: a quote is doubled), so commas, quotes and newlines in evidence
sentences survive; ``None`` is an empty unquoted field, which the importer leaves unset, as the Neo4j
store does. List items are joined by an array delimiter that occurs in no list item (the ASCII unit
separator unless a value holds it); the export is refused in one line when every candidate occurs,
or when a value cannot be told apart from no value. The importer writes no empty list: ``[]`` is
left unset; :meth:`graph.store.neo4j.Neo4jStore.ensure_schema` puts empty claim lists back.

The directory is written whole or not at all (a temp directory renamed into place) and holds
``manifest.json``: the files, the counts and the import arguments.

>>> import tempfile, pathlib
>>> from graph.model import Label, Node
>>> out = pathlib.Path(tempfile.mkdtemp()) / "import"
>>> export = write_admin_import([Node(key="system:vllm", label=Label.SYSTEM, properties={"name": "vLLM", "aliases": ["vllm"]})], [], out)
>>> export.nodes, [f.data for f in export.files]
({'System': 1}, ['System.nodes.csv'])
>>> (out / "System.nodes.header.csv").read_text()
'key:ID(KG),aliases:string[],lookup:string[],name:string,search_head:string\\n'
>>> export.arguments()[:4]
['database', 'import', 'full', 'neo4j']
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from graph.lookup import derive
from graph.model import Label, Node, Relationship, RelType
from graph.neo4j_local.config import JVM_ADDITIONAL, Layout, LocalNeo4jError, write_config
from graph.neo4j_local.fetch import fetch
from graph.neo4j_local.process import ADMIN_TOOL, classpath, find_java, tail_text
from graph.neo4j_local.server import LocalNeo4j
from graph.outfile import OutputError

ID_SPACE = "KG"
MANIFEST = "manifest.json"
FORMAT = "neo4j-admin"
#: Array delimiters tried in turn: ASCII unit, record, group and file separators, then printable ones.
DELIMITERS = ("\x1f", "\x1e", "\x1d", "\x1c", "|", ";", "\t")
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class AdminExportError(OutputError):
    """The graph cannot be written for the bulk importer; the message is one line for the user."""


class AdminFile(BaseModel):
    """One header + data pair: the label or type it holds and how many rows."""

    kind: Literal["nodes", "relationships"]
    name: str
    header: str
    data: str
    rows: int


class AdminExport(BaseModel):
    """What :func:`write_admin_import` wrote: the files (relative to ``directory``), counts and options."""

    format: str = FORMAT
    directory: Path
    array_delimiter: str
    multiline: bool
    files: list[AdminFile]
    nodes: dict[str, int]
    relationships: dict[str, int]

    def arguments(self, database: str = "neo4j", overwrite: bool = True) -> list[str]:
        """The arguments after ``neo4j-admin``, with absolute file paths."""
        d = self.directory.resolve()
        args = ["database", "import", "full", database]
        for f in self.files:
            option = "--nodes" if f.kind == "nodes" else "--relationships"
            args.append(f"{option}={f.name}={d / f.header},{d / f.data}")
        args.append(f"--array-delimiter={_unicode_option(self.array_delimiter)}")
        if self.multiline:
            args.append("--multiline-fields=true")
        if overwrite:
            args.append("--overwrite-destination=true")
        return args

    @classmethod
    def read(cls, directory: Path | str) -> AdminExport:
        """The export written into ``directory`` (its manifest); one-line LocalNeo4jError otherwise."""
        path = Path(directory) / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            export = cls.model_validate({**data, "directory": Path(directory)})
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not a manifest of kg export"
            raise LocalNeo4jError(f"{directory} is not a `kg export --format neo4j-admin` directory ({path.name}: {reason})") from None
        if export.format != FORMAT:
            raise LocalNeo4jError(f"{directory}: {path.name} is not of a neo4j-admin export")
        return export

    def command(self, database: str = "neo4j", neo4j_admin: str = "neo4j-admin") -> str:
        """The import as a shell command line (it replaces ``database``: stop the server first)."""
        return shlex.join([neo4j_admin, *self.arguments(database)])


def _unicode_option(ch: str) -> str:
    return "TAB" if ch == "\t" else f"U+{ord(ch):04X}"


# ---- typing and encoding values ---------------------------------------------------------------


def _kind(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        if not LONG_MIN <= value <= LONG_MAX:
            raise AdminExportError(f"{where}: {value} does not fit Neo4j's 64-bit integer")
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    raise AdminExportError(f"{where}: a {type(value).__name__} cannot be a Neo4j property")


def _join(kinds: set[str], where: str) -> str:
    if kinds <= {"long", "double"} and len(kinds) == 2:
        return "double"
    if len(kinds) > 1:
        raise AdminExportError(f"{where} holds values of several types ({', '.join(sorted(kinds))}); Neo4j's importer needs one")
    return next(iter(kinds), "string")


def column_types(rows: Iterable[dict[str, Any]], what: str) -> dict[str, str]:
    """The importer's type of every property of ``rows`` (``double[]``, ``string``, ...), by name.

    >>> column_types([{"year": 2024, "claim_values": [1.5]}, {"year": None, "claim_values": [2]}], "Paper")
    {'claim_values': 'double[]', 'year': 'long'}
    """
    scalars: dict[str, set[str]] = defaultdict(set)
    lists: dict[str, set[str]] = defaultdict(set)
    for props in rows:
        for name, value in props.items():
            where = f"property {name!r} of {what}"
            if value is None:
                scalars.setdefault(name, set())
            elif isinstance(value, (list, tuple)):
                lists[name].update(_kind(v, where) for v in value)
            else:
                scalars[name].add(_kind(value, where))
    out: dict[str, str] = {}
    for name in sorted(scalars.keys() | lists.keys()):
        if not _NAME.fullmatch(name) or name in ("key",):
            raise AdminExportError(f"property name {name!r} of {what} cannot be a CSV header column")
        where = f"property {name!r} of {what}"
        if name in lists and scalars.get(name):
            raise AdminExportError(f"{where} is a list on some items and a single value on others; Neo4j's importer needs one")
        out[name] = _join(lists[name], where) + "[]" if name in lists else _join(scalars[name], where)
    return out


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return str(value)


def quote(text: str) -> str:
    """A quoted CSV field: ``"`` around, inner quotes doubled (the importer's default, RFC 4180).

    >>> quote('He said "2x", then left')
    '"He said ""2x"", then left"'
    """
    return '"' + text.replace('"', '""') + '"'


def encode(value: Any, delimiter: str, where: str = "a value") -> str:
    """One CSV field for the importer: strings always quoted, numbers bare, ``None`` empty.

    >>> encode(["a,b", 'say "x" twice'], "|")
    '"a,b|say ""x"" twice"'
    >>> encode([1.5, 2.0], ";"), encode(None, ";"), encode(True, ";")
    ('"1.5;2.0"', '', 'true')
    >>> encode(["a;b"], ";")
    Traceback (most recent call last):
    ...
    graph.neo4j_local.admin_import.AdminExportError: a value: the list item 'a;b' holds the array delimiter U+003B
    """
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        if not value:
            return ""  # the importer cannot write an empty list: left unset
        if len(value) == 1 and value[0] == "":
            raise AdminExportError(f"{where}: the list [''] would read back as no value in Neo4j's importer")
        items = []
        for item in value:
            text = item if isinstance(item, str) else _number(item)
            if delimiter in text:
                raise AdminExportError(f"{where}: the list item {_short(text)!r} holds the array delimiter {_unicode_option(delimiter)}")
            items.append(text)
        return quote(delimiter.join(items))
    if isinstance(value, str):
        return quote(value)
    return _number(value)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def choose_delimiter(items: Iterable[str], preferred: str | None = None) -> str:
    """The first of :data:`DELIMITERS` (or ``preferred`` alone) that no list item holds.

    >>> choose_delimiter(["a\\x1fb"]) == "\\x1e"
    True
    """
    candidates = [preferred] if preferred else list(DELIMITERS)
    for c in candidates:
        if len(c) != 1 or c in ',"\n\r':
            raise AdminExportError(f"array delimiter {c!r}: one character, not a comma, quote or line break")
    taken: dict[str, str] = {}
    for item in items:
        taken.update((c, item) for c in candidates if c in item and c not in taken)
        if len(taken) == len(candidates):
            if preferred:
                raise AdminExportError(f"the list item {_short(item)!r} holds the array delimiter {_unicode_option(preferred)}")
            shown = ", ".join(_unicode_option(c) for c in candidates)
            raise AdminExportError(f"list items hold every array delimiter tried ({shown}): the graph cannot be written for neo4j-admin")
    return next(c for c in candidates if c not in taken)


# ---- writing ------------------------------------------------------------------------------------


def _node_rows(nodes: Iterable[Node]) -> dict[Label, list[tuple[str, dict[str, Any]]]]:
    groups: dict[Label, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for node in sorted(nodes, key=lambda n: n.key):
        groups[node.label].append((node.key, derive(node.label.value, node.properties)))
    return groups


def _list_strings(groups: Iterable[list[tuple[Any, dict[str, Any]]]]) -> Iterator[str]:
    for rows in groups:
        for _, props in rows:
            for value in props.values():
                if isinstance(value, (list, tuple)):
                    yield from (v for v in value if isinstance(v, str))


def _has_line_break(groups: Iterable[list[tuple[Any, dict[str, Any]]]]) -> bool:
    return any(
        isinstance(v, str) and ("\n" in v or "\r" in v)
        or isinstance(v, (list, tuple)) and any(isinstance(i, str) and ("\n" in i or "\r" in i) for i in v)
        for rows in groups for _, props in rows for v in props.values()
    )


def _write_pair(directory: Path, base: str, id_columns: list[str], rows: list[tuple[list[str], dict[str, Any]]],
                what: str, delimiter: str) -> tuple[str, str]:
    types = column_types((props for _, props in rows), what)
    header, data = f"{base}.header.csv", f"{base}.csv"
    columns = [*id_columns, *(f"{name}:{kind}" for name, kind in types.items())]
    _write_file(directory / header, [",".join(columns)])
    _write_file(directory / data, (
        ",".join([*ids, *(encode(props.get(name), delimiter, f"property {name!r} of {ids[0]}") for name in types)])
        for ids, props in rows
    ))
    return header, data


def _write_file(path: Path, lines: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        for line in lines:
            fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def write_admin_import(nodes: Iterable[Node], relationships: Iterable[Relationship], directory: Path | str, *,
                       protect: Iterable[Path] = (), array_delimiter: str | None = None) -> AdminExport:
    """Write the graph as CSV files for ``neo4j-admin database import full`` into ``directory``.

    ``directory`` must be new, empty or an earlier export of this kind (which is replaced); it may
    not hold or lie in a ``protect`` directory (the embedded store). ``array_delimiter`` forces one
    delimiter (refused in one line when a list item holds it)."""
    target = Path(directory).expanduser()
    _check_target(target, list(protect))
    node_groups = _node_rows(nodes)
    rel_groups: dict[RelType, list[tuple[Relationship, dict[str, Any]]]] = defaultdict(list)
    for rel in sorted(relationships, key=lambda r: r.key):
        rel_groups[rel.type].append((rel, rel.properties))
    all_groups = [*node_groups.values(), *rel_groups.values()]
    delimiter = choose_delimiter(_list_strings(all_groups), array_delimiter)
    multiline = _has_line_break(all_groups)

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise AdminExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        files: list[AdminFile] = []
        for label in Label:
            rows = node_groups.get(label)
            if rows:
                pair = _write_pair(staging, f"{label.value}.nodes", [f"key:ID({ID_SPACE})"],
                                   [([quote(key)], props) for key, props in rows], label.value, delimiter)
                files.append(AdminFile(kind="nodes", name=label.value, header=pair[0], data=pair[1], rows=len(rows)))
        for rtype in RelType:
            rels = rel_groups.get(rtype)
            if rels:
                pair = _write_pair(staging, f"{rtype.value}.relationships",
                                   [f":START_ID({ID_SPACE})", f":END_ID({ID_SPACE})", ":TYPE"],
                                   [([quote(r.start), quote(r.end), rtype.value], props) for r, props in rels],
                                   rtype.value, delimiter)
                files.append(AdminFile(kind="relationships", name=rtype.value, header=pair[0], data=pair[1], rows=len(rels)))
        export = AdminExport(
            directory=target.resolve(), array_delimiter=delimiter, multiline=multiline, files=files,
            nodes={f.name: f.rows for f in files if f.kind == "nodes"},
            relationships={f.name: f.rows for f in files if f.kind == "relationships"},
        )
        _write_file(staging / MANIFEST, [export.model_dump_json(indent=2, exclude={"directory"})])
        os.chmod(staging, 0o755)
        _swap(staging, target)
    except OSError as exc:
        raise AdminExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return export


def _is_earlier_export(directory: Path) -> bool:
    try:
        return f'"format": "{FORMAT}"' in (directory / MANIFEST).read_text(encoding="utf-8")[:200]
    except OSError:
        return False


def _check_target(target: Path, protect: list[Path]) -> None:
    resolved = target.resolve()
    for store in protect:
        home = Path(store).expanduser().resolve()
        if resolved == home or home in resolved.parents or resolved in home.parents:
            raise AdminExportError(f"{target}: the store {store} is there; write the export somewhere else")
    if resolved.exists() and not resolved.is_dir():
        raise AdminExportError(f"{target} exists and is not a directory")
    if resolved.is_dir() and any(resolved.iterdir()) and not _is_earlier_export(resolved):
        raise AdminExportError(f"{target} is not empty and holds no earlier neo4j-admin export; choose a new or empty directory")


def _swap(staging: Path, target: Path) -> None:
    """Put the finished ``staging`` where ``target`` is: a rename, the earlier export moved aside first."""
    if target.is_dir() and any(target.iterdir()):
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.replace(target, old / "export")
        try:
            os.replace(staging, target)
        except OSError:
            os.replace(old / "export", target)
            raise
        finally:
            shutil.rmtree(old, ignore_errors=True)
        return
    os.replace(staging, target)  # onto nothing, or onto an empty directory
    with suppress(OSError):
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---- running the importer of the local server (`kg neo4j up`'s Maven artifacts) -----------------


def local_admin_command(layout: Layout, arguments: Sequence[str], heap: str = "1g") -> list[str]:
    """``neo4j-admin`` of the local server: its AdminTool entry point on the server's classpath."""
    return [find_java(), f"-Xmx{heap}", *JVM_ADDITIONAL, "-cp", classpath(layout), ADMIN_TOOL, *arguments]


def run_local_import(layout: Layout, export: AdminExport, database: str = "neo4j", timeout: float = 3600) -> str:
    """Import ``export`` into ``database`` of the stopped local server at ``layout`` (replacing it);
    returns the importer's summary (its last lines). Raises LocalNeo4jError with its output."""
    env = dict(os.environ, NEO4J_HOME=str(layout.home), NEO4J_CONF=str(layout.conf))
    report = layout.logs / "import.report"
    layout.logs.mkdir(parents=True, exist_ok=True)
    command = local_admin_command(layout, [*export.arguments(database), f"--report-file={report}"])
    try:
        result = subprocess.run(command, env=env, cwd=layout.home, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LocalNeo4jError(f"neo4j-admin database import full could not run: {exc}") from None
    if result.returncode != 0:
        raise LocalNeo4jError(f"neo4j-admin database import full failed (exit {result.returncode})",
                              detail=tail_text(result.stdout + result.stderr, 20))
    return tail_text(result.stdout, 6)


def import_into_local_server(server: LocalNeo4j, directory: Path | str) -> str:
    """``kg neo4j import DIR``: replace the stopped local server's database with the export in ``DIR``.

    The server must be stopped; its database (NEO4J_DATABASE) is overwritten. Start it afterwards
    with ``kg neo4j up`` and create the schema with ``kg --backend neo4j stats``."""
    export = AdminExport.read(directory)
    settings = server.settings(create_env=True)
    settings.check_for_local_server()
    state = server.status()
    if state.running:
        raise LocalNeo4jError(f"the local server runs (pid {state.pid}); stop it with `kg neo4j down` first "
                              f"(the import replaces its database {settings.database!r})")
    fetch(server.layout, quiet=True)
    write_config(server.layout, settings)
    return run_local_import(server.layout, export, settings.database)
