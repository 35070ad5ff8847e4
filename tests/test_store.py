"""The embedded store: merging, idempotence, atomic writes, snapshots, and a store that is not a store."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

import graph.store.embedded as embedded_store
from graph.model import Label, Node, Relationship, RelType
from graph.store import GraphBatch, StoreError
from graph.store.embedded import EmbeddedStore
from graph.store.merge import CLAIM_FIELDS


def _batch(evidence: str = "P beats vLLM by 2x.", claims: list[str] | None = None) -> GraphBatch:
    props = {"evidence": evidence, "source": "a.txt", "line": 3, "sources": ["a.txt:3"]}
    if claims:
        props |= {"claims": claims, "claim_values": [2.0] * len(claims), "claim_units": ["x"] * len(claims),
                  "claim_metrics": ["speed"] * len(claims)}
    return GraphBatch(
        nodes=[
            Node(key="paper:p", label=Label.PAPER, properties={"title": "P", "sources": ["a.txt:1"]}),
            Node(key="system:vllm", label=Label.SYSTEM, properties={"name": "vLLM", "aliases": []}),
        ],
        relationships=[Relationship(type=RelType.COMPARES_TO, start="paper:p", end="system:vllm", properties=props)],
    )


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def test_merge_persists_and_a_second_merge_of_the_same_batch_changes_nothing(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "kg")
    first = store.merge(_batch())
    assert (first.nodes_created, first.relationships_created) == (2, 1)
    store.close()
    before = _files(tmp_path / "kg")
    assert "graph.sqlite" in before
    again = EmbeddedStore(tmp_path / "kg")
    assert not again.merge(_batch()).changed
    again.close()
    assert _files(tmp_path / "kg") == before, "not a byte of the store changed"


def test_merge_keeps_first_scalars_and_grows_lists(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    store.merge(_batch(claims=["2× speed"]))
    summary = store.merge(_batch(evidence="A later sentence.", claims=["2× speed", "3× throughput"]))
    assert summary.relationships_updated == 1
    (rel,) = EmbeddedStore(tmp_path).relationships()
    assert rel.properties["evidence"] == "P beats vLLM by 2x."
    assert rel.properties["claims"] == ["2× speed", "3× throughput"]
    assert len(rel.properties["claim_values"]) == 2


def test_a_write_that_fails_midway_leaves_the_previous_store_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = EmbeddedStore(tmp_path)
    store.merge(_batch())
    before = (store.nodes(), store.relationships())

    def crash(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(embedded_store, "_put_rels", crash)  # the nodes are written, then the disk fills
    other = _batch(evidence="Another sentence.", claims=["3× speed"])
    other.nodes.append(Node(key="hardware:a100", label=Label.HARDWARE, properties={"name": "A100"}))
    with pytest.raises(StoreError, match="disk is full"):
        store.merge(other)
    assert (store.nodes(), store.relationships()) == before
    assert (EmbeddedStore(tmp_path).nodes(), EmbeddedStore(tmp_path).relationships()) == before
    assert not list(tmp_path.glob(".graph-*"))


def test_a_first_load_that_fails_leaves_no_store(tmp_path: Path) -> None:
    batch = GraphBatch(relationships=[Relationship(type=RelType.USES, start="paper:x", end="system:y", properties={})])
    with pytest.raises(StoreError, match="missing node"):
        EmbeddedStore(tmp_path).merge(batch)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock"]
    assert not EmbeddedStore(tmp_path).exists()


def test_a_corrupt_store_is_reported_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "graph.sqlite").write_bytes(b"{not a database" * 100)
    with pytest.raises(StoreError, match="not a readable store"):
        EmbeddedStore(tmp_path).stats()
    with pytest.raises(StoreError, match="not a readable store"):
        EmbeddedStore(tmp_path).merge(_batch())
    assert (tmp_path / "graph.sqlite").read_bytes() == b"{not a database" * 100


def test_a_corrupt_json_store_is_reported_not_converted(tmp_path: Path) -> None:
    (tmp_path / "graph.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="not a readable store"):
        EmbeddedStore(tmp_path).stats()
    assert (tmp_path / "graph.json").read_text(encoding="utf-8") == "{not json"
    assert not (tmp_path / "graph.sqlite").exists()


def test_a_json_store_is_converted_once_and_kept(tmp_path: Path) -> None:
    nodes = [{"key": "paper:p", "label": "Paper", "properties": {"title": "P", "sources": ["a.txt:1"]}},
             {"key": "system:vllm", "label": "System", "properties": {"name": "vLLM", "aliases": ["vllm"]}}]
    rels = [{"type": "COMPARES_TO", "start": "paper:p", "end": "system:vllm", "properties": {"evidence": "P beats vLLM.", "sources": ["a.txt:2"]}}]
    text = json.dumps({"format": "mlsys-kg", "version": 2, "nodes": nodes, "relationships": rels})
    (tmp_path / "graph.json").write_text(text, encoding="utf-8")
    store = EmbeddedStore(tmp_path)
    assert [r.label for r in store.resolve("VLLM")] == ["System"]
    assert [(n.key, n.properties) for n in store.nodes()] == [(n["key"], n["properties"]) for n in nodes]
    assert [r.properties for r in store.relationships()] == [rels[0]["properties"] | {f: [] for f in CLAIM_FIELDS}]
    assert (tmp_path / "graph.json.bak").read_text(encoding="utf-8") == text
    assert not (tmp_path / "graph.json").exists()


def test_the_next_command_removes_what_a_killed_write_left(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    store.merge(_batch())
    (tmp_path / ".graph-killed.tmp").write_text("half a store", encoding="utf-8")
    (tmp_path / ".graph-killed.tmp-wal").write_text("its log", encoding="utf-8")
    assert len(EmbeddedStore(tmp_path).nodes()) == 2  # a reader opens the store ...
    assert not list(tmp_path.glob(".graph-*"))  # ... and, with no writer running, cleans up


def test_a_running_writers_temp_file_is_left_alone(tmp_path: Path) -> None:
    from graph.store.lock import exclusive

    EmbeddedStore(tmp_path).merge(_batch())
    live = tmp_path / ".graph-live.tmp"
    with exclusive(tmp_path):  # another process is building a store
        live.write_text("in progress", encoding="utf-8")
        assert len(EmbeddedStore(tmp_path).nodes()) == 2
        assert live.exists()


def test_a_query_reads_one_snapshot_while_a_load_is_writing(tmp_path: Path) -> None:
    """Readers never wait for a writer and never see half of its load."""
    EmbeddedStore(tmp_path).merge(_batch())
    writer = sqlite3.connect(tmp_path / "graph.sqlite", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM rels")
    writer.execute("DELETE FROM nodes WHERE key = 'paper:p'")
    reader = EmbeddedStore(tmp_path)
    rows = reader.run_query("papers-comparing-to", {"name": "vLLM"})
    assert [r["paper"] for r in rows] == ["P"]
    assert reader.stats().nodes == {"Paper": 1, "System": 1}
    writer.execute("COMMIT")
    writer.close()
    assert reader.run_query("papers-comparing-to", {"name": "vLLM"}) == []
    assert reader.stats().nodes == {"System": 1}


def test_one_store_object_serves_several_threads(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    store.merge(_batch())
    answers: list[object] = []

    def ask() -> None:
        for _ in range(20):
            answers.append(store.run_query("most-compared", {"limit": 5}))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 80
    assert all(a == [{"baseline": "vLLM", "label": "System", "papers": 1}] for a in answers)


def test_a_small_load_reads_only_what_it_touches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding to a big store costs what the new papers touch, not a read of the whole store."""
    store = EmbeddedStore(tmp_path)
    big = GraphBatch(nodes=[Node(key=f"paper:p{i}", label=Label.PAPER, properties={"title": f"P{i}", "sources": [f"a.txt:{i + 1}"]})
                            for i in range(3000)])
    store.merge(big)
    seen: list[int] = []
    real = embedded_store._node_properties
    monkeypatch.setattr(embedded_store, "_node_properties", lambda conn, keys: seen.append(len(keys)) or real(conn, keys))
    monkeypatch.setattr(embedded_store, "_whole_graph", lambda conn: pytest.fail("a load must not read the whole graph"))
    summary = store.merge(_batch())
    assert summary.nodes_created == 2 and seen == [2]
    assert store.stats().nodes == {"Paper": 3001, "System": 1}


def test_derived_values_read_back_are_what_derive_computes(tmp_path: Path) -> None:
    """A load compares stored nodes with what it brings through their derived values, read back
    from the store's columns: they must be exactly what graph.lookup.derive gives, or every load
    would rewrite every node it touches."""
    from graph.api import KnowledgeGraph
    from graph.config import Settings
    from graph.lookup import derive

    kg = KnowledgeGraph.open(Settings(store=tmp_path))
    kg.load([Path("loaders/examples")])
    store = kg.store
    assert isinstance(store, EmbeddedStore)
    nodes = store.nodes()
    with store._reading() as conn:
        assert conn is not None
        read = embedded_store._node_properties(conn, {n.key for n in nodes})
    assert {n.label.value for n in nodes} >= {"Paper", "System", "Hardware"}
    for n in nodes:
        assert read[n.key] == derive(n.label.value, n.properties), n.key
    assert not kg.load([Path("loaders/examples")]).summary.changed


# ---- claim lists: present on every comparison, empty when the paper states no number -----------


def _claim_lists(store: EmbeddedStore) -> list[dict[str, object]]:
    return [{f: r.properties.get(f) for f in CLAIM_FIELDS} for r in store.relationships() if r.type is RelType.COMPARES_TO]


def test_a_comparison_without_a_number_carries_empty_claim_lists(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    store.merge(_batch())
    assert _claim_lists(store) == [{f: [] for f in CLAIM_FIELDS}]
    store.merge(_batch(claims=["2x speed"]))  # a later load that states a number fills them
    assert _claim_lists(store)[0]["claims"] == ["2x speed"]
    assert _claim_lists(store)[0]["claim_bounds"] == ["unstated"]


def test_a_store_written_before_claim_lists_is_migrated_when_opened(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path).merge(_batch())
    with sqlite3.connect(tmp_path / "graph.sqlite") as conn:  # as an older kg wrote it: no lists, format 3
        props = json.loads(conn.execute("SELECT props FROM rels").fetchone()[0])
        old = json.dumps({k: v for k, v in props.items() if k not in CLAIM_FIELDS})
        conn.execute("UPDATE rels SET props = ?", (old,))
        conn.execute("UPDATE meta SET value = '3' WHERE name = 'version'")
    store = EmbeddedStore(tmp_path)
    assert _claim_lists(store) == [{f: [] for f in CLAIM_FIELDS}]
    with sqlite3.connect(tmp_path / "graph.sqlite") as conn:
        assert conn.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()[0] == str(embedded_store.FORMAT_VERSION)
