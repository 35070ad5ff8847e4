"""``kg``: a thin command line over :class:`graph.api.KnowledgeGraph`.

Errors a user can cause (a bad file, an unknown query, an unreachable server) print one line on
stderr and exit non-zero: 1 for bad input, 2 for a store that cannot be reached.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from graph.api import FACTS_PER_GROUP, KnowledgeGraph, Profile
from graph.cli.errors import cli_message
from graph.cli.neo4j_commands import neo4j_group
from graph.config import Settings
from graph.model import slug
from graph.outfile import OutputError, atomic_output, refuse_protected
from graph.output import FORMATS, write_rows
from graph.store import StoreError, StoreUnavailable
from graph.store.cypher import parse_params, split_statements
from graph.store.embedded import EmbeddedStore
from loaders.catalogue import CatalogueError
from loaders.formats import BY_NAME
from loaders.listing import ListingError
from loaders.pipeline import describe_skips
from queries.catalog import QueryError, get_query


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StoreUnavailable as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except (ListingError, QueryError, StoreError, CatalogueError) as exc:
            click.echo(f"error: {cli_message(exc)}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            sys.exit(0)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise  # click's own exits: `kg show --help`, usage errors
        except Exception as exc:  # a bug: still one line, with KG_DEBUG=1 for the traceback
            if os.environ.get("KG_DEBUG"):
                raise
            click.echo(f"error: internal error ({exc.__class__.__name__}: {exc}); rerun with KG_DEBUG=1 for details", err=True)
            sys.exit(1)


def _kg(ctx: click.Context, must_exist: bool = True) -> KnowledgeGraph:
    """The graph; commands that read it refuse an embedded store that was never written."""
    obj = ctx.find_root().obj
    settings: Settings = obj["settings"]
    if must_exist and settings.backend == "embedded" and not EmbeddedStore(settings.store).exists():
        raise StoreError(f"no graph at {settings.store}; run 'kg load FILE...' first (or pass --store DIR)")
    if "kg" not in obj:
        obj["kg"] = KnowledgeGraph.open(obj["settings"])
        ctx.call_on_close(obj["kg"].close)
    return obj["kg"]


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), help="Where the graph lives [env KG_BACKEND; default embedded].")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), help="Embedded store directory [env KG_STORE; default ./.kg].")
@click.version_option(package_name="mlsys-kg")
@click.pass_context
def main(ctx: click.Context, backend: str | None, store: Path | None) -> None:
    """A citation-style knowledge graph of ML-systems research.

    Papers, the systems, hardware and techniques they name, and PROPOSES, COMPARES_TO, TARGETS and
    USES edges, each carrying the sentence, file and line it was read from.

    \b
    Examples:
      kg load ../shared/seeds             build the graph from listing files
      kg query most-compared -p limit=5   the baselines papers beat most often
      kg query papers-comparing-to -p name=vLLM --format json
      kg show vLLM                        everything known about one entity, with citations
      kg export -o graph.jsonl            APOC JSON-lines export
      kg viz vLLM                         vLLM's neighbourhood as an offline page (out/vllm.html)
      kg chart vLLM                       every claim against vLLM as a chart
      kg serve                            pages and a JSON API at http://127.0.0.1:8000/

    Settings come from options, then the environment, then ./.env: KG_BACKEND, KG_STORE,
    NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE.
    """
    settings = Settings.from_env()
    updates: dict[str, Any] = {}
    if backend:
        updates["backend"] = backend
    if store:
        updates["store"] = store
    ctx.obj = {"settings": settings.model_copy(update=updates)}


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Processes that extract at once [default: every core]; the graph is the same for any number.")
@click.option("--format", "-f", "fmt", type=click.Choice(list(BY_NAME)), default=None,
              help="Read every file as this format instead of detecting it.")
@click.option("--category", "categories", default="",
              help="Keep only arXiv records in one of these categories (comma-separated: cs.DC,cs.AR).")
@click.option("--allow-title-only", is_flag=True,
              help="Load files whose entries have titles but no abstracts (lists of titles); refused otherwise.")
@click.pass_context
def load(ctx: click.Context, paths: tuple[Path, ...], quiet: bool, jobs: int | None, fmt: str | None, categories: str,
         allow_title_only: bool) -> None:
    """Load paper sources (or folders of them, walked recursively) into the graph.

    Sources: listings (.txt, .md), arXiv metadata JSON lines (.jsonl), Hugging Face daily-papers
    JSON (.json), BibTeX (.bib) and CSV with a header (.csv), each optionally gzipped (.gz).
    A named file that is no paper source is refused; in folders such files are skipped and
    counted. Every file is parsed before anything is written: one bad file leaves the store as it
    was. Loading the same files again changes nothing.
    """
    kg = _kg(ctx, must_exist=False)

    def progress(entries: Any) -> Any:
        entries = list(entries)
        with click.progressbar(entries, label="Extracting", file=sys.stderr, hidden=quiet or len(entries) < 50) as bar:
            yield from bar

    wanted = [c.strip() for c in categories.split(",") if c.strip()]
    result = kg.load(paths, progress=progress, jobs=jobs or os.cpu_count() or 1, format=fmt, categories=wanted,
                     allow_title_only=allow_title_only)
    s = result.summary
    click.echo(
        f"Loaded {result.files} file(s), {result.entries} entries, {result.papers} distinct papers: "
        f"{s.nodes_created} nodes and {s.relationships_created} relationships added, "
        f"{s.nodes_updated} nodes and {s.relationships_updated} relationships updated."
    )
    if result.filtered:
        click.echo(f"Left out {result.filtered} record(s) in none of the categories {', '.join(wanted)}.")
    if result.skipped:
        click.echo(f"Skipped {describe_skips(result.skipped)}.")
        for skip in result.skipped:
            if not quiet:
                click.echo(f"  skipped {skip.detail}", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.pass_context
def unload(ctx: click.Context, files: tuple[str, ...]) -> None:
    """Take listing files back out of the graph.

    Papers and relationships cited only by FILES go, with the systems, hardware and techniques no
    remaining paper names; what other files also cite stays, citing only those. FILES are named as
    they were loaded (their file names; a path is reduced to its name). Exits 1 when the graph
    cites none of them.

    
    kg unload 003_96ed8e89dfb80d9d.txt
    kg unload ../shared/seeds/*.txt
    """
    summary = _kg(ctx).unload(files)
    if not summary.changed:
        raise StoreError(f"the graph cites none of {', '.join(summary.files)}: nothing to unload (see `kg show` for a paper's sources)")
    click.echo(
        f"Unloaded {', '.join(summary.files)}: {summary.papers_removed} papers, {summary.nodes_removed} other nodes "
        f"and {summary.relationships_removed} relationships removed, {summary.items_updated} items kept with other sources."
    )


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Count nodes by label and relationships by type."""
    st = _kg(ctx).stats()
    if fmt == "json":
        click.echo(st.model_dump_json(indent=2))
        return
    papers = [{"kind": "", "name": "  loaded from sources", "count": st.papers_loaded},
              {"kind": "", "name": "  catalogue stubs", "count": st.paper_stubs}] if st.paper_stubs else []
    _table([row for k, v in st.nodes.items() for row in [{"kind": "node", "name": k, "count": v}, *(papers if k == "Paper" else [])]]
           + [{"kind": "relationship", "name": k, "count": v} for k, v in st.relationships.items()])


@main.command("queries")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def list_queries(ctx: click.Context, fmt: str) -> None:
    """List the canned queries and their parameters."""
    qs = _kg(ctx, must_exist=False).queries()
    if fmt == "json":
        click.echo(json.dumps([{**q.model_dump(exclude={"cypher", "path"}), "example": q.example, "file": Path(q.path).name} for q in qs], indent=2, ensure_ascii=False))
        return
    for q in qs:
        params = " ".join(f"-p {p.name}=<{p.type}>" + ("" if p.required else f" (default {p.default})") for p in q.parameters)
        click.echo(click.style(q.name, bold=True) + f"  {params}".rstrip())
        click.echo(f"    {q.description}")
        if q.parameters:
            click.echo("    e.g. kg query " + q.name + "".join(f" -p {_shell(f'{k}={v}')}" for k, v in q.example.items()))


@main.command()
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter; repeatable.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_context
def query(ctx: click.Context, name: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a canned query (see `kg queries`), e.g. kg query papers-targeting -p hardware=TPU."""
    raw: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise QueryError(f"parameter {item!r} is not KEY=VALUE")
        raw[key.strip()] = value
    query = get_query(name)
    query.bind(raw)  # a mistake in the query is told before whether the store exists
    rows = _kg(ctx).query(name, **raw)
    write_rows(rows, fmt, sys.stdout)
    if query.stopped_at_limit(raw, rows):
        click.echo(f"kg: the first {len(rows)} rows (the limit); -p limit=N for up to N", err=True)


@main.command()
@click.argument("statement", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter ($KEY in the statement); VALUE is read as JSON when it parses (5, [1,2], \"text\"), else as text. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--write", is_flag=True, help="Allow statements that write (read-only without it).")
@click.option("--internal", is_flag=True, help="Show the lookup properties the stores derive (lookup, fold, search_head, search_body) on nodes.")
@click.pass_context
def cypher(ctx: click.Context, statement: str | None, params: tuple[str, ...], fmt: str, write: bool, internal: bool) -> None:
    """Run Cypher on the Neo4j backend; read-only unless --write.

    \b
    kg cypher "MATCH (p:Paper) RETURN count(p) AS n"
    kg cypher 'MATCH (s:System {name: $name}) RETURN s.aliases' -p name=vLLM --format json
    kg cypher                       an interactive console on a terminal
    kg cypher < statements.cypher   statements separated by ';' from standard input
    """
    values = parse_params(params)
    kg = _kg(ctx)
    if statement is None and sys.stdin.isatty() and sys.stdout.isatty():
        from graph.cli.console import run_console  # prompt_toolkit loads only for the console

        run_console(kg, params=values, write=write, internal=internal)
        return
    statements = [statement] if statement is not None else split_statements(sys.stdin.read())
    for text in statements:
        write_rows(kg.cypher(text, values, write=write, internal=internal), fmt, sys.stdout)


@main.command()
@click.argument("target", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "neo4j-admin"]), default="jsonl", show_default=True,
              help="jsonl: APOC JSON lines; neo4j-admin: a DIR of CSV files for `neo4j-admin database import full`.")
@click.pass_context
def export(ctx: click.Context, target: Path | None, output: Path | None, fmt: str) -> None:
    """Export the graph as APOC JSON lines (one node or relationship per line), or as CSV files
    for Neo4j's bulk importer.

    \b
    kg export -o graph.jsonl
    kg export --format neo4j-admin out/import    then run the neo4j-admin command it prints
    """
    kg = _kg(ctx)
    if fmt == "neo4j-admin":
        from graph.neo4j_local.admin_import import write_admin_import

        if target is None or output is not None:
            raise StoreError("kg export --format neo4j-admin needs a DIR argument (and no -o): kg export --format neo4j-admin out/import")
        done = write_admin_import(kg.store.nodes(), kg.store.relationships(), target, protect=kg.protected())
        click.echo(f"Wrote {sum(done.nodes.values())} nodes and {sum(done.relationships.values())} relationships "
                   f"in {len(done.files)} file pairs to {target}; with the server stopped, import them with:", err=True)
        click.echo(done.command())
        return
    if target is not None and output is not None:
        raise StoreError("give the output file once: kg export -o FILE (or kg export FILE)")
    output = output or target
    if output is None:
        kg.export(sys.stdout)
        return
    with atomic_output(output, kg.protected()) as fh:
        n = kg.export(fh)
    click.echo(f"Wrote {n} lines to {output}", err=True)


def _shell(text: str) -> str:
    return text if all(c.isalnum() or c in "=-_.,/" for c in text) else "'" + text.replace("'", "'\\''") + "'"


def _cell(value: Any, width: int = 70) -> str:
    text = "; ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else str(value))
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        click.echo("(no rows)")
        return
    cols = list(rows[0])
    cells = [[_cell(r.get(c)) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())


def _csv(values: tuple[str, ...]) -> list[str] | None:
    return list(values) or None


@main.command()
@click.argument("name_or_title", required=False)
@click.option("--depth", type=click.IntRange(1, 3), default=2, show_default=True, help="Steps out from the named node.")
@click.option("--rel", "rels", multiple=True, metavar="TYPE,...",
              help="Only these relationship types (COMPARES_TO, TARGETS, PROPOSES, USES, IS_A, VARIANT_OF); repeatable.")
@click.option("--label", "labels", multiple=True, metavar="LABEL,...",
              help="Only nodes with these labels (Paper, System, Hardware, Technique, Dataset); the named node always.")
@click.option("--max-nodes", type=click.IntRange(1, 5000), default=None,
              help="At most this many nodes [default 60]; the page says what was left out.")
@click.option("--png", "fmt", flag_value="png", default=None, help="A static PNG for a slide [out/NAME.png].")
@click.option("--svg", "fmt", flag_value="svg", help="A static SVG [out/NAME.svg].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="FILE.html (interactive), FILE.png or FILE.svg [default out/graph.html, or out/NAME.html for a name].")
@click.pass_context
def viz(ctx: click.Context, name_or_title: str | None, depth: int, rels: tuple[str, ...], labels: tuple[str, ...],
        max_nodes: int | None, fmt: str | None, output: Path | None) -> None:
    """Draw a node's neighbourhood, or an overview, as a page that works offline, or as a static
    PNG or SVG (--png, --svg, or by the suffix of -o).

    NAME_OR_TITLE resolves as in `kg show` (any spelling of a name or alias, or part of a title);
    the page shows the nodes up to --depth steps away, nearest and most connected first. Without a
    name it shows the most connected nodes. Nodes are coloured by label and sized by their number
    of relationships; click one (or a relationship) to read its properties, claims and the evidence
    sentence with its source and line. The page says what it shows of what exists.

    \b
    kg viz vLLM -o out/vllm.html                 papers comparing against vLLM, what they target, ...
    kg viz vLLM --rel COMPARES_TO,TARGETS        what vLLM is compared against, and on which hardware
    kg viz A100 --depth 1 --label Paper          the papers that target the A100
    kg viz --max-nodes 100                       an overview of the 100 most connected nodes
    kg viz vLLM --png                            out/vllm.png, drawn offline, for a slide
    """
    if fmt and output is not None and output.suffix.lower() != f".{fmt}":
        raise OutputError(f"--{fmt} and -o {output} disagree: name the file {output.with_suffix('.' + fmt)}, or drop --{fmt}")
    if output is None:
        stem = (slug(name_or_title) or "node") if name_or_title else "graph"
        output = Path("out") / f"{stem}.{fmt or 'html'}"
    kg = _kg(ctx)
    refuse_protected(output, kg.protected())  # before drawing: a refused path costs nothing
    view = kg.visualize(name_or_title, depth=depth, rels=_csv(rels), labels=_csv(labels), max_nodes=max_nodes)
    view.save(output, protect=kg.protected())
    click.echo(f"Wrote {output}: {view.counts}")


@main.command()
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="FILE.html (interactive), FILE.png or FILE.svg [default out/NAME-claims.html].")
@click.option("--variants/--no-variants", default=True, show_default=True, help="Count the baseline's variants too.")
@click.pass_context
def chart(ctx: click.Context, name: str, output: Path | None, variants: bool) -> None:
    """Chart every claim the graph holds against one baseline.

    One row per paper; each stated factor or percentage per metric (throughput, latency, memory,
    energy, ...), factors on a log axis, ▲ for more of the metric, ▼ for less. In the HTML page
    (plotly, works offline) hovering a point shows its evidence sentence with source and line, and
    a table below lists every claim with its sentence; PNG and SVG print the sentences under the
    chart. NAME is spelt any way (vLLM, flash attention 2); exits 1 with suggestions when unknown.

    \b
    kg chart vLLM                         out/vllm-claims.html
    kg chart vLLM -o out/vllm-claims.png  a static picture for a slide or a paper
    """
    if output is None:
        output = Path("out") / f"{slug(name) or 'baseline'}-claims.html"
    kg = _kg(ctx)
    refuse_protected(output, kg.protected())
    result = kg.chart(name, variants=variants)
    result.save(output, protect=kg.protected())
    click.echo(f"Wrote {output}: {result.summary}")


@main.command()
@click.argument("name_or_title")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "csv"]), default="text", show_default=True,
              help="text for reading; json one object per match; jsonl and csv one row per fact with its citation.")
@click.option("--limit", type=click.IntRange(1), default=FACTS_PER_GROUP, show_default=True,
              help="Facts listed of each relationship type and direction; the rest are counted.")
@click.pass_context
def show(ctx: click.Context, name_or_title: str, fmt: str, limit: int) -> None:
    """Everything known about one paper or entity, each fact with its citation.

    NAME_OR_TITLE is an entity's name or alias, spelt any way (vLLM, "Flash-Attention 2", llama2),
    or part of a paper's title. With several matches the best one is shown in full and the others
    listed. Exits 1, with the closest known names, when nothing matches. A hub lists --limit facts
    of each kind and counts the rest, naming the query that lists them.
    """
    kg = _kg(ctx)
    found = kg.find(name_or_title)
    if not found:
        raise kg.not_found("nothing in the graph is named", name_or_title)
    p = kg.profile(found[0], per_group=limit)
    if fmt == "json":
        click.echo(json.dumps(p.model_dump(), indent=2, ensure_ascii=False))
        return
    if fmt in ("jsonl", "csv"):
        write_rows(_fact_rows(p), fmt, sys.stdout)
        return
    props = {k: v for k, v in p.properties.items() if k not in ("name", "title", "abstract") and v not in (None, [], "")}
    click.echo(click.style(f"{p.label}: {p.name}", bold=True) + f"  [{p.key}]")
    for k, v in sorted(props.items()):
        click.echo(f"  {k}: {_cell(v, 100)}")
    more = {(m.direction, m.type): m for m in p.more}
    for (direction, kind), facts in itertools.groupby(p.facts, key=lambda f: (f.direction, f.type)):
        arrow = f"-[{kind}]->" if direction == "out" else f"<-[{kind}]-"
        for f in facts:
            claims = f"  ({'; '.join(f.claims)})" if f.claims else ""
            click.echo(f"  {arrow} {f.other}{claims}")
            if f.evidence:
                where = f"{f.source}:{f.line}" if f.line else f.source
                click.echo(f"      \"{f.evidence}\"  — {where}")
        if (m := more.get((direction, kind))) is not None:
            params = "".join(" -p " + _shell(f"{k}={v}") for k, v in m.params.items())
            lister = f": kg query {m.query}{params} lists them" if m.query else ""
            click.echo(f"  {arrow} … and {m.count:,} more{lister}")
    if len(found) > 1:
        click.echo(f"\n{len(found) - 1}{'+' if len(found) >= 50 else ''} other match(es); show one with its full name or key:")
        for ref in found[1:11]:
            click.echo(f"  {ref.label}: {_cell(ref.name, 90)}  [{ref.key}]")
        if len(found) > 11:
            click.echo(f"  … and {len(found) - 11} more")


def _fact_rows(p: Profile) -> list[dict[str, Any]]:
    """One row per fact, with the node it belongs to and the citation; a node without facts is one row."""
    node = {"key": p.key, "label": p.label, "name": p.name}
    facts = [f.model_dump(include={"direction", "type", "other", "other_key", "claims", "evidence", "source", "line"}) for f in p.facts]
    empty = dict.fromkeys(["direction", "type", "other", "other_key", "claims", "evidence", "source", "line"])
    return [node | empty | f for f in facts] or [node | empty]


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The interface to listen on; any other than the loopback needs KG_SERVE_TOKEN.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="The port to listen on.")
@click.option("--cache-mb", type=click.IntRange(0, 1 << 20), default=64, show_default=True,
              help="Memory for answers kept until the graph changes (a repeated GET costs nothing); 0 keeps none.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, cache_mb: int) -> None:
    """Serve the graph read-only: pages for people, JSON for programs.

    The same functions as these commands, on either backend. Pages: a search box at /, an
    entity's page at /entity/NAME (facts with their sentences and sources, its neighbourhood
    picture and claims chart), a paper's at /paper/KEY, a page per canned query at
    /queries/NAME with CSV and JSON downloads. The JSON API is documented at /docs: /api/stats,
    /api/queries, /api/queries/NAME?PARAM=VALUE, /api/show/NAME, /api/search?q=WORDS,
    /api/neighbourhood/NAME?depth=N, /api/claims/NAME, and POST /api/cypher (Neo4j backend:
    read-only, at most 1,000 rows and 5 s). A `kg load` while serving shows in the next request.
    On Neo4j it first runs every canned query once, so that Neo4j has planned them all.

    Binds 127.0.0.1 unless told. With KG_SERVE_TOKEN set, every request needs it
    (`Authorization: Bearer TOKEN`, or open a page once with ?token=TOKEN); any other --host
    refuses to start without it. Requests over 10 s answer 503; bodies over 64 KiB 413. A GET asked
    again is answered from memory, the same bytes, until the graph changes, whoever
    changes it: a load, an unload, or any write to the Neo4j database.

    \b
    kg serve                               http://127.0.0.1:8000/
    curl 'http://127.0.0.1:8000/api/queries/papers-targeting?hardware=TPU'
    KG_SERVE_TOKEN=$(openssl rand -hex 16) kg serve --host 0.0.0.0 --port 8080
    """
    from graph.serve import ServeSettings
    from graph.serve.run import serve as run_server  # the web stack loads only for this command

    _kg(ctx)  # the same checks as every command that reads: a store that exists, a server that answers
    token = os.environ.get("KG_SERVE_TOKEN") or None
    run_server(ctx.find_root().obj["settings"], ServeSettings(host=host, port=port, token=token, cache_mb=cache_mb))


main.add_command(neo4j_group)
