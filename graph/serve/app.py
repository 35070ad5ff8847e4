"""The ASGI app of ``kg serve``: the JSON API, the pages, the offline API docs, the guard.

>>> from fastapi.testclient import TestClient
>>> from graph.config import Settings
>>> import tempfile
>>> client = TestClient(create_app(Settings(store=tempfile.mkdtemp())))
>>> client.get("/api/queries/most-compared", params={"limit": "x"}).json()
{'error': "parameter 'limit' of 'most-compared' must be a whole number, not 'x'", 'suggestions': [], 'parameter': 'limit'}
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from graph.config import Settings
from graph.serve import api_routes, page_routes
from graph.serve.cache import ResponseCache
from graph.serve.errors import classify, wants_json
from graph.serve.guard import Guard
from graph.serve.methods import HeadAsGet
from graph.serve.pool import GraphPool, TooSlow
from graph.store import StoreError
from queries.catalog import QueryError

HERE = Path(__file__).parent


class ServeError(StoreError):
    """A server that must not start as asked; one line for the user."""


class ServeSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None  # KG_SERVE_TOKEN: required on every request when set
    timeout: float = 10.0  # seconds a request may take
    cypher_timeout: float = 5.0  # seconds Neo4j lets a POST /api/cypher statement run
    cypher_rows: int = 1000  # rows a POST /api/cypher answer holds at most
    max_body: int = 64 * 1024  # bytes of a request body
    max_url: int = 4096  # characters of path and query string
    workers: int = 4  # threads that read the graph
    cache_mb: int = 64  # memory for answers kept for the graph's version (graph.serve.cache); 0: none


def is_loopback(host: str) -> bool:
    """
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_binding(serve: ServeSettings) -> None:
    """Another interface than the loopback serves the graph to the network: only with a token."""
    if not is_loopback(serve.host) and not serve.token:
        raise ServeError(f"--host {serve.host} serves the graph beyond this machine: set KG_SERVE_TOKEN to a secret "
                         "first (every request must then carry it), or serve on 127.0.0.1")


def create_app(settings: Settings, serve: ServeSettings | None = None, pool: GraphPool | None = None) -> FastAPI:
    serve = serve or ServeSettings()
    pool = pool or GraphPool(settings, workers=serve.workers, timeout=serve.timeout)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPIOffline(
        title="mlsys-kg", summary="A citation-style knowledge graph of ML-systems research, read-only.",
        description="Every row carries its citation: the evidence sentence, its source file and line. "
                    "The same functions as the `kg` command line; the pages for people start at /.",
        version="1", lifespan=lifespan, redoc_url=None, favicon_url="/static/favicon.svg",
    )
    app.state.pool = pool
    app.include_router(api_routes.router(pool, serve.cypher_rows, serve.cypher_timeout))
    app.include_router(page_routes.router(pool))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    async def on_error(request: Request, exc: Exception) -> Response:
        answer = classify(exc, request)
        if answer.status == 405 and request.method == "OPTIONS":  # what the route answers, in its Allow header
            return Response(status_code=204, headers=answer.headers)
        if wants_json(request):
            return JSONResponse(answer.body.model_dump(), status_code=answer.status, headers=answer.headers)
        return page_routes.error_page(request, answer)

    # our own errors answer here; any other exception is a bug, answered by the Exception handler
    for kind in (QueryError, StoreError, TooSlow, HTTPException, RequestValidationError, Exception):
        app.add_exception_handler(kind, on_error)
    app.add_middleware(ResponseCache, version=pool.version, max_bytes=serve.cache_mb << 20)  # inside the guard
    app.add_middleware(Guard, token=serve.token, max_body=serve.max_body, max_url=serve.max_url)
    app.add_middleware(HeadAsGet)  # outside the guard: a HEAD passes it as the GET it stands for
    return app
