"""`kg serve` keeps its answers for the graph's version: a GET asked again is the same bytes without
reading the graph, and a write by anyone means the next answer is computed afresh, on both
backends. The token still guards a kept answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import FIXTURES, write_hostile_listing
from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.serve import ServeSettings, create_app
from graph.serve.pool import GraphPool
from graph.store.neo4j import Neo4jStore

PATHS = ["/api/stats", "/api/queries/most-compared?limit=3", "/api/show/vLLM", "/entity/vLLM", "/neighbourhood/vLLM",
         "/claims-chart/vLLM", "/queries/most-compared?limit=3", "/api/search?q=serving"]


class CountingPool(GraphPool):
    """The pool, counting the calls that read the graph."""

    calls = 0

    async def run(self, fn: Any) -> Any:
        self.calls += 1
        return await super().run(fn)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "kg"
    KnowledgeGraph.open(Settings(store=path)).load(sorted(FIXTURES.glob("*.txt")))
    return path


def _same_answer_twice_without_reading(c: TestClient, counting: CountingPool, path: str) -> None:
    first = c.get(path)
    assert first.status_code == 200 and "x-kg-cache" not in first.headers, path
    calls = counting.calls
    again = c.get(path)
    assert again.status_code == 200 and again.headers["x-kg-cache"] == "hit", path
    assert again.content == first.content and again.headers["content-type"] == first.headers["content-type"], path
    assert counting.calls == calls, f"{path}: a kept answer read the graph"


def test_a_get_asked_again_is_the_same_answer_without_reading_the_graph(store: Path) -> None:
    pool = CountingPool(Settings(store=store))
    with TestClient(create_app(Settings(store=store), pool=pool)) as c:
        for path in PATHS:
            _same_answer_twice_without_reading(c, pool, path)
        head = c.head("/api/stats")
        assert head.status_code == 200 and head.content == b"" and head.headers["x-kg-cache"] == "hit"


def test_a_load_while_serving_empties_what_was_kept(store: Path, tmp_path: Path) -> None:
    with TestClient(create_app(Settings(store=store))) as c:
        before = c.get("/api/stats").json()
        assert c.get("/api/stats").headers["x-kg-cache"] == "hit"
        assert c.get("/api/show/SplitServe").status_code == 404
        KnowledgeGraph.open(Settings(store=store)).load([write_hostile_listing(tmp_path)])
        after = c.get("/api/stats")
        assert "x-kg-cache" not in after.headers and after.json()["nodes"]["Paper"] > before["nodes"]["Paper"]
        assert c.get("/api/show/SplitServe").status_code == 200


def test_errors_are_not_kept_and_the_token_guards_a_kept_answer(store: Path) -> None:
    with TestClient(create_app(Settings(store=store), ServeSettings(token="t0ken-xyz"))) as c:
        auth = {"Authorization": "Bearer t0ken-xyz"}
        assert c.get("/api/stats", headers=auth).status_code == 200
        assert c.get("/api/stats", headers=auth).headers["x-kg-cache"] == "hit"
        assert c.get("/api/stats").status_code == 401
        for _ in range(2):
            missing = c.get("/api/show/NoSuchSystemAnywhere", headers=auth)
            assert missing.status_code == 404 and "x-kg-cache" not in missing.headers


def test_no_cache_keeps_nothing(store: Path) -> None:
    with TestClient(create_app(Settings(store=store), ServeSettings(cache_mb=0))) as c:
        assert all("x-kg-cache" not in c.get("/api/stats").headers for _ in range(2))


@pytest.mark.neo4j
def test_on_neo4j_any_write_means_the_next_answer_is_computed_afresh(neo: Neo4jStore, neo4j_settings: Settings) -> None:
    neo.clear()
    KnowledgeGraph(neo).load(sorted(FIXTURES.glob("*.txt")))
    try:
        with TestClient(create_app(neo4j_settings)) as c:
            before = c.get("/api/stats").json()
            assert c.get("/api/stats").headers["x-kg-cache"] == "hit"
            neo.driver.execute_query("CREATE (:Hardware {key: 'hardware:kept-answer-test', name: 'KeptAnswerTest'})",
                                     database_=neo4j_settings.neo4j_database)
            after = c.get("/api/stats")
            assert "x-kg-cache" not in after.headers
            assert after.json()["nodes"]["Hardware"] == before["nodes"].get("Hardware", 0) + 1
    finally:
        neo.clear()


def test_the_same_request_asked_while_it_is_computed_is_computed_once() -> None:
    import asyncio

    from graph.serve.cache import ResponseCache

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
