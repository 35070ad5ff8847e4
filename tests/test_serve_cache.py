"""`kg serve` keeps its answers for the graph's version: a GET asked again is the same bytes and
headers without reading the graph, and a write by anyone means the next answer is computed
afresh, on both backends. The token still guards a kept answer."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import FIXTURES, write_hostile_listing
from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.serve import ServeSettings, create_app
from graph.serve.cache import ResponseCache
from graph.serve.pool import GraphPool
from graph.store.neo4j import Neo4jStore

PATHS = ["/api/stats", "/api/queries/most-compared?limit=3", "/api/show/vLLM", "/entity/vLLM", "/neighbourhood/vLLM",
         "/claims-chart/vLLM", "/queries/most-compared?limit=3", "/api/search?q=serving"]


class CountingPool(GraphPool):
    """The pool, counting the calls that read the graph (the version is read apart)."""

    calls = 0

    async def run(self, fn: Any) -> Any:
        self.calls += 1
        return await super().run(fn)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "kg"
    KnowledgeGraph.open(Settings(store=path)).load(sorted(FIXTURES.glob("*.txt")))
    return path


def _client(settings: Settings, serve: ServeSettings | None = None) -> tuple[TestClient, CountingPool]:
    pool = CountingPool(settings)
    return TestClient(create_app(settings, serve, pool=pool)), pool


def test_a_get_asked_again_is_the_same_answer_without_reading_the_graph(store: Path) -> None:
    client, pool = _client(Settings(store=store))
    with client as c:
        for path in PATHS:
            first = c.get(path)
            calls = pool.calls
            again, head = c.get(path), c.head(path)
            assert first.status_code == again.status_code == head.status_code == 200, path
            assert again.content == first.content and again.headers == first.headers == head.headers and head.content == b"", path
            assert pool.calls == calls, f"{path}: a kept answer read the graph"


def test_a_load_while_serving_means_the_next_answer_is_computed_afresh(store: Path, tmp_path: Path) -> None:
    client, pool = _client(Settings(store=store))
    with client as c:
        before = c.get("/api/stats").json()
        assert c.get("/api/show/SplitServe").status_code == 404
        KnowledgeGraph.open(Settings(store=store)).load([write_hostile_listing(tmp_path)])
        calls = pool.calls
        assert c.get("/api/stats").json()["nodes"]["Paper"] > before["nodes"]["Paper"] and pool.calls > calls
        assert c.get("/api/show/SplitServe").status_code == 200


def test_errors_are_not_kept_and_the_token_guards_a_kept_answer(store: Path) -> None:
    client, pool = _client(Settings(store=store), ServeSettings(token="t0ken-xyz"))
    with client as c:
        auth = {"Authorization": "Bearer t0ken-xyz"}
        assert c.get("/api/stats", headers=auth).status_code == 200
        assert c.get("/api/stats").status_code == 401
        calls = pool.calls
        for _ in range(2):
            assert c.get("/api/show/NoSuchSystemAnywhere", headers=auth).status_code == 404
        assert pool.calls == calls + 2, "a 404 is computed each time"


def test_no_cache_keeps_nothing(store: Path) -> None:
    client, pool = _client(Settings(store=store), ServeSettings(cache_mb=0))
    with client as c:
        c.get("/api/stats")
        calls = pool.calls
        c.get("/api/stats")
        assert pool.calls == calls + 1


def test_the_same_request_asked_while_it_is_computed_is_computed_once() -> None:
    computed: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        computed.append(scope["path"])
        await asyncio.sleep(0.05)  # a hub's picture, being drawn
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"picture"})

    async def version() -> str:
        return "v1"

    cache = ResponseCache(app, version, max_bytes=1 << 20)
    bodies: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            bodies.append(message["body"])

    async def twenty_at_once() -> None:
        scope = {"type": "http", "method": "GET", "path": "/neighbourhood/vLLM", "query_string": b"", "headers": []}
        await asyncio.gather(*(cache(scope, None, send) for _ in range(20)))

    asyncio.run(twenty_at_once())
    assert computed == ["/neighbourhood/vLLM"] and bodies == [b"picture"] * 20


@pytest.mark.neo4j
def test_on_neo4j_any_write_means_the_next_answer_is_computed_afresh(neo: Neo4jStore, neo4j_settings: Settings) -> None:
    neo.clear()
    KnowledgeGraph(neo).load(sorted(FIXTURES.glob("*.txt")))
    try:
        client, pool = _client(neo4j_settings)
        with client as c:
            before = c.get("/api/stats").json()
            calls = pool.calls
            assert c.get("/api/stats").json() == before and pool.calls == calls  # kept
            neo.driver.execute_query("CREATE (:Hardware {key: 'hardware:kept-answer-test', name: 'KeptAnswerTest'})",
                                     database_=neo4j_settings.neo4j_database)
            after = c.get("/api/stats").json()
            assert pool.calls == calls + 1 and after["nodes"]["Hardware"] == before["nodes"].get("Hardware", 0) + 1
    finally:
        neo.clear()
