"""HTTP methods as HTTP has them: every route that answers GET answers HEAD (FastAPI's routes take
only the methods they declare), and a 405 or an OPTIONS names the methods a route answers.

HEAD runs the GET and sends its status and headers, Content-Length included, without the body."""

from __future__ import annotations

from typing import Any

BODY = {"http.response.body", "http.response.pathsend", "http.response.zerocopysend"}  # ASGI messages that carry a body
ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed(methods: str) -> str:
    """The ``Allow`` header for a route that takes ``methods`` (as Starlette lists them, any order):
    HEAD wherever GET, and OPTIONS everywhere.

    >>> allowed("GET"), allowed("POST"), allowed("HEAD, GET")
    ('GET, HEAD, OPTIONS', 'POST, OPTIONS', 'GET, HEAD, OPTIONS')
    """
    named = {m.strip().upper() for m in methods.split(",") if m.strip()}
    named |= {"HEAD"} if "GET" in named else set()
    return ", ".join(sorted(named | {"OPTIONS"}, key=lambda m: (ORDER.index(m) if m in ORDER else len(ORDER), m)))


class HeadAsGet:
    """Pure ASGI middleware: a HEAD request runs as GET; the response's body is dropped."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message: Any) -> None:
            if message["type"] not in BODY:
                await send(message)
            elif not message.get("more_body", False):  # the body's last part (or a file to send): none of it
                await send({"type": "http.response.body", "body": b""})

        # a copy: the server keeps its own scope, which says HEAD, and frames the answer by it
        await self.app({**scope, "method": "GET"}, receive, headers_only)
