"""The embedded store: merging, idempotence, atomic saves, and a store that is not a store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.model import Label, Node, Relationship, RelType
from graph.store import EmbeddedStore, GraphBatch, StoreError


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


def test_merge_persists_and_a_second_merge_of_the_same_batch_changes_nothing(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "kg")
    first = store.merge(_batch())
    assert (first.nodes_created, first.relationships_created) == (2, 1)
    before = (tmp_path / "kg" / "graph.json").read_bytes()
    again = EmbeddedStore(tmp_path / "kg").merge(_batch())
    assert not again.changed
    assert (tmp_path / "kg" / "graph.json").read_bytes() == before


def test_merge_keeps_first_scalars_and_grows_lists(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    store.merge(_batch(claims=["2× speed"]))
    summary = store.merge(_batch(evidence="A later sentence.", claims=["2× speed", "3× throughput"]))
    assert summary.relationships_updated == 1
    (rel,) = EmbeddedStore(tmp_path).relationships()
    assert rel.properties["evidence"] == "P beats vLLM by 2x."
    assert rel.properties["claims"] == ["2× speed", "3× throughput"]
    assert len(rel.properties["claim_values"]) == 2


def test_a_failed_save_leaves_the_previous_store_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = EmbeddedStore(tmp_path)
    store.merge(_batch())
    before = (tmp_path / "graph.json").read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash)  # the disk fills up as the new file is flushed
    other = _batch()
    other.nodes.append(Node(key="hardware:a100", label=Label.HARDWARE, properties={"name": "A100"}))
    with pytest.raises(StoreError, match="No space left"):
        store.merge(other)
    assert (tmp_path / "graph.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "graph.json"]  # no temporary file left behind
    assert len(store.nodes()) == 2  # and the in-memory graph did not move either


def test_a_corrupt_store_is_reported_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "graph.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="not a readable store"):
        EmbeddedStore(tmp_path).stats()
    assert (tmp_path / "graph.json").read_text(encoding="utf-8") == "{not json"


def test_a_relationship_to_a_missing_node_is_refused(tmp_path: Path) -> None:
    batch = GraphBatch(relationships=[Relationship(type=RelType.USES, start="paper:x", end="system:y", properties={})])
    with pytest.raises(StoreError, match="missing node"):
        EmbeddedStore(tmp_path).merge(batch)
    assert not (tmp_path / "graph.json").exists()


def test_the_next_command_removes_what_a_killed_save_left(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    store.merge(_batch())
    (tmp_path / ".graph-killed.tmp").write_text("{half a graph", encoding="utf-8")
    assert len(EmbeddedStore(tmp_path).nodes()) == 2  # a reader opens the store ...
    assert not list(tmp_path.glob(".graph-*.tmp"))  # ... and, with no writer running, cleans up


def test_a_running_writers_temp_file_is_left_alone(tmp_path: Path) -> None:
    from graph.lock import exclusive

    EmbeddedStore(tmp_path).merge(_batch())
    live = tmp_path / ".graph-live.tmp"
    with exclusive(tmp_path):  # another process is saving
        live.write_text("{in progress", encoding="utf-8")
        assert len(EmbeddedStore(tmp_path).nodes()) == 2
        assert live.exists()
