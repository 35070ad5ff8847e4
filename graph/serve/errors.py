"""Errors as the server answers them: a status and one line (JSON under /api, a page elsewhere).

The same exceptions the CLI turns into one line on stderr: a name that matches nothing is 404 with
the closest names, a bad parameter 400, Cypher on the embedded store 501, an unreachable store or a
request over its time limit 503. Anything else is a bug: 500 with the exception's class only (its
message could hold anything), logged on the server, with the traceback under KG_DEBUG=1."""

from __future__ import annotations

import logging
import os
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from graph.cypher import CypherError, CypherNeedsNeo4j
from graph.serve.pool import TooSlow
from graph.store import StoreError, StoreUnavailable
from queries.catalog import NameNotFound, QueryError

log = logging.getLogger("kg.serve")


class ErrorBody(BaseModel):
    error: str
    suggestions: list[str] = []


class NotFound(QueryError):
    """Nothing at this address (an unknown query, a paper key that is not in the graph)."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


def classify(exc: BaseException) -> tuple[int, ErrorBody]:
    if isinstance(exc, (NameNotFound, NotFound)):
        return 404, ErrorBody(error=_line(exc), suggestions=exc.suggestions)
    if isinstance(exc, CypherNeedsNeo4j):
        return 501, ErrorBody(error="Cypher needs the Neo4j backend: this server reads the embedded store (serve with --backend neo4j)")
    if isinstance(exc, (StoreUnavailable, TooSlow)):
        return 503, ErrorBody(error=_line(exc))
    if isinstance(exc, (QueryError, CypherError)):
        return 400, ErrorBody(error=_line(exc))
    if isinstance(exc, StoreError):
        return 500, ErrorBody(error=_line(exc))
    if isinstance(exc, RequestValidationError):
        return 400, ErrorBody(error=validation_message(exc))
    if isinstance(exc, HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "bad request"
        return exc.status_code, ErrorBody(error=_line(detail))
    if os.environ.get("KG_DEBUG"):
        log.exception("internal error")
    else:
        log.error("internal error (%s: %s); serve with KG_DEBUG=1 for the traceback", exc.__class__.__name__, _line(exc))
    return 500, ErrorBody(error=f"internal error ({exc.__class__.__name__}); the server's log says more")


def validation_message(exc: RequestValidationError) -> str:
    first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
    where = " ".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body"))
    return _line(f"{where or 'request'}: {first.get('msg', 'invalid')}")


def _line(exc: BaseException | str) -> str:
    return " ".join(str(exc).split())


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.endswith(".json")
