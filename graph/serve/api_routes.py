"""The JSON API: each route one call of :class:`graph.api.KnowledgeGraph`, as the CLI makes it.

Query parameters reach :meth:`KnowledgeGraph.query` as the text the CLI's ``-p KEY=VALUE`` would
give, so they are checked and converted by the same binding (queries.catalog) and fail with the
same errors, worded for the API (graph.serve.errors). A query parameter a route does not take is
an error, as it is for a canned query, not silently ignored."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from graph.api import FACTS_PER_GROUP, KnowledgeGraph, Profile
from graph.claims import ClaimRow
from graph.lookup import suggest
from graph.serve.errors import ErrorBody, NotFound
from graph.serve.pool import GraphPool
from graph.store import NodeRef, Stats
from queries.catalog import CannedQuery, Parameter, ParameterError, canned_queries, get_query

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A bad query parameter or JSON body field (named in `parameter`)"},
    404: {"model": ErrorBody, "description": "A name or query that matches nothing, with the closest names"},
    503: {"model": ErrorBody, "description": "The store is unreachable, or the request outlasted its time limit (with Retry-After)"},
}


class QueryInfo(BaseModel):
    name: str
    description: str
    parameters: list[Parameter]
    example: dict[str, Any]
    url: str = Field(description="The API call with the example parameters")


class QueryResult(BaseModel):
    query: str
    params: dict[str, Any] = Field(description="The parameters as bound (defaults filled in)")
    rows: list[dict[str, Any]] = Field(description="The rows `kg query NAME --format json` prints")
    truncated: bool = Field(description="True when the rows reached the query's limit, so more may be left: the Link "
                                        "header (rel=\"related\") asks for the same query with a larger limit")
    limit: int | None = Field(description="The limit the rows were cut at; null for a query without one")


class ShowResult(BaseModel):
    match: Profile
    others: list[NodeRef] = Field(description="Other nodes the name or title matched")


class CypherRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is told, not ignored

    statement: str = Field(min_length=1, examples=["MATCH (p:Paper)-[r:TARGETS]->(h:Hardware {name: $hw}) RETURN p.title, r.evidence LIMIT 5"])
    params: dict[str, Any] = Field(default_factory=dict, examples=[{"hw": "TPU"}])


class CypherResult(BaseModel):
    rows: list[dict[str, Any]]
    truncated: bool = Field(description="True when the statement had more rows than the server's row cap")
    row_cap: int


MAX_FACTS_PER_GROUP = 10_000  # /api/show?limit= at most this: a bigger page is the canned queries' job
MORE_ROWS = 10  # a "more rows" link asks for this many times the limit (within the parameter's maximum)


def larger_limit(query: CannedQuery, limit: int) -> int | None:
    """The limit a "more rows" link asks for, or None when ``limit`` is already the most allowed.

    >>> larger_limit(get_query("most-compared"), 20), larger_limit(get_query("most-compared"), 50_000), larger_limit(get_query("search"), 100_000)
    (200, 100000, None)
    """
    maximum = next(p.maximum for p in query.parameters if p.name == "limit")
    wanted = limit * MORE_ROWS if maximum is None else min(limit * MORE_ROWS, maximum)
    return wanted if wanted > limit else None


def answer(query: CannedQuery, raw: dict[str, Any], rows: list[dict[str, Any]], request: Request, response: Response) -> QueryResult:
    """The rows of ``query`` as the API answers them: whether they stopped at the limit, and if so a
    Link to more. There is no offset, so the link is not a next page (rel="next" would have a client
    append rows it already has) but the same URL with a larger limit, the first rows again and then more."""
    params = query.bind(raw)
    limit = params.get("limit")
    truncated = query.stopped_at_limit(raw, rows)
    if truncated and (more := larger_limit(query, limit)):
        url = request.url.include_query_params(limit=more)
        response.headers["Link"] = f'<{quote(url.path)}?{url.query}>; rel="related"; title="more rows: the same query with a larger limit"'
    return QueryResult(query=query.name, params=params, rows=rows, truncated=truncated, limit=limit)


def query_url(q: CannedQuery, values: dict[str, Any], prefix: str = "/api/queries/") -> str:
    shown = {k: ("true" if v is True else "false" if v is False else v) for k, v in values.items()}
    return prefix + quote(q.name) + (f"?{urlencode(shown)}" if shown else "")


def known_query(name: str) -> CannedQuery:
    names = [q.name for q in canned_queries()]
    if name not in names:
        raise NotFound(f"no canned query named {name!r}", suggest(name, names) or names)
    return get_query(name)


def declared_parameters_only(request: Request) -> None:
    """A query parameter the route does not declare is a mistake (``limt=5``): 400, not ignored."""
    declared = [p.alias for p in request.scope["route"].dependant.query_params]
    unknown = [name for name in request.query_params if name not in declared]
    if unknown:
        takes = f"it takes: {', '.join(declared)}" if declared else "it takes none"
        raise ParameterError(f"{request.url.path} has no query parameter {unknown[0]!r} ({takes})", unknown[0])


def json_content(request: Request) -> None:
    """A body sent as anything but JSON is refused as such (415), before it is read as a field."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not (kind.startswith("application/") and kind.endswith("+json")):
        raise HTTPException(415, "the request body must be JSON, sent with Content-Type: application/json")


STRICT = [Depends(declared_parameters_only)]


def router(pool: GraphPool, cypher_rows: int, cypher_timeout: float) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)

    @api.get("/stats", response_model=Stats, dependencies=STRICT, summary="Nodes by label and relationships by type (kg stats)")
    async def stats() -> Stats:
        return await pool.run(lambda kg: kg.stats())

    @api.get("/queries", response_model=list[QueryInfo], dependencies=STRICT, summary="The canned queries and their parameters (kg queries)")
    async def queries() -> list[QueryInfo]:
        return [QueryInfo(name=q.name, description=q.description, parameters=q.parameters, example=q.example,
                          url=query_url(q, q.example)) for q in canned_queries()]

    @api.get(
        "/queries/{name}", response_model=QueryResult, summary="Run a canned query (kg query NAME -p KEY=VALUE)",
        description="Every query parameter of the URL is a parameter of the query (see /api/queries for each "
                    "query's parameters, types, defaults and example), e.g. /api/queries/papers-targeting?hardware=TPU. "
                    "A name that matches nothing answers 404 with the closest names.",
    )
    async def run_query(request: Request, response: Response, name: Annotated[str, Path(description="A canned query's name")]) -> QueryResult:
        query = known_query(name)
        raw = dict(request.query_params)
        rows = await pool.run(lambda kg: kg.query(query.name, **raw))
        return answer(query, raw, rows, request, response)

    @api.get("/show/{name:path}", response_model=ShowResult, dependencies=STRICT, summary="Everything known about one entity or paper (kg show)")
    async def show(name: Annotated[str, Path(description="An entity's name or alias, any spelling, or part of a paper's title")],
                   limit: Annotated[int, Query(ge=1, le=MAX_FACTS_PER_GROUP, description="Facts listed of each relationship type and direction; "
                                                                                 "match.more counts the rest")] = FACTS_PER_GROUP) -> ShowResult:
        def work(kg: KnowledgeGraph) -> ShowResult:
            found = kg.find(name)
            if not found:
                raise kg.not_found("nothing in the graph is named", name)
            return ShowResult(match=kg.profile(found[0], per_group=limit), others=found[1:])

        return await pool.run(work)

    @api.get("/search", response_model=QueryResult, dependencies=STRICT, summary="Papers and entities whose text holds every word (the search query)")
    async def search(request: Request, response: Response, q: Annotated[str, Query(description="Words to look for, any case")],
                     limit: Annotated[str | None, Query(description="How many results (default 20)")] = None) -> QueryResult:
        return await run_canned("search", {"q": q, "limit": limit}, request, response)

    @api.get("/neighbourhood/{name:path}", response_model=QueryResult, dependencies=STRICT,
             summary="The relationships around an entity, nearest first, each with its citation (the neighbourhood query)")
    async def neighbourhood(request: Request, response: Response, name: str,
                            depth: Annotated[str | None, Query(description="1 or 2 steps (default 1)")] = None,
                            limit: Annotated[str | None, Query(description="How many relationships at most (default 100)")] = None) -> QueryResult:
        return await run_canned("neighbourhood", {"name": name, "depth": depth, "limit": limit}, request, response)

    @api.get("/claims/{name:path}", response_model=list[ClaimRow], dependencies=STRICT, summary="Every claim against one baseline (kg chart's rows)")
    async def claims(name: str, variants: Annotated[bool, Query(description="Count the baseline's variants too")] = True) -> list[ClaimRow]:
        return await pool.run(lambda kg: kg.claims(name, variants=variants))

    @api.post("/cypher", response_model=CypherResult, dependencies=[Depends(json_content), *STRICT],
              responses={415: {"model": ErrorBody, "description": "A body that is not sent as JSON"},
                         501: {"model": ErrorBody, "description": "The server reads the embedded store"}},
              summary="Read-only Cypher on the Neo4j backend (kg cypher), with a row cap and a time limit")
    async def cypher(body: Annotated[CypherRequest, Body()]) -> CypherResult:
        def work(kg: KnowledgeGraph) -> CypherResult:
            rows = kg.cypher(body.statement, body.params, timeout=cypher_timeout, max_rows=cypher_rows + 1)
            return CypherResult(rows=rows[:cypher_rows], truncated=len(rows) > cypher_rows, row_cap=cypher_rows)

        return await pool.run(work)

    async def run_canned(name: str, given: dict[str, str | None], request: Request, response: Response) -> QueryResult:
        query = get_query(name)
        raw = {k: v for k, v in given.items() if v is not None}
        rows = await pool.run(lambda kg: kg.query(name, **raw))
        return answer(query, raw, rows, request, response)

    return api
