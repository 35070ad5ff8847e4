"""Errors as the server answers them: a status and one line (JSON under /api, a page elsewhere).

The same exceptions the CLI turns into one line on stderr, worded in the API's terms (a query
parameter, the JSON body): a name that matches nothing is 404 with the closest names, a bad
parameter or body 400, a body that is not JSON 415, a method a route does not take 405 with
``Allow``, Cypher on the embedded store 501, an unreachable store or a request over its time limit
503 with ``Retry-After``. Anything else is a bug: 500 with the exception's class only (its message
could hold anything), logged on the server, with the traceback under KG_DEBUG=1."""

from __future__ import annotations

import logging
import os
from typing import Any, NamedTuple

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from graph.optional import MissingExtra
from graph.serve.methods import allowed
from graph.serve.pool import TooSlow
from graph.store import StoreError, StoreUnavailable
from graph.store.cypher import CypherError, CypherNeedsNeo4j, CypherTimedOut, WriteRefused
from queries.catalog import MissingParameter, NameNotFound, ParameterError, QueryError

log = logging.getLogger("kg.serve")
RETRY_AFTER = "5"  # seconds a 503 asks a client to wait before it tries again: long enough for a burst of requests to pass
PLACES = {"query": "query parameter", "path": "path parameter", "body": "JSON body field", "header": "header"}


class ErrorBody(BaseModel):
    """Every error the server answers in JSON, whatever its status."""

    error: str = Field(description="What went wrong, in one line")
    suggestions: list[str] = Field(default=[], description="For a name that matches nothing: the closest names")
    parameter: str | None = Field(default=None, description="The query parameter or JSON body field at fault in a 400, else null")


class ErrorAnswer(NamedTuple):
    status: int
    body: ErrorBody
    headers: dict[str, str]


class NotFound(QueryError):
    """Nothing at this address (an unknown query, a paper key that is not in the graph)."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


def api_message(exc: BaseException) -> str:
    """The library's error in the API's terms (its own message unless a face must word it)."""
    if isinstance(exc, MissingParameter):
        return exc.needs(f"the query parameter {exc.declared.name!r}")
    if isinstance(exc, WriteRefused):
        return exc.refused("/api/cypher only reads")
    if isinstance(exc, CypherTimedOut):
        limit = f"its {exc.limit:g} s limit" if exc.limit is not None else "the server's time limit"
        return f"the statement ran longer than {limit} and Neo4j stopped it"
    return _line(exc)


def classify(exc: BaseException, request: Request) -> ErrorAnswer:
    if isinstance(exc, (NameNotFound, NotFound)):
        return ErrorAnswer(404, ErrorBody(error=_line(exc), suggestions=exc.suggestions), {})
    if isinstance(exc, CypherNeedsNeo4j):
        return ErrorAnswer(501, ErrorBody(error="Cypher needs the Neo4j backend: this server reads the embedded store (serve with --backend neo4j)"), {})
    if isinstance(exc, MissingExtra):  # the server was installed without an optional part
        return ErrorAnswer(501, ErrorBody(error=_line(exc)), {})
    if isinstance(exc, (StoreUnavailable, TooSlow, CypherTimedOut)):
        return ErrorAnswer(503, ErrorBody(error=api_message(exc)), {"Retry-After": RETRY_AFTER})
    if isinstance(exc, (QueryError, CypherError)):
        parameter = exc.parameter if isinstance(exc, ParameterError) else None
        return ErrorAnswer(400, ErrorBody(error=api_message(exc), parameter=parameter), {})
    if isinstance(exc, StoreError):
        return ErrorAnswer(500, ErrorBody(error=_line(exc)), {})
    if isinstance(exc, RequestValidationError):
        return ErrorAnswer(400, validation_error(exc), {})
    if isinstance(exc, HTTPException):
        return http_error(exc, request)
    if os.environ.get("KG_DEBUG"):
        log.exception("internal error")
    else:
        log.error("internal error (%s: %s); serve with KG_DEBUG=1 for the traceback", exc.__class__.__name__, _line(exc))
    return ErrorAnswer(500, ErrorBody(error=f"internal error ({exc.__class__.__name__}); the server's log says more"), {})


def http_error(exc: HTTPException, request: Request) -> ErrorAnswer:
    """Starlette's own errors (no route at this path, a method the route does not take) and ours."""
    path = request.url.path
    if exc.status_code == 404:
        where = " (the API's routes are listed at /docs)" if wants_json(request) else ""
        return ErrorAnswer(404, ErrorBody(error=f"nothing at {path}{where}"), {})
    if exc.status_code == 405:
        allow = allowed((exc.headers or {}).get("Allow", "GET"))
        return ErrorAnswer(405, ErrorBody(error=f"{path} does not answer {request.method}; it answers {allow}"), {"Allow": allow})
    detail = exc.detail if isinstance(exc.detail, str) else "bad request"
    return ErrorAnswer(exc.status_code, ErrorBody(error=_line(detail)), dict(exc.headers or {}))


def validation_error(exc: RequestValidationError) -> ErrorBody:
    """FastAPI's check of a route's parameters and body, in one line that names the place."""
    first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
    place, *field = first.get("loc", ("request",))
    message = first.get("msg", "invalid")
    if first.get("type") == "json_invalid":
        reason = first.get("ctx", {}).get("error", message)
        return ErrorBody(error=_line(f"the request body is not valid JSON: {reason}{_position(exc.body, field)}"))
    if not field:
        return ErrorBody(error=f"the request has no {place}" if first.get("type") == "missing" else _line(f"the request {place}: {message}"))
    name = ".".join(str(part) for part in field)
    return ErrorBody(error=_line(f"{PLACES.get(place, place)} {name!r}: {message}"), parameter=name)


def _position(text: Any, field: list[Any]) -> str:
    """Where in the body the JSON parser stopped, as it counts: line and column from 1."""
    if not isinstance(text, str) or not field or not isinstance(field[0], int):
        return ""
    at = field[0]
    line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
    return f" (line {line}, column {column})"


def _line(exc: BaseException | str) -> str:
    return " ".join(str(exc).split())


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.endswith(".json")
