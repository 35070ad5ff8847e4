"""Kept answers of a Neo4j database's whole-graph queries (:mod:`graph.store.answers`), in a local file.

The database's version is the bookmark Neo4j returns for a read transaction: it names the last
transaction committed to that database, so every write moves it, whoever makes it (a load, an
unload, ``kg cypher --write``, Neo4j Browser), and a new database (``kg neo4j reset``) has
another. Nothing is written to Neo4j: a kept answer there would be a write that moves the version,
and nodes that canned queries, ``graph-stats``, ``kg export`` and pictures would have to skip.

The answers are kept in ``neo4j-answers.sqlite`` in the store directory (``KG_STORE``, ``.kg``),
one row per server, database, query and parameters, so that every ``kg`` process and ``kg serve``
worker on this machine reads what one computed. The file is only a cache: when it cannot be read
or written (a read-only directory, another process writing it this instant), the query is
computed as if nothing was kept.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing, suppress
from pathlib import Path
from typing import Any

from graph.store.answers import decode_rows, encode_rows

ANSWERS_FILE = "neo4j-answers.sqlite"
_SCHEMA = """CREATE TABLE IF NOT EXISTS answers (
    server TEXT NOT NULL, database TEXT NOT NULL, query TEXT NOT NULL, params TEXT NOT NULL,
    version TEXT NOT NULL, rows TEXT NOT NULL,
    PRIMARY KEY (server, database, query, params)
) WITHOUT ROWID"""
_BUSY_MS = 200  # a reader waits this long at most for another process writing the file


class Neo4jAnswers:
    """The answers kept for one database of one server, in ``directory/neo4j-answers.sqlite``."""

    def __init__(self, directory: Path, server: str, database: str) -> None:
        self.path = Path(directory) / ANSWERS_FILE
        self.server, self.database = server, database

    def get(self, query: str, params: str, version: str) -> list[dict[str, Any]] | None:
        """The answer kept for ``version``, or None (none kept, or kept for another version)."""
        if not self.path.is_file():
            return None
        with suppress(sqlite3.Error), closing(self._connect()) as conn:
            row = conn.execute(
                "SELECT rows FROM answers WHERE server = ? AND database = ? AND query = ? AND params = ? AND version = ?",
                (self.server, self.database, query, params, version),
            ).fetchone()
            return None if row is None else decode_rows(row[0])
        return None

    def put(self, query: str, params: str, version: str, rows: list[dict[str, Any]]) -> None:
        """Keep an answer, replacing the one of an older version."""
        with suppress(sqlite3.Error, OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as conn:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(_SCHEMA)
                conn.execute(
                    "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                    (self.server, self.database, query, params, version, encode_rows(rows)),
                )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        return conn
