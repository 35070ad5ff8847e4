"""What every request passes before the app sees it: the optional bearer token, URL and body size
limits, and response headers that keep pages from being framed by other sites or sniffed.

The token (``KG_SERVE_TOKEN``) is accepted as ``Authorization: Bearer TOKEN`` (programs), or once as
``?token=TOKEN`` on a page, which sets an HttpOnly same-site cookie and redirects to the same URL
without it (people with a browser; the link can be shared in a chat that is trusted)."""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from graph.serve.errors import ErrorBody

COOKIE = "kg_token"
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cache-control", b"no-store"),
]

Scope = dict[str, Any]


class Guard:
    """Pure ASGI middleware (a body is counted as it streams in, whatever Content-Length says)."""

    def __init__(self, app: Any, token: str | None, max_body: int, max_url: int) -> None:
        self.app, self.token, self.max_body, self.max_url = app, token, max_body, max_url

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > self.max_url:
            return await _error(send, 414, f"the URL is longer than {self.max_url} characters")
        if self.token is not None:
            refused = await self._check_token(scope, send)
            if refused:
                return None
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit():
            return await _error(send, 400, "the Content-Length header is not a number")
        if int(length) > self.max_body:
            return await _error(send, 413, f"the request body is larger than {self.max_body} bytes")
        seen = 0
        started = refused = False

        async def counted_receive() -> Any:
            nonlocal seen, refused
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body and not refused:
                refused = True  # answered here; the app is told the client left, and what it sends is dropped
                if not started:
                    await _error(send, 413, f"the request body is larger than {self.max_body} bytes")
            return {"type": "http.disconnect"} if refused else message

        async def guarded_send(message: Any) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
            await send(message)

        await self.app(scope, counted_receive, guarded_send)

    async def _check_token(self, scope: Scope, send: Any) -> bool:
        """True when the request was answered here (refused, or redirected to set the cookie)."""
        assert self.token is not None
        headers = dict(scope.get("headers") or [])
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.startswith("Bearer ") and secrets.compare_digest(auth[7:].encode(), self.token.encode()):
            return False
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        if COOKIE in cookie and secrets.compare_digest(cookie[COOKIE].value.encode(), self.token.encode()):
            return False
        query = parse_qsl((scope.get("query_string") or b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        if scope["method"] == "GET" and given and secrets.compare_digest(given[-1].encode(), self.token.encode()):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            location = (scope.get("root_path", "") + scope["path"]) + (f"?{rest}" if rest else "")
            await send({"type": "http.response.start", "status": 303, "headers": [
                (b"location", location.encode("utf-8")),
                (b"set-cookie", f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/".encode("latin-1")),
                *HEADERS]})
            await send({"type": "http.response.body", "body": b""})
            return True
        await _error(send, 401, "this server needs its token: send 'Authorization: Bearer TOKEN', or open a page once with ?token=TOKEN",
                     [(b"www-authenticate", b"Bearer")])
        return True


async def _error(send: Any, status: int, message: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = ErrorBody(error=message).model_dump_json().encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *HEADERS, *(extra or [])]})
    await send({"type": "http.response.body", "body": body})
