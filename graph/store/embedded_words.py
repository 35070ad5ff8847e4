"""The embedded store's word index: the words of every node's name, aliases, title and abstract in
SQLite's full-text index (FTS5), so that ``search`` reads only the nodes holding a word.

>>> import sqlite3
>>> conn = sqlite3.connect(":memory:")
>>> has_words(conn)
False
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from functools import cache

from graph.store.sliced import run_for

#: The words of every node's ``search_head`` and ``search_body`` (SQLite's full-text index FTS5,
#: keyed by the node's rowid; contentless: it holds the index, not the text), so that ``search``
#: reads the nodes holding a word instead of every node's text. Its tokens are a superset of the
#: stored words (:func:`queries.embedded.View.word_matches`): the search checks every node it
#: finds against the stored text. Like an index, it is built once a first load has written every
#: row, and a store without it (Python's SQLite without FTS5) answers the same, only slower.
WORDS_TABLE = "search_words"
#: ``entity`` holds the word "entity" for every node but a paper, so the index finds entities alone.
_WORDS_SCHEMA = (f"CREATE VIRTUAL TABLE {WORDS_TABLE} USING fts5(head, body, entity, content='', detail=column, "
                 "tokenize='unicode61 remove_diacritics 0')")
_WORDS_OF = "rowid, search_head, search_body, CASE WHEN label = 'Paper' THEN NULL ELSE 'entity' END FROM nodes"


@cache
def fts5() -> bool:
    """Whether this Python's SQLite has FTS5 (asked once, when a store is first opened)."""
    try:
        sqlite3.connect(":memory:").execute(_WORDS_SCHEMA)
    except sqlite3.OperationalError:
        return False
    return True


def has_words(conn: sqlite3.Connection) -> bool:
    """Whether the store has the search's word index (WORDS_TABLE)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (WORDS_TABLE,)).fetchone() is not None


def build_words(conn: sqlite3.Connection) -> None:
    """The word index of every node, where this Python's SQLite has FTS5."""
    if fts5():
        conn.execute(_WORDS_SCHEMA)
        conn.execute(f"INSERT INTO {WORDS_TABLE} (rowid, head, body, entity) SELECT {_WORDS_OF}")


def unindex_words(conn: sqlite3.Connection, keys: Iterable[str]) -> None:
    """Take the stored nodes ``keys`` out of the word index (a contentless index is told the words
    it indexed), before they are replaced or deleted."""
    run_for(conn, f"INSERT INTO {WORDS_TABLE} ({WORDS_TABLE}, rowid, head, body, entity) SELECT 'delete', {_WORDS_OF} WHERE key IN ({{}})", keys)


def index_words(conn: sqlite3.Connection, keys: Iterable[str]) -> None:
    """Put the stored nodes ``keys`` into the word index (after they were written)."""
    run_for(conn, f"INSERT INTO {WORDS_TABLE} (rowid, head, body, entity) SELECT {_WORDS_OF} WHERE key IN ({{}})", keys)
