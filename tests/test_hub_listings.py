"""The embedded listings on a hub: a class most papers target reads about ``limit`` rows, in
title order, and gives the rows reading everything would give."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.model import Label, Node, Relationship, RelType
from graph.store import GraphBatch
from graph.store.embedded import FORMAT_VERSION, WORDS_TABLE, EmbeddedStore
from queries.embedded import run_embedded

PAPERS = 3000
HUB_QUERIES = [
    ("papers-targeting", {"hardware": "GPU"}),
    ("systems-for-hardware", {"hardware": "GPU"}),
    ("papers-comparing-to", {"name": "vLLM"}),
    ("papers-using", {"name": "PyTorch"}),
]


class _CountedRows:
    """A cursor's rows, counted as they are taken."""

    def __init__(self, cursor: sqlite3.Cursor, conn: CountingConnection) -> None:
        self.cursor, self.conn = cursor, conn

    def __iter__(self) -> Iterator[Any]:
        for row in self.cursor:
            self.conn.rows += 1
            yield row

    def fetchone(self) -> Any:
        row = self.cursor.fetchone()
        self.conn.rows += row is not None
        return row

    def fetchall(self) -> list[Any]:
        rows = self.cursor.fetchall()
        self.conn.rows += len(rows)
        return rows


class CountingConnection(sqlite3.Connection):
    """A real connection that counts the rows SQLite hands back to the queries, and its work
    (steps of its virtual machine, by the hundred), which also counts rows it reads to sort."""

    rows = 0
    work = 0

    def count_work(self) -> int:
        self.work += 1
        return 0

    def execute(self, *args: Any) -> Any:  # type: ignore[override]
        return _CountedRows(super().execute(*args), self)


def _hub_batch() -> GraphBatch:
    def entity(key: str, label: Label, name: str, **extra: Any) -> Node:
        return Node(key=key, label=label, properties={"name": name, "aliases": [], **extra})

    def rel(t: RelType, start: str, end: str, line: int) -> Relationship:
        return Relationship(type=t, start=start, end=end, properties={"evidence": f"{start} {t.value} {end}.", "source": "hub.txt", "line": line})

    nodes = [entity("hardware:gpu", Label.HARDWARE, "GPU", kind="class"), entity("hardware:a100", Label.HARDWARE, "A100", kind="product"),
             entity("system:vllm", Label.SYSTEM, "vLLM"), entity("system:pytorch", Label.SYSTEM, "PyTorch")]
    rels = [rel(RelType.IS_A, "hardware:a100", "hardware:gpu", 1)]
    numbers = list(range(PAPERS))
    random.Random(7).shuffle(numbers)  # keys in another order than titles
    for key_no, n in enumerate(numbers):
        # two papers share each tenth title: one title, two rows
        paper, title = f"paper:{key_no:05d}", f"Paper {n - n % 10 if n % 10 == 1 else n:05d}"
        nodes += [Node(key=paper, label=Label.PAPER, properties={"title": title}), entity(f"system:s{key_no}", Label.SYSTEM, f"S{n:05d}")]
        rels += [rel(RelType.TARGETS, paper, "hardware:gpu", n), rel(RelType.PROPOSES, paper, f"system:s{key_no}", n),
                 rel(RelType.COMPARES_TO, paper, "system:vllm", n), rel(RelType.USES, paper, "system:pytorch", n)]
        if n % 3 == 0:
            rels.append(rel(RelType.TARGETS, paper, "hardware:a100", n))
    return GraphBatch(nodes=nodes, relationships=rels)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = EmbeddedStore(tmp_path_factory.mktemp("hub") / "kg")
    store.merge(_hub_batch())
    store.close()
    return store.path


def _run(path: Path, name: str, params: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    rows, conn = _counted(path, name, params)
    return rows, conn.rows


def _counted(path: Path, name: str, params: dict[str, Any]) -> tuple[list[dict[str, Any]], CountingConnection]:
    conn = sqlite3.connect(path, factory=CountingConnection)
    conn.set_progress_handler(conn.count_work, 100)
    try:
        return run_embedded(conn, name, params), conn
    finally:
        conn.close()


@pytest.mark.parametrize(("name", "params"), HUB_QUERIES)
def test_a_listing_on_a_hub_reads_about_limit_rows(hub: Path, name: str, params: dict[str, Any]) -> None:
    rows, read = _run(hub, name, {**params, "limit": 5})
    assert len(rows) == 5
    assert read <= 40, f"{name} read {read} rows from SQLite for 5"
    # nor does SQLite read them all to sort them before handing back five
    whole = _counted(hub, name, {**params, "limit": 1_000_000})[1].work
    assert _counted(hub, name, {**params, "limit": 5})[1].work * 10 < whole


@pytest.mark.parametrize(("name", "params"), HUB_QUERIES)
def test_a_listing_on_a_hub_gives_the_first_rows_of_the_whole_listing(hub: Path, name: str, params: dict[str, Any]) -> None:
    everything, read = _run(hub, name, {**params, "limit": 1_000_000})  # not a hub for this limit: read whole
    assert read >= PAPERS and len(everything) >= PAPERS
    assert [r["paper"] for r in everything] == sorted(r["paper"] for r in everything)
    for limit in (1, 2, 5, 11, 12, 100, 2000):
        assert _run(hub, name, {**params, "limit": limit})[0] == everything[:limit], limit


def test_a_store_without_the_title_index_answers_the_same_and_gets_it_when_opened(hub: Path, tmp_path: Path) -> None:
    old = tmp_path / "kg" / hub.name
    old.parent.mkdir()
    shutil.copyfile(hub, old)
    with sqlite3.connect(old) as conn:  # as a kg before the index wrote it
        conn.execute("DROP INDEX nodes_by_title")
    expected = _run(hub, "papers-targeting", {"hardware": "GPU", "limit": 5})[0]
    assert _run(old, "papers-targeting", {"hardware": "GPU", "limit": 5})[0] == expected  # not opened by kg: no index yet
    assert EmbeddedStore(old.parent).run_query("papers-targeting", {"hardware": "GPU", "limit": 5}) == expected
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'nodes_by_title'").fetchone()
    assert _run(old, "papers-targeting", {"hardware": "GPU", "limit": 5})[1] <= 40


# ---- search: words most nodes hold are found through the word index, not by reading every text ----


def _without_word_index(path: Path, tmp_path: Path) -> Path:
    """A copy of the store as a kg before the word index wrote it (format 5), not yet opened by kg."""
    old = tmp_path / "kg" / path.name
    old.parent.mkdir()
    shutil.copyfile(path, old)
    with sqlite3.connect(old) as conn:
        conn.execute(f"DROP TABLE {WORDS_TABLE}")
        conn.execute("UPDATE meta SET value = '5' WHERE name = 'version'")
    return old


@pytest.mark.parametrize("q", ["paper", "paper 00020", "s00017", "vllm"])
def test_a_search_for_a_word_most_papers_hold_reads_about_limit_rows(hub: Path, q: str) -> None:
    rows, read = _run(hub, "search", {"q": q, "limit": 5})
    assert rows and read <= 40, f"search {q!r} read {read} rows from SQLite for {len(rows)}"


def test_a_search_gives_the_rows_reading_every_text_gives(hub: Path, tmp_path: Path) -> None:
    old = _without_word_index(hub, tmp_path)
    for q in ["paper", "Paper 00020", "paper s00017", "00020", "gpu", "vllm pytorch", "nothing", "paper paper"]:
        for limit in (1, 2, 5, 11, 100, 5000):
            expected = _run(old, "search", {"q": q, "limit": limit})[0]  # every node's text read
            assert _run(hub, "search", {"q": q, "limit": limit})[0] == expected, (q, limit)


def test_a_store_without_the_word_index_gets_it_when_opened_and_answers_the_same(hub: Path, tmp_path: Path) -> None:
    old = _without_word_index(hub, tmp_path)
    expected = _run(hub, "search", {"q": "paper", "limit": 5})[0]
    assert EmbeddedStore(old.parent).run_query("search", {"q": "paper", "limit": 5}) == expected
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()[0] == str(FORMAT_VERSION)
    assert _run(old, "search", {"q": "paper", "limit": 5})[1] <= 40


def test_the_word_index_follows_loads_and_clears(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "kg")
    store.merge(_hub_batch())

    def indexed(word: str) -> int:
        with sqlite3.connect(store.path) as conn:
            return int(conn.execute(f"SELECT count(*) FROM {WORDS_TABLE} WHERE {WORDS_TABLE} MATCH ?", (f'"{word}"',)).fetchone()[0])

    title = store.run_query("paper", {"title": "Paper 00020"})[0]["paper"]
    studied = Node(key="paper:00003", label=Label.PAPER, properties={"abstract": "A renamed study."})
    store.merge(GraphBatch(nodes=[studied]))  # a paper's words change: found by its new ones, once
    assert [r["key"] for r in store.run_query("search", {"q": "renamed study"})] == ["paper:00003"]
    assert indexed("paper") == PAPERS and indexed("renamed") == 1
    assert store.run_query("paper", {"title": "Paper 00020"})[0]["paper"] == title
    store.clear()
    assert store.run_query("search", {"q": "paper"}) == [] and indexed("paper") == 0
    store.merge(_hub_batch())
    assert len(store.run_query("search", {"q": "paper", "limit": 100_000})) == PAPERS == indexed("paper")


@pytest.mark.parametrize("name", ["vLLM", "GPU"])
def test_a_neighbourhood_of_a_hub_reads_about_limit_rows_and_gives_the_first_rows_of_the_whole(hub: Path, name: str) -> None:
    rows, read = _run(hub, "neighbourhood", {"name": name, "limit": 5})
    assert len(rows) == 5 and read <= 40, f"neighbourhood {name} read {read} rows from SQLite for 5"
    everything = _run(hub, "neighbourhood", {"name": name, "limit": 100_000})[0]
    assert len(everything) >= PAPERS
    for limit in (1, 2, 5, 11, 100, 2000):
        assert _run(hub, "neighbourhood", {"name": name, "limit": limit})[0] == everything[:limit], limit
        assert _run(hub, "neighbourhood", {"name": name, "depth": 2, "limit": limit})[0] == everything[:limit], limit
