"""A hub's pages cost what they show, not what the graph holds: its picture reads its neighbourhood
through the store's indexes (the most connected part of a ring too big to draw, the rest counted),
the overview counts every node's relationships and reads only the nodes it draws, and its profile (kg show, /api/show, /entity) lists a bounded number of facts of each kind and
counts the rest. The same on Neo4j."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from benchmarks.generate import write_listings
from conftest import SEEDS
from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.pictures.graph_part import InMemory
from graph.pictures.view import neighbourhood_of
from graph.serve import create_app
from graph.store import GraphStore
from graph.store.embedded import EmbeddedStore

PART_READS = ("neighbours", "nodes_keyed", "relationships_among", "first_relationships", "degrees")  # connections: counts


class Counting:
    """A real store that counts the rows each read returns, and refuses to read the whole graph."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.rows = 0

    def nodes(self) -> Any:
        raise AssertionError("read every node")

    def relationships(self) -> Any:
        raise AssertionError("read every relationship")

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.store, name)
        if name not in PART_READS:
            return found

        def counted(*args: Any, **kwargs: Any) -> Any:
            out = found(*args, **kwargs)
            self.rows += len(out.links) if name == "neighbours" else len(out)
            return out

        return counted


def synthetic_store(root: Path, papers: int) -> Path:
    path = root / f"kg{papers}"
    KnowledgeGraph.open(Settings(store=path)).load(write_listings(root / f"in{papers}", papers, seed=11, per_file=200))
    return path


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    root = tmp_path_factory.mktemp("hubs")
    return {n: synthetic_store(root, n) for n in (200, 600)}


def hub_size(store: Path, key: str) -> int:
    return EmbeddedStore(store).degrees([key])[key]


# ---- the picture ------------------------------------------------------------------------------------


def test_a_hub_s_picture_reads_no_whole_graph_and_a_bounded_part_of_it(stores: dict[int, Path]) -> None:
    # 10 neighbours read of a node, 20 nodes drawn, 25 facts in a panel: a few hundred rows of each read, at any size
    bound = 2_000
    for papers, path in stores.items():
        counting = Counting(EmbeddedStore(path))
        view = KnowledgeGraph(counting).visualize("GPU", depth=2)  # Counting refuses store.nodes() and store.relationships()
        assert view.focus == "hardware:gpu" and len(view.nodes) <= 60
        assert len(KnowledgeGraph(counting).visualize().nodes) <= 60  # the overview: counted, then only what it draws read
        counting.rows = 0
        neighbourhood_of(counting, "hardware:gpu", (0, 0), depth=2, read_limit=10, max_nodes=20)
        assert counting.rows <= bound, (papers, counting.rows)
    assert sum(EmbeddedStore(stores[600]).stats().relationships.values()) > 2 * bound
    assert hub_size(stores[600], "hardware:gpu") > 2 * hub_size(stores[200], "hardware:gpu") > 80


def test_a_focus_ring_beyond_the_read_limit_is_its_most_connected_part_and_one_more_node(stores: dict[int, Path]) -> None:
    store = EmbeddedStore(stores[200])
    ring = len({k for r in store.relationships() if "hardware:gpu" in (r.start, r.end) for k in (r.start, r.end)} - {"hardware:gpu"})
    view = neighbourhood_of(store, "hardware:gpu", (1, 1), depth=2, read_limit=40)
    more = [n for n in view.nodes if n.label == "More"]
    assert [(n.key, n.caption, n.distance) for n in more] == [("more:hardware:gpu", f"+{ring - 40} more", 1)]
    assert not view.folds  # counted, not listed: the page has nothing to unfold
    link = next(r for r in view.relationships if "more:hardware:gpu" in (r.start, r.end))
    assert (link.start, link.end, link.type) == ("more:hardware:gpu", "hardware:gpu", "TARGETS")
    assert f"GPU's {ring - 40} least connected neighbours counted in '+{ring - 40} more' beside it" in view.note
    assert view.counts.startswith("showing 59 of 1 nodes")  # the "+N more" node is not a node of the graph
    # the same picture as one of the whole graph in memory read the same way: the store ranks as it does
    whole = neighbourhood_of(InMemory(store.nodes(), store.relationships()), "hardware:gpu", (1, 1), depth=2, read_limit=40)
    assert view.model_dump() == whole.model_dump()
    degree = store.degrees([n.key for n in view.nodes if n.distance == 1 and n.label != "More"])
    others = store.degrees(sorted({k for r in store.relationships() if r.end == "hardware:gpu" for k in (r.start,)} - set(degree)))
    assert min(degree.values()) >= max(others.values())  # the drawn neighbours are the most connected


# ---- the profile: kg show, /api/show, /entity -----------------------------------------------------


def test_a_hub_s_profile_lists_at_most_n_facts_of_each_kind_and_counts_the_rest(stores: dict[int, Path]) -> None:
    kg = KnowledgeGraph.open(Settings(store=stores[200]))
    full, short = kg.show("GPU"), kg.show("GPU", per_group=5)
    kinds = {(f.direction, f.type) for f in full.facts}
    every = {kind: sum((f.direction, f.type) == kind for f in full.facts) for kind in kinds}
    listed = {kind: sum((f.direction, f.type) == kind for f in short.facts) for kind in kinds}
    assert listed == {kind: min(5, n) for kind, n in every.items()}
    assert {(m.direction, m.type): m.count for m in short.more} == {kind: n - 5 for kind, n in every.items() if n > 5}
    targets = next(m for m in short.more if m.type == "TARGETS")
    assert (targets.query, targets.params) == ("papers-targeting", {"hardware": "GPU"})
    assert not full.more and every[("in", "TARGETS")] > 100


def test_kg_show_and_the_pages_of_a_hub_say_how_many_more_and_where(stores: dict[int, Path]) -> None:
    from click.testing import CliRunner

    from graph.cli import main

    kg = KnowledgeGraph.open(Settings(store=stores[200]))
    targets = sum(f.type == "TARGETS" for f in kg.show("GPU").facts)
    out = CliRunner().invoke(main, ["--store", str(stores[200]), "show", "GPU", "--limit", "3"], catch_exceptions=False).output
    assert f"<-[TARGETS]- … and {targets - 3:,} more: kg query papers-targeting -p hardware=GPU lists them" in out
    assert out.count("<-[TARGETS]- ") == 4
    with TestClient(create_app(Settings(store=stores[200]))) as client:
        shown = client.get("/api/show/GPU", params={"limit": 3}).json()["match"]
        assert [m["count"] for m in shown["more"] if m["type"] == "TARGETS"] == [targets - 3]
        assert client.get("/api/show/GPU", params={"limit": 0}).status_code == 400
        page = client.get("/entity/GPU").text
        assert page.count('<li class="fact">') <= 100 * 2 and f"({targets:,})" in page
        assert f"and {targets - 100:,} more: <a href=\"/queries/papers-targeting?hardware=GPU\">papers-targeting GPU</a> lists them" in page


@pytest.mark.parametrize("name", ["Pollux", "GPU", "FlashAttention", "PyTorch"])
def test_the_claims_counted_are_the_claims_listed(stores: dict[int, Path], name: str) -> None:
    kg = KnowledgeGraph.open(Settings(store=stores[200]))
    assert kg.resolve(name), f"no {name} in the synthetic graph"
    assert name != "Pollux" or kg.count_claims(name) > 0  # the most compared baseline: there is something to count
    for variants in (True, False):
        assert kg.count_claims(name, variants=variants) == len(kg.claims(name, variants=variants))


# ---- Neo4j: the same reads, pictures and profiles ----------------------------------------------


@pytest.fixture(scope="module")
def both(neo, stores: dict[int, Path]) -> tuple[KnowledgeGraph, KnowledgeGraph]:  # type: ignore[no-untyped-def]
    neo.clear()
    embedded = KnowledgeGraph.open(Settings(store=stores[200]))
    files = sorted((stores[200].parent / "in200").glob("*.txt"))
    KnowledgeGraph(neo).load(files)
    return KnowledgeGraph(neo), embedded


@pytest.mark.neo4j
def test_neo4j_reads_the_same_parts(both: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    neo, embedded = (kg.store for kg in both)
    keys = ["hardware:gpu", "hardware:a100", *sorted(k.key for k in embedded.nodes_keyed([n.key for n in embedded.nodes()[:40]]))]
    for types, labels, limit in ((None, None, 30), ({"TARGETS", "COMPARES_TO"}, {"Paper"}, 7), (None, None, 10_000)):
        assert neo.neighbours(keys, types, labels, limit) == embedded.neighbours(keys, types, labels, limit)
    assert neo.degrees(keys) == embedded.degrees(keys)
    for types, labels in ((None, None), ({"TARGETS"}, {"Paper", "Hardware"})):
        assert neo.connections(types, labels) == embedded.connections(types, labels)
    assert neo.nodes_keyed(keys) == embedded.nodes_keyed(keys)
    assert neo.relationships_among(keys) == embedded.relationships_among(keys)
    assert neo.first_relationships(keys, 5) == embedded.first_relationships(keys, 5)


@pytest.mark.neo4j
def test_neo4j_draws_and_profiles_a_hub_the_same(both: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    neo, embedded = both
    for kg in both:
        assert kg.visualize("GPU").model_dump() == embedded.visualize("GPU").model_dump()
        assert neighbourhood_of(kg.store, "hardware:gpu", (1, 1), read_limit=40).model_dump() == \
            neighbourhood_of(embedded.store, "hardware:gpu", (1, 1), read_limit=40).model_dump()
        for args in ({}, {"max_nodes": 12, "labels": "Paper,Hardware"}, {"rels": "TARGETS"}):
            assert kg.visualize(**args).model_dump() == embedded.visualize(**args).model_dump(), args
        for per_group in (None, 5):
            assert kg.show("GPU", per_group=per_group) == embedded.show("GPU", per_group=per_group)
    for name in ("GPU", "vLLM", "PyTorch"):
        if embedded.resolve(name):
            assert neo.count_claims(name) == embedded.count_claims(name) == len(neo.claims(name))
            assert neo.claims(name) == embedded.claims(name)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the checkout")
def test_the_seeds_hubs_are_listed_whole_by_default(tmp_path: Path) -> None:
    kg = KnowledgeGraph.open(Settings(store=tmp_path / "kg"))
    kg.load([SEEDS])
    assert not kg.show("GPU", per_group=200).more and kg.show("GPU", per_group=200) == kg.show("GPU")
