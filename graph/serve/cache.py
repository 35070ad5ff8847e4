"""Answers of ``kg serve`` kept for one version of the graph: a GET asked again is answered from
memory, byte for byte what the app answered, until the graph changes.

Every GET that reads the graph (the pages, the JSON API; not ``/static``, ``/assets`` or the API
docs, which cost nothing) depends only on the graph and the request's path, query string and
``Accept`` header, so its answer is kept with the graph's version (:meth:`GraphPool.version`: on
the embedded store its file and the number of writes that changed it, on Neo4j the bookmark of the
last transaction committed, whoever wrote it) and served again while that version is current. An
answer of another version is never served: each request asks the version first. Only complete
``200`` answers are kept, within a memory budget (least recently used go first), and sent again
with the very headers they had (a HEAD still answers what its GET does).
A request asked while the same one is being computed waits for that answer instead of computing
it again (a hub's page asked by twenty people at once is computed once).

>>> import asyncio
>>> calls = []
>>> async def app(scope, receive, send):
...     calls.append(scope["path"])
...     await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
...     await send({"type": "http.response.body", "body": b"rows"})
>>> async def version():
...     return "v1"
>>> cache = ResponseCache(app, version, max_bytes=1 << 20)
>>> sent = []
>>> async def send(message):
...     sent.append(message)
>>> scope = {"type": "http", "method": "GET", "path": "/api/stats", "query_string": b"", "headers": []}
>>> for _ in range(3):
...     asyncio.run(cache(scope, None, send))
>>> calls, [m["body"] for m in sent if "body" in m]
(['/api/stats'], [b'rows', b'rows', b'rows'])
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

#: Paths whose answers are not kept: files served as they are, and the API's own documentation.
UNCACHED = ("/static/", "/assets/", "/docs", "/openapi.json", "/api/cypher")
MAX_ENTRY = 8 << 20  # an answer larger than this (bytes) is sent, not kept

Key = tuple[str, str, bytes, bytes]


class ResponseCache:
    """Pure ASGI middleware; ``version()`` names the graph's current version (None: keep nothing)."""

    def __init__(self, app: Any, version: Callable[[], Awaitable[str | None]], max_bytes: int) -> None:
        self.app = app
        self.version = version
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Key, tuple[dict[str, Any], bytes]] = OrderedDict()
        self._bytes = 0
        self._version: str | None = None
        self._pending: dict[Key, asyncio.Event] = {}  # answers being computed: the same request waits for them

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET" or self.max_bytes <= 0
                or scope["path"].startswith(UNCACHED)):
            return await self.app(scope, receive, send)
        version = await self.version()
        if version is None:
            return await self.app(scope, receive, send)
        if version != self._version:  # a new graph: nothing kept of the old one is served again
            self._entries.clear()
            self._bytes, self._version = 0, version
        accept = next((v for k, v in scope.get("headers", []) if k == b"accept"), b"")
        key = (version, scope["path"], scope.get("query_string", b""), accept)
        pending = self._pending.get(key)
        if pending is not None:  # asked again while it is computed: one computation serves both
            await pending.wait()
        if await self._send_kept(key, send):
            return
        done = self._pending.setdefault(key, asyncio.Event())
        try:
            await self.app(scope, receive, self._keeping(key, send))
        finally:
            if self._pending.get(key) is done:
                del self._pending[key]
            done.set()

    async def _send_kept(self, key: Key, send: Any) -> bool:
        kept = self._entries.get(key)
        if kept is None:
            return False
        self._entries.move_to_end(key)
        start, body = kept
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return True

    def _keeping(self, key: Key, send: Any) -> Callable[[dict[str, Any]], Awaitable[None]]:
        """``send``, keeping a copy of a complete 200 answer under ``key``."""
        start: dict[str, Any] = {}
        parts: list[bytes] = []
        size = 0
        keep = True

        async def keeping(message: dict[str, Any]) -> None:
            nonlocal size, keep
            if message["type"] == "http.response.start":
                start.update(message)
                keep = message["status"] == 200
            elif message["type"] == "http.response.body" and keep:
                parts.append(message.get("body", b""))
                size += len(parts[-1])
                keep = size <= MAX_ENTRY
                if keep and not message.get("more_body", False):
                    self._put(key, start, b"".join(parts))
            else:  # a file sent by path, or anything else: sent as it is, not kept
                keep = False
            await send(message)

        return keeping

    def _put(self, key: Key, start: dict[str, Any], body: bytes) -> None:
        if key[0] != self._version or len(body) > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old[1])
        self._entries[key] = (start, body)
        self._bytes += len(body)
        while self._bytes > self.max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._bytes -= len(dropped)
