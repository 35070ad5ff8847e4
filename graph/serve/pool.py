"""The graph as the server reads it: blocking KnowledgeGraph calls on a few threads of our own.

Each worker thread holds its own :class:`KnowledgeGraph` on the embedded backend, so a store object
is never shared between threads whatever the store does inside (a JSON file read into memory, or a
database connection that must stay in its thread). Before each call a worker compares the store
directory's files (names, sizes, modification times) with what it opened, and opens the store
again when they changed: a ``kg load`` while serving shows in the next request. On Neo4j every
thread shares one driver, which is made for that; the server sees each write as it is committed.

The pool is small (a few threads, not one per request), so a burst of requests queues instead of
holding one copy of the graph per request; a call that outlasts its time limit answers 503 and
its thread finishes in the background.
"""

from __future__ import annotations

import asyncio
import os
import threading
from contextlib import suppress
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from graph.api import KnowledgeGraph
from graph.config import Settings

T = TypeVar("T")


class TooSlow(RuntimeError):
    """A call took longer than the request time limit."""


def store_signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when a writer changes the store: its files' names, sizes and mtimes. Left out:
    hidden files (the lock, a writer's temp file: the write ends by replacing or changing a visible
    one) and a database's ``-shm`` index, which readers touch too."""
    try:
        entries = [e for e in os.scandir(directory) if not e.name.startswith(".") and not e.name.endswith("-shm") and e.is_file()]
    except OSError:
        return ()
    return tuple(sorted((e.name, (st := e.stat()).st_size, st.st_mtime_ns) for e in entries))


class GraphPool:
    """Runs ``fn(kg)`` on a worker thread with that thread's graph, within ``timeout`` seconds."""

    def __init__(self, settings: Settings, workers: int = 4, timeout: float = 10.0,
                 opener: Callable[[Settings], KnowledgeGraph] = KnowledgeGraph.open) -> None:
        self.settings = settings
        self.timeout = timeout
        self._opener = opener
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kg-serve")
        self._local = threading.local()
        self._opened: list[KnowledgeGraph] = []
        self._lock = threading.Lock()
        self._shared: KnowledgeGraph | None = None
        self._memo: dict[str, object] = {}  # read and written on the event loop's thread only
        self._memo_signature: tuple[tuple[str, int, int], ...] | None = None
        if settings.backend == "neo4j":
            self._shared = self._open()  # fails now, with its one-line reason, if the server is unreachable

    def _open(self) -> KnowledgeGraph:
        kg = self._opener(self.settings)
        with self._lock:
            self._opened.append(kg)
        return kg

    def graph(self) -> KnowledgeGraph:
        """This thread's graph, opened again if the store changed since."""
        if self._shared is not None:
            return self._shared
        signature = store_signature(self.settings.store)
        kg: KnowledgeGraph | None = getattr(self._local, "kg", None)
        if kg is None or self._local.signature != signature:
            if kg is not None:
                kg.close()
                with self._lock:
                    self._opened.remove(kg)
            kg = self._local.kg = self._open()
            self._local.signature = signature
        return kg

    def call(self, fn: Callable[[KnowledgeGraph], T]) -> T:
        """``fn`` on the calling thread's graph (the workers use this)."""
        return fn(self.graph())

    async def run_memo(self, key: str, fn: Callable[[KnowledgeGraph], T]) -> T:
        """``run(fn)``, remembered until the embedded store changes (for answers that read the whole
        graph, such as its counts); on Neo4j, where any client may write, every call runs."""
        if self._shared is not None:
            return await self.run(fn)
        signature = store_signature(self.settings.store)
        if self._memo_signature != signature:
            self._memo, self._memo_signature = {}, signature
        if key not in self._memo:
            self._memo[key] = await self.run(fn)
        return self._memo[key]  # type: ignore[no-any-return]

    async def run(self, fn: Callable[[KnowledgeGraph], T]) -> T:
        future = self._executor.submit(self.call, fn)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            raise TooSlow(f"the request took longer than {self.timeout:g} s and was stopped") from None

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            opened, self._opened = self._opened, []
        for kg in opened:
            with suppress(Exception):  # a store bound to its own thread may refuse to close from this one
                kg.close()
