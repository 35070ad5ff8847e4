"""The JSON API: each route one call of :class:`graph.api.KnowledgeGraph`, as the CLI makes it.

Query parameters reach :meth:`KnowledgeGraph.query` as the text the CLI's ``-p KEY=VALUE`` would
give, so they are checked and converted by the same binding (queries.catalog) and fail with the
same one-line messages."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel, Field

from graph.api import KnowledgeGraph, Profile
from graph.claims import ClaimRow
from graph.lookup import suggest
from graph.serve.errors import ErrorBody, NotFound
from graph.serve.pool import GraphPool
from graph.store import NodeRef, Stats
from queries.catalog import CannedQuery, Parameter, canned_queries, get_query

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A bad parameter (one line, as the CLI prints it)"},
    404: {"model": ErrorBody, "description": "A name or query that matches nothing, with the closest names"},
    503: {"model": ErrorBody, "description": "The store is unreachable, or the request outlasted its time limit"},
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


class ShowResult(BaseModel):
    match: Profile
    others: list[NodeRef] = Field(description="Other nodes the name or title matched")


class CypherRequest(BaseModel):
    statement: str = Field(min_length=1, examples=["MATCH (p:Paper)-[r:TARGETS]->(h:Hardware {name: $hw}) RETURN p.title, r.evidence LIMIT 5"])
    params: dict[str, Any] = Field(default_factory=dict, examples=[{"hw": "TPU"}])


class CypherResult(BaseModel):
    rows: list[dict[str, Any]]
    truncated: bool = Field(description="True when the statement had more rows than the server's row cap")
    row_cap: int


def query_url(q: CannedQuery, values: dict[str, Any], prefix: str = "/api/queries/") -> str:
    shown = {k: ("true" if v is True else "false" if v is False else v) for k, v in values.items()}
    return prefix + quote(q.name) + (f"?{urlencode(shown)}" if shown else "")


def known_query(name: str) -> CannedQuery:
    names = [q.name for q in canned_queries()]
    if name not in names:
        raise NotFound(f"no canned query named {name!r}", suggest(name, names) or names)
    return get_query(name)


def router(pool: GraphPool, cypher_rows: int, cypher_timeout: float) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)

    @api.get("/stats", response_model=Stats, summary="Nodes by label and relationships by type (kg stats)")
    async def stats() -> Stats:
        return await pool.run_memo("stats", lambda kg: kg.stats())

    @api.get("/queries", response_model=list[QueryInfo], summary="The canned queries and their parameters (kg queries)")
    async def queries() -> list[QueryInfo]:
        return [QueryInfo(name=q.name, description=q.description, parameters=q.parameters, example=q.example,
                          url=query_url(q, q.example)) for q in canned_queries()]

    @api.get(
        "/queries/{name}", response_model=QueryResult, summary="Run a canned query (kg query NAME -p KEY=VALUE)",
        description="Every query parameter of the URL is a parameter of the query (see /api/queries for each "
                    "query's parameters, types, defaults and example), e.g. /api/queries/papers-targeting?hardware=TPU. "
                    "A name that matches nothing answers 404 with the closest names.",
    )
    async def run_query(request: Request, name: Annotated[str, Path(description="A canned query's name")]) -> QueryResult:
        query = known_query(name)
        raw = dict(request.query_params)

        def work(kg: KnowledgeGraph) -> QueryResult:
            rows = kg.query(query.name, **raw)
            return QueryResult(query=query.name, params=query.bind(raw), rows=rows)

        return await pool.run(work)

    @api.get("/show/{name:path}", response_model=ShowResult, summary="Everything known about one entity or paper (kg show)")
    async def show(name: Annotated[str, Path(description="An entity's name or alias, any spelling, or part of a paper's title")]) -> ShowResult:
        def work(kg: KnowledgeGraph) -> ShowResult:
            found = kg.find(name)
            if not found:
                raise kg.not_found("nothing in the graph is named", name)
            return ShowResult(match=kg.profile(found[0]), others=found[1:])

        return await pool.run(work)

    @api.get("/search", response_model=QueryResult, summary="Papers and entities whose text holds every word (the search query)")
    async def search(q: Annotated[str, Query(description="Words to look for, any case")],
                     limit: Annotated[str | None, Query(description="How many results (default 20)")] = None) -> QueryResult:
        return await run_canned("search", {"q": q, "limit": limit})

    @api.get("/neighbourhood/{name:path}", response_model=QueryResult,
             summary="The relationships around an entity, nearest first, each with its citation (the neighbourhood query)")
    async def neighbourhood(name: str, depth: Annotated[str | None, Query(description="1 or 2 steps (default 1)")] = None,
                            limit: Annotated[str | None, Query(description="How many relationships at most (default 100)")] = None) -> QueryResult:
        return await run_canned("neighbourhood", {"name": name, "depth": depth, "limit": limit})

    @api.get("/claims/{name:path}", response_model=list[ClaimRow], summary="Every claim against one baseline (kg chart's rows)")
    async def claims(name: str, variants: Annotated[bool, Query(description="Count the baseline's variants too")] = True) -> list[ClaimRow]:
        return await pool.run(lambda kg: kg.claims(name, variants=variants))

    @api.post("/cypher", response_model=CypherResult, responses={501: {"model": ErrorBody, "description": "The server reads the embedded store"}},
              summary="Read-only Cypher on the Neo4j backend (kg cypher), with a row cap and a time limit")
    async def cypher(body: Annotated[CypherRequest, Body()]) -> CypherResult:
        def work(kg: KnowledgeGraph) -> CypherResult:
            rows = kg.cypher(body.statement, body.params, timeout=cypher_timeout, max_rows=cypher_rows + 1)
            return CypherResult(rows=rows[:cypher_rows], truncated=len(rows) > cypher_rows, row_cap=cypher_rows)

        return await pool.run(work)

    async def run_canned(name: str, given: dict[str, str | None]) -> QueryResult:
        query = get_query(name)
        raw = {k: v for k, v in given.items() if v is not None}
        return await pool.run(lambda kg: QueryResult(query=name, params=query.bind(raw), rows=kg.query(name, **raw)))

    return api
