"""`kg cypher` without a statement, on a terminal: an interactive Cypher console.

A statement may span lines and runs when a line ends with ``;``. History is kept across sessions
in ``$KG_HISTORY`` (default ``~/.local/share/mlsys-kg/cypher_history``). Tab completes labels,
relationship types and property keys (read once at start), Cypher keywords, console commands and
canned query names. Results print as tables; an error prints one line and the console goes on.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from graph.api import KnowledgeGraph
from graph.cli.errors import cli_message
from graph.lookup import INTERNAL
from graph.output import write_rows
from graph.store import StoreError
from graph.store.cypher import parse_param, parse_value, split_statements
from queries.catalog import QueryError

KEYWORDS = (
    "MATCH", "OPTIONAL MATCH", "WHERE", "RETURN", "WITH", "UNWIND", "ORDER BY", "SKIP", "LIMIT", "DISTINCT",
    "AS", "AND", "OR", "NOT", "XOR", "IN", "IS NULL", "IS NOT NULL", "STARTS WITH", "ENDS WITH", "CONTAINS",
    "CASE", "WHEN", "THEN", "ELSE", "END", "CALL", "YIELD", "UNION", "EXISTS", "COUNT", "COLLECT", "SIZE",
    "ASC", "DESC", "CREATE", "MERGE", "SET", "DELETE", "DETACH DELETE", "REMOVE", "EXPLAIN", "PROFILE",
    "labels", "type", "properties", "keys", "toLower", "toUpper", "coalesce", "startNode", "endNode",
)
COMMANDS = {
    ":queries": "list the canned queries",
    ":run": "NAME k=v …  run a canned query",
    ":param": "k => v  set a parameter for later statements ($k)",
    ":params": "list the parameters set",
    ":help": "this help",
    ":exit": "leave (Ctrl-D too)",
}
PROMPT = "cypher> "
CONTINUATION = "   ...> "


def history_path() -> Path:
    configured = os.environ.get("KG_HISTORY")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".local" / "share" / "mlsys-kg" / "cypher_history"


def is_complete(text: str) -> bool:
    """Enter runs the input when it is a command, empty, or a statement ending in ``;``."""
    stripped = text.strip()
    return not stripped or stripped.startswith(":") or stripped.endswith(";")


class CypherCompleter(Completer):
    """Console commands first on a line, canned query names after ``:run``, else schema names and keywords."""

    def __init__(self, schema_words: Iterable[str], query_names: Iterable[str]) -> None:
        self.words = sorted(set(schema_words)) + [k for k in KEYWORDS if k not in schema_words]
        self.query_names = sorted(query_names)

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        before = document.text_before_cursor
        if re.fullmatch(r"\s*:\w*", before):
            yield from _matching(before.strip(), COMMANDS)
        elif m := re.fullmatch(r"\s*:run\s+([\w-]*)", before):
            yield from _matching(m.group(1), self.query_names)
        elif not before.lstrip().startswith(":"):
            word = re.search(r"\w*$", before).group()  # type: ignore[union-attr]  # always matches
            if word:
                yield from _matching(word, self.words)


def _matching(prefix: str, words: Iterable[str]) -> Iterator[Completion]:
    for word in words:
        if word.lower().startswith(prefix.lower()) and word != prefix:
            yield Completion(word, start_position=-len(prefix))


class CypherConsole:
    def __init__(self, kg: KnowledgeGraph, *, params: dict[str, Any] | None = None, write: bool = False,
                 internal: bool = False, out: TextIO = sys.stdout) -> None:
        self.kg = kg
        self.params: dict[str, Any] = dict(params or {})
        self.write = write
        self.internal = internal
        self.out = out

    def schema_words(self) -> list[str]:
        """Labels, relationship types and property keys, as the server lists them."""
        words: list[str] = []
        for procedure, column in (("db.labels", "label"), ("db.relationshipTypes", "relationshipType"), ("db.propertyKeys", "propertyKey")):
            words += [str(r[column]) for r in self.kg.cypher(f"CALL {procedure}() YIELD {column} RETURN {column}")]
        return words if self.internal else [w for w in words if w not in INTERNAL]

    def run(self) -> None:
        completer = CypherCompleter(self.schema_words(), [q.name for q in self.kg.queries()])
        path = history_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        session: PromptSession[str] = PromptSession(
            history=FileHistory(str(path)),
            multiline=True,
            completer=completer,
            complete_while_typing=False,
            key_bindings=_enter_runs_complete_input(),
            prompt_continuation=CONTINUATION,
        )
        self.say(f"Cypher console on {getattr(self.kg.store, 'uri', 'the graph')} "
                 f"({'reads and writes' if self.write else 'read-only'}). :help for commands, :exit or Ctrl-D to leave.")
        while True:
            try:
                text = session.prompt(PROMPT)
            except KeyboardInterrupt:
                continue
            except EOFError:
                return
            if not self.handle(text):
                return

    def handle(self, text: str) -> bool:
        """Run one input; False when it asks to leave. Errors are one line, and the console goes on."""
        text = text.strip()
        try:
            if text.startswith(":"):
                return self.command(text)
            for statement in split_statements(text):
                self.show(self.kg.cypher(statement, self.params, write=self.write, internal=self.internal))
        except (StoreError, QueryError) as exc:
            self.say(f"error: {cli_message(exc)}")
        return True

    def command(self, text: str) -> bool:
        name, _, rest = text.partition(" ")
        rest = rest.strip()
        if name in (":exit", ":quit", ":q"):
            return False
        if name == ":help":
            for command, what in COMMANDS.items():
                self.say(f"  {command:<9} {what}")
            self.say("  Statements end with ';' and may span lines; $name uses a :param.")
        elif name == ":queries":
            self.show([
                {"name": q.name, "parameters": " ".join(p.name if p.required else f"{p.name}={p.default}" for p in q.parameters),
                 "description": q.description}
                for q in self.kg.queries()
            ], count=False)
        elif name == ":run":
            query, *args = shlex.split(rest) or [""]
            if not query:
                raise QueryError("usage: :run NAME key=value …  (:queries lists them)")
            raw = dict(_key_value(a) for a in args)
            self.show(self.kg.query(query, **raw))
        elif name == ":param" and rest:
            key, value = _param_assignment(rest)
            self.params[key] = value
            self.say(f"${key} = {value!r}")
        elif name in (":params", ":param"):
            self.show([{"name": k, "value": v} for k, v in self.params.items()], count=False)
        else:
            raise QueryError(f"unknown command {name} (:help lists them)")
        return True

    def show(self, rows: list[dict[str, Any]], count: bool = True) -> None:
        write_rows(rows, "table", self.out)
        if count and rows:
            self.say(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")

    def say(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()


def _key_value(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key:
        raise QueryError(f"parameter {item!r} is not KEY=VALUE")
    return key, value


def _param_assignment(text: str) -> tuple[str, Any]:
    """``name => value`` (the Neo4j Browser's form) or ``name=value``; 'single quotes' make a string."""
    m = re.fullmatch(r"(\w+)\s*=>\s*(.*)", text, re.S)
    if not m:
        return parse_param(text)
    key, value = m.group(1), m.group(2).strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return key, value[1:-1]
    return key, parse_value(value)


def _enter_runs_complete_input() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter")
    def _(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        if buffer.complete_state and buffer.complete_state.current_completion:
            buffer.apply_completion(buffer.complete_state.current_completion)
        elif is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    return bindings


def run_console(kg: KnowledgeGraph, *, params: dict[str, Any] | None = None, write: bool = False, internal: bool = False) -> None:
    CypherConsole(kg, params=params, write=write, internal=internal).run()

