"""Kept answers of the whole-graph queries (graph.answers): asked again, a query reads no graph rows;
after a load or an unload, the kept answer is never served, and the answer is a from-scratch one."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import write_listings
from graph.answers import kept_queries
from graph.api import KnowledgeGraph
from graph.embedded_store import FORMAT_VERSION, EmbeddedStore
from graph.store import GraphStore

GRAPH_TABLES = {"nodes", "rels", "lookup"}


@pytest.fixture(scope="module")
def listings(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path]]:
    """300 synthetic papers, and 50 more in a file of their own."""
    first = write_listings(tmp_path_factory.mktemp("first"), 300, per_file=50)
    more = write_listings(tmp_path_factory.mktemp("more"), 50, per_file=50, skip=300)
    return first, more


def answers(store: GraphStore) -> dict[str, list[dict[str, Any]]]:
    """Every kept query's answer, with its default parameters and with a small limit."""
    out = {}
    for name in sorted(kept_queries()):
        out[name] = store.run_query(name, {})
        if name != "graph-stats":
            out[name + " limit=3"] = store.run_query(name, {"limit": 3})
    return out


def from_scratch(tmp_path: Path, files: list[Path]) -> dict[str, list[dict[str, Any]]]:
    store = EmbeddedStore(tmp_path)
    KnowledgeGraph(store).load(files)
    return answers(store)


def tables_read(store: EmbeddedStore, run: Any) -> set[str]:
    """The tables SQLite reads while ``run`` runs (its authorizer sees every table a statement reads)."""
    seen: set[str] = set()

    def note(action: int, table: str | None, *_: Any) -> int:
        if action == sqlite3.SQLITE_READ and table:
            seen.add(table)
        return sqlite3.SQLITE_OK

    conn = store._conn()
    assert conn is not None
    conn.set_authorizer(note)
    try:
        run()
    finally:
        conn.set_authorizer(None)
    return seen


def test_a_whole_graph_query_asked_again_reads_no_graph_rows(tmp_path: Path, listings: tuple[list[Path], list[Path]]) -> None:
    store = EmbeddedStore(tmp_path / "kg")
    KnowledgeGraph(store).load(listings[0])
    first = answers(store)
    again = EmbeddedStore(tmp_path / "kg")  # another process, say: a new connection
    seen: dict[str, Any] = {}
    assert not tables_read(again, lambda: seen.update(answers(again))) & GRAPH_TABLES
    assert seen == first
    assert first["most-compared"] and first["curation-queue"]


def test_a_query_with_an_anchor_still_reads_the_graph(tmp_path: Path, listings: tuple[list[Path], list[Path]]) -> None:
    store = EmbeddedStore(tmp_path / "kg")
    KnowledgeGraph(store).load(listings[0])
    store.run_query("search", {"q": "serving"})
    again = EmbeddedStore(tmp_path / "kg")
    assert tables_read(again, lambda: again.run_query("search", {"q": "serving"})) & GRAPH_TABLES


def test_after_a_load_and_an_unload_no_kept_answer_is_served(tmp_path: Path, listings: tuple[list[Path], list[Path]]) -> None:
    first, more = listings
    store = EmbeddedStore(tmp_path / "kg")
    kg = KnowledgeGraph(store)
    kg.load(first)
    before = answers(store)
    assert answers(store) == before  # kept now
    kg.load(more)
    after_load = answers(store)
    assert after_load == from_scratch(tmp_path / "all", first + more)
    assert after_load != before
    kg.unload(more)
    assert answers(store) == from_scratch(tmp_path / "first", first) == before


def test_a_format_4_store_is_upgraded_and_keeps_answers(tmp_path: Path, listings: tuple[list[Path], list[Path]]) -> None:
    store = EmbeddedStore(tmp_path / "kg")
    KnowledgeGraph(store).load(listings[0][:1])
    store.close()
    with sqlite3.connect(store.path) as conn:  # as kg wrote it before answers were kept
        conn.execute("DROP TABLE answers")
        conn.execute("UPDATE meta SET value = '4' WHERE name = 'version'")
    reopened = EmbeddedStore(tmp_path / "kg")
    first = answers(reopened)
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()[0] == str(FORMAT_VERSION)
        assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] == len(first)
