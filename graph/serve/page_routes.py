"""The pages for people: search, an entity's page, a paper's page, a page per canned query.

Stable addresses: ``/entity/vLLM`` (any spelling of a name or alias; a title leads to the paper),
``/paper/KEY``, ``/queries/NAME?PARAM=VALUE`` with ``.csv`` and ``.json`` beside it, and the
pictures ``/neighbourhood/NAME`` and ``/claims-chart/NAME`` (the offline pages of ``kg viz`` and
``kg chart``, shown in frames). Every value goes through Jinja's autoescape."""

from __future__ import annotations

import io
from importlib import metadata, resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from graph.api import FACTS_PER_GROUP, Fact, KnowledgeGraph, MoreFacts, Profile
from graph.output import cell_text, columns_of, write_rows
from graph.serve.api_routes import known_query, query_url
from graph.serve.errors import ErrorAnswer, NotFound, api_message
from graph.serve.pool import GraphPool
from graph.store import NodeRef
from queries.catalog import CannedQuery, QueryError, canned_queries, get_query

PAPER_PREFIX = "paper:"
#: The chart pages load plotly.js from here, once per browser (the address names its version, so a
#: cached copy never goes stale), not inlined in every page.
PLOTLY_JS_URL = f"/assets/plotly-{metadata.version('plotly')}.min.js"
# columns of canned queries whose values name an entity or a paper: linked to its page
LINKED = {"paper", "baseline", "hardware", "name", "first", "second", "system", "used", "technique", "proposed", "start", "end"}
# own pages: no script at all, frames only from this server
PAGE_CSP = "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
HEADINGS = {
    ("in", "PROPOSES"): "Proposed by", ("in", "COMPARES_TO"): "Compared against by", ("in", "TARGETS"): "Targeted by",
    ("in", "USES"): "Used by", ("out", "PROPOSES"): "Proposes", ("out", "COMPARES_TO"): "Compares against",
    ("out", "TARGETS"): "Targets", ("out", "USES"): "Uses", ("out", "IS_A"): "Is a", ("in", "IS_A"): "Kinds of it",
    ("out", "VARIANT_OF"): "Variant of", ("in", "VARIANT_OF"): "Variants",
}


def entity_url(name: str) -> str:
    return "/entity/" + quote(name, safe="")


def paper_url(key: str) -> str:
    return "/paper/" + quote(key.removeprefix(PAPER_PREFIX), safe="")


def node_url(key: str, name: str) -> str:
    return paper_url(key) if key.startswith(PAPER_PREFIX) else entity_url(name)


def cell_url(column: str, value: Any, row: dict[str, Any]) -> str | None:
    if isinstance(row.get("key"), str) and column == "name":
        return node_url(row["key"], str(value))
    if column in LINKED and isinstance(value, str) and value:
        return entity_url(value)
    return None


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals.update(entity_url=entity_url, paper_url=paper_url, node_url=node_url, cell_url=cell_url,
                       cell_text=cell_text, quote=quote)
    return Jinja2Templates(env=env)


TEMPLATES = _templates()


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    response = TEMPLATES.TemplateResponse(request, name, context, status_code=status)
    response.headers["content-security-policy"] = PAGE_CSP
    return response


def error_page(request: Request, answer: ErrorAnswer) -> HTMLResponse:
    page = render(request, "error.html", status=answer.status, status_code=answer.status, error=answer.body.error,
                  suggestions=answer.body.suggestions)
    page.headers.update(answer.headers)
    return page


def picture(html: str) -> HTMLResponse:
    """A page of ``kg viz`` or ``kg chart``: its scripts are inline or this server's own (plotly.js),
    and it loads nothing from elsewhere."""
    return HTMLResponse(html, headers={"content-security-policy":
                                       "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; style-src 'unsafe-inline'; "
                                       "img-src data: blob:; font-src data:; worker-src blob:; frame-ancestors 'self'"})


def related_queries(profile: Profile) -> list[tuple[CannedQuery, str]]:
    """Canned queries that take this node as their one required parameter, with their address."""
    kind = {"Paper": ("paper",), "Hardware": ("hardware", "entity")}.get(profile.label, ("entity",))
    out = []
    for q in canned_queries():
        required = [p for p in q.parameters if p.required]
        if len(required) == 1 and required[0].type in kind:
            out.append((q, query_url(q, {required[0].name: profile.name}, prefix="/queries/")))
    return out


class Section(BaseModel):
    """The facts of one direction and type on a node's page, and what it counts but does not list."""

    heading: str
    facts: list[Fact]
    more: MoreFacts | None = None
    more_url: str | None = None  # the canned query's page that lists them

    @property
    def total(self) -> int:
        return len(self.facts) + (self.more.count if self.more else 0)


def sections(profile: Profile) -> list[Section]:
    more = {(m.direction, m.type): m for m in profile.more}
    grouped: dict[tuple[str, str], list[Fact]] = {}
    for fact in profile.facts:
        grouped.setdefault((fact.direction, fact.type), []).append(fact)
    out = []
    for group, facts in grouped.items():
        m = more.get(group)
        url = query_url(get_query(m.query), m.params, prefix="/queries/") if m and m.query else None
        out.append(Section(heading=HEADINGS.get(group, f"{group[1]} ({group[0]})"), facts=facts, more=m, more_url=url))
    return out


def router(pool: GraphPool) -> APIRouter:
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @pages.get("/")
    async def home(request: Request) -> HTMLResponse:
        stats = await pool.run(lambda kg: kg.stats())
        return render(request, "home.html", stats=stats, queries=canned_queries(), q="")

    @pages.get("/search")
    async def search(request: Request, q: str = "") -> Response:
        if not q.strip():
            return RedirectResponse("/", status_code=303)
        rows = await pool.run(lambda kg: kg.query("search", q=q, limit=50))
        return render(request, "search.html", q=q, rows=rows)

    @pages.get("/entity/{name:path}")
    async def entity(request: Request, name: str) -> Response:
        def work(kg: KnowledgeGraph) -> tuple[Profile, list[NodeRef], int]:
            found = kg.find(name)
            if not found:
                raise kg.not_found("nothing in the graph is named", name)
            if found[0].label == "Paper":
                return kg.profile(found[0], per_group=FACTS_PER_GROUP), found[1:], 0
            return kg.profile(found[0], per_group=FACTS_PER_GROUP), found[1:], kg.count_claims(found[0].name)

        profile, others, claims = await pool.run(work)
        if profile.label == "Paper":
            return RedirectResponse(paper_url(profile.key), status_code=307)
        return render(request, "node.html", p=profile, others=others, claims=claims, sections=sections(profile),
                      related=related_queries(profile), picture_url="/neighbourhood/" + quote(profile.name, safe=""),
                      chart_url="/claims-chart/" + quote(profile.name, safe=""), q="")

    @pages.get("/paper/{key:path}")
    async def paper(request: Request, key: str) -> HTMLResponse:
        ref = NodeRef(key=PAPER_PREFIX + key, label="Paper", name=key)

        def work(kg: KnowledgeGraph) -> Profile:
            try:
                return kg.profile(ref, per_group=FACTS_PER_GROUP)
            except QueryError:  # no paper with that key
                raise NotFound(f"no paper with key {ref.key!r}") from None

        profile = await pool.run(work)
        return render(request, "node.html", p=profile, others=[], claims=0, sections=sections(profile),
                      related=related_queries(profile), picture_url="/neighbourhood/" + quote(profile.name, safe=""), chart_url="", q="")

    @pages.get("/neighbourhood/{name:path}")
    async def neighbourhood(name: str, depth: int = 2) -> HTMLResponse:
        return picture(await pool.run(lambda kg: kg.visualize(name, depth=max(1, min(depth, 3))).to_html()))

    @pages.get(PLOTLY_JS_URL, include_in_schema=False)
    async def plotly_js() -> FileResponse:
        return FileResponse(str(resources.files("plotly") / "package_data" / "plotly.min.js"), media_type="text/javascript",
                            headers={"cache-control": "public, max-age=31536000, immutable"})

    @pages.get("/claims-chart/{name:path}")
    async def claims_chart(name: str) -> HTMLResponse:
        return picture(await pool.run(lambda kg: kg.chart(name).to_html(plotly_js=PLOTLY_JS_URL)))

    @pages.get("/queries")
    async def queries(request: Request) -> HTMLResponse:
        return render(request, "queries.html", queries=canned_queries(), q="")

    @pages.get("/queries/{name}.csv")
    async def query_csv(request: Request, name: str) -> Response:
        return await _download(request, name, "csv", "text/csv; charset=utf-8")

    @pages.get("/queries/{name}.json")
    async def query_json(request: Request, name: str) -> Response:
        return await _download(request, name, "json", "application/json")

    @pages.get("/queries/{name}")
    async def query_page(request: Request, name: str) -> HTMLResponse:
        query = known_query(name)
        raw = _form_values(request)
        runs = bool(raw) or not any(p.required for p in query.parameters)
        values = {p.name: raw.get(p.name, "" if runs else _text(p.example)) for p in query.parameters}
        rows, error, at_limit = None, None, False
        if runs:
            try:
                rows = await pool.run(lambda kg: kg.query(query.name, **raw))
                at_limit = query.stopped_at_limit(raw, rows)
            except ValueError as exc:  # a bad parameter: shown above the form, which keeps what was typed
                error = api_message(exc)
        suffix = "?" + request.url.query if request.url.query else ""
        return render(request, "query.html", status=400 if error else 200, query=query, values=values, rows=rows, at_limit=at_limit,
                      columns=columns_of(rows or []), error=error, csv_url=f"/queries/{quote(query.name)}.csv{suffix}",
                      json_url=f"/queries/{quote(query.name)}.json{suffix}", q="")

    async def _download(request: Request, name: str, fmt: str, media: str) -> Response:
        query = known_query(name)
        raw = _form_values(request)
        rows = await pool.run(lambda kg: kg.query(query.name, **raw))
        out = io.StringIO()
        write_rows(rows, fmt, out)
        return Response(out.getvalue(), media_type=media,
                        headers={"content-disposition": f'attachment; filename="{query.name}.{fmt}"'})

    return pages


def _form_values(request: Request) -> dict[str, str]:
    """The query string as the form sends it: a field left empty takes its default."""
    return {k: v for k, v in request.query_params.items() if v != ""}


def _text(value: Any) -> str:
    return "true" if value is True else "false" if value is False else "" if value is None else str(value)
