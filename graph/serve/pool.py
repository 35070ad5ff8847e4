"""The graph as the server reads it: blocking KnowledgeGraph calls on a few threads of our own.

One :class:`KnowledgeGraph` serves every worker thread. Both stores are made for that: the
embedded store keeps one SQLite connection per thread and each query reads one snapshot of the
file (WAL), so a ``kg load`` while serving shows in the next request; Neo4j's driver is
thread-safe and every query sees what was committed before it.

The pool is small (a few threads, not one per request), so a burst of requests queues instead of
opening a connection per request; a call that outlasts its time limit answers 503 and its thread
finishes in the background.

On the embedded store, :func:`warm_up` (what :meth:`GraphPool.plan_queries` runs as the server
starts; the benchmarks run it too before they time a query) computes the kept answers of the
whole-graph queries. On Neo4j it runs every canned query once as the server starts, so
that no user's first request waits for Neo4j to plan its statement (0.3 to 1 s each on a cold
server). A plan is cached by the statement's text and its parameters' types, and every call binds
its parameters through :meth:`queries.catalog.CannedQuery.bind` (``limit`` always an integer,
``variants`` a boolean, whether it came from a URL, ``-p`` or Python), so the plans are reused.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import suppress
from typing import TypeVar

from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.store.answers import kept_queries
from graph.store.embedded import STORE_FILE
from queries.catalog import CannedQuery, NameNotFound, canned_queries

T = TypeVar("T")


class TooSlow(RuntimeError):
    """A call took longer than the request time limit."""


class GraphPool:
    """Runs ``fn(kg)`` on a worker thread, within ``timeout`` seconds."""

    def __init__(self, settings: Settings, workers: int = 4, timeout: float = 10.0,
                 opener: Callable[[Settings], KnowledgeGraph] = KnowledgeGraph.open) -> None:
        self.settings = settings
        self.timeout = timeout
        self.kg = opener(settings)  # an unreachable Neo4j fails here, with its one-line reason
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kg-serve")
        # the version has a thread of its own, so a request answered from memory never waits
        # behind slow reads; one read serves every request that arrived before it started
        self._version_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-serve-version")
        self._version_read: tuple[float, asyncio.Future[str]] | None = None

    async def run(self, fn: Callable[[KnowledgeGraph], T]) -> T:
        future = self._executor.submit(fn, self.kg)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            raise TooSlow(f"the request took longer than {self.timeout:g} s and was stopped") from None

    async def version(self) -> str | None:
        """The graph's version, for answers kept by :mod:`graph.serve.cache`: on the embedded store
        its file's identity and the number of writes that changed it (kept answers of whole-graph
        queries, which do not change the graph, leave it); on Neo4j the bookmark of the last
        transaction committed, whoever made it. It is read after the caller asked: requests
        arriving together share one read that started after them. None when it cannot be told:
        nothing is kept then."""
        asked = time.monotonic()
        try:
            if self._version_read is None or self._version_read[0] < asked:
                future = asyncio.wrap_future(self._version_executor.submit(self._read_version))
                self._version_read = (time.monotonic(), future)
            return await asyncio.wait_for(asyncio.shield(self._version_read[1]), self.timeout)
        except Exception:  # noqa: BLE001 - the request itself then answers with what is wrong
            return None

    def _read_version(self) -> str:
        store = self.kg.store
        if self.settings.backend == "embedded":
            st = os.stat(self.settings.store / STORE_FILE)
            return f"{st.st_dev}:{st.st_ino}:{store.generation()}"  # type: ignore[attr-defined]
        return str(store.version())  # type: ignore[attr-defined]

    def plan_queries(self) -> tuple[int, float]:
        """Before the first request: :func:`warm_up` on the worker threads."""
        return warm_up(self.kg, self.settings.backend, self._executor)

    def close(self) -> None:
        self._version_executor.shutdown(wait=True, cancel_futures=True)
        self._executor.shutdown(wait=True, cancel_futures=True)
        with suppress(Exception):
            self.kg.close()


def warm_up(kg: KnowledgeGraph, backend: str, executor: Executor | None = None) -> tuple[int, float]:
    """What ``kg serve`` does before its first request: on Neo4j, run every canned query once with
    its example parameters (on ``executor``'s threads when given), so its plan is cached; on the
    embedded store, compute the kept answers of the whole-graph queries (:mod:`graph.store.answers`) one
    after another (each is stored when the store's lock is free at once), so no user's first
    request after a load computes one. How many ran and the seconds it took."""
    start = time.perf_counter()
    if backend == "neo4j":
        ran = list((executor.map if executor else map)(lambda q: _plan(kg, q), canned_queries()))
    else:
        ran = [_plan(kg, q) for q in canned_queries() if q.name in kept_queries()]
    return len(ran), time.perf_counter() - start


def _plan(kg: KnowledgeGraph, query: CannedQuery) -> None:
    """Run ``query`` as a request would, with its example: the lookups of its names are planned too."""
    try:
        kg.query(query.name, **query.example)
    except NameNotFound:  # the example names nothing in this graph: its statement is planned all the same
        kg.store.run_query(query.name, query.bind(query.example))
