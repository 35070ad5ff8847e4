"""Kept answers of the whole-graph queries (graph.store.answers): asked again, a query reads no graph rows;
after a load or an unload, the kept answer is never served, and the answer is a from-scratch one."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import write_listings
from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.store import GraphStore
from graph.store.answers import kept_queries
from graph.store.embedded import FORMAT_VERSION, EmbeddedStore
from graph.store.neo4j import Neo4jStore
from queries.catalog import get_query

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


# ---- Neo4j: the version is the database's last committed transaction; answers are kept locally ----


def _direct(neo: Neo4jStore, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """A query run on the server as it is, nothing kept."""
    query = get_query(name)
    with neo.driver.session(database=neo.database) as session:
        return [r.data() for r in session.run(query.cypher, query.bind(params))]


def _invocations(neo: Neo4jStore) -> dict[str, int]:
    """How many times the server ran each canned query's text (its own query statistics)."""
    texts = {get_query(name).cypher: name for name in kept_queries()}
    with neo.driver.session(database=neo.database) as session:
        rows = session.run("CALL db.stats.retrieve('QUERIES') YIELD data RETURN data").data()
    counts = dict.fromkeys(kept_queries(), 0)
    for row in rows:
        if row["data"].get("query") in texts:
            counts[texts[row["data"]["query"]]] += row["data"]["invocationSummary"]["invocationCount"]
    return counts


@pytest.mark.neo4j
def test_asked_again_a_whole_graph_query_is_not_run_on_neo4j(neo: Neo4jStore, neo4j_settings: Settings, listings: tuple[list[Path], list[Path]]) -> None:
    neo.clear()
    KnowledgeGraph(neo).load(listings[0])
    with neo.driver.session(database=neo.database) as session:
        session.run("CALL db.stats.stop('QUERIES')").consume()
        session.run("CALL db.stats.clear('QUERIES')").consume()
        session.run("CALL db.stats.collect('QUERIES')").consume()
    first = answers(neo)
    once = _invocations(neo)
    with Neo4jStore.connect(neo4j_settings) as again:  # another process, say
        assert answers(again) == first
    assert _invocations(neo) == once
    assert all(once.values())


@pytest.mark.neo4j
def test_after_a_load_an_unload_and_a_cypher_write_no_kept_answer_is_served_on_neo4j(
    neo: Neo4jStore, tmp_path: Path, listings: tuple[list[Path], list[Path]]
) -> None:
    first, more = listings
    neo.clear()
    kg = KnowledgeGraph(neo)
    kg.load(first)
    before = answers(neo)
    assert before == from_scratch(tmp_path / "first", first)
    kg.load(more)
    assert answers(neo) == from_scratch(tmp_path / "all", first + more) != before
    kg.unload(more)
    assert answers(neo) == before
    with neo.driver.session(database=neo.database) as session:  # as `kg cypher --write` would
        session.run("MATCH (p:Paper)-[:COMPARES_TO]->() WITH DISTINCT p ORDER BY p.key LIMIT 20 DETACH DELETE p").consume()
    now = answers(neo)
    assert now != before
    assert now == {label: _direct(neo, *_split(label)) for label in now}


def _split(label: str) -> tuple[str, dict[str, Any]]:
    name, _, limit = label.partition(" limit=")
    return name, ({"limit": int(limit)} if limit else {})
