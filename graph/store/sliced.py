"""SQL run for many keys a slice at a time: SQLite caps the parameters of one statement.

>>> import sqlite3
>>> conn = sqlite3.connect(":memory:")
>>> _ = conn.execute("CREATE TABLE t (k TEXT)")
>>> run_for(conn, "INSERT INTO t SELECT value FROM json_each(json_array({}))", ["a", "b", "c"])
>>> sorted(k for (k,) in rows_for(conn, "SELECT k FROM t WHERE k IN ({})", ["a", "c", "z"], width=2))
['a', 'c']
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any


def rows_for(conn: sqlite3.Connection, sql: str, keys: Iterable[str], width: int = 500) -> Iterator[tuple[Any, ...]]:
    """``sql`` (with one ``IN ({})``) run for ``keys`` a slice at a time (SQLite caps parameters)."""
    keys = list(keys)
    for i in range(0, len(keys), width):
        part = keys[i:i + width]
        yield from conn.execute(sql.format(",".join("?" * len(part))), part)


def run_for(conn: sqlite3.Connection, sql: str, keys: Iterable[str]) -> None:
    """A statement that returns no rows, run for ``keys`` a slice at a time (:func:`rows_for`)."""
    for _ in rows_for(conn, sql, keys):
        pass
