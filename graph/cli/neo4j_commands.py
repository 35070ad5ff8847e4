"""``kg neo4j up|down|status|fetch|reset|import``: the local Neo4j server of :mod:`graph.neo4j_local.server`.

Errors print one line on stderr (after the server's log tail when a start fails) and exit
non-zero; ``status`` exits 3 when the server is stopped.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graph.neo4j_local.config import LocalNeo4jError
from graph.neo4j_local.server import EXIT_NOT_RUNNING, LocalNeo4j


def _one_line_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except LocalNeo4jError as exc:
            if exc.detail:
                click.echo(exc.detail, err=True)
            click.echo(f"kg neo4j: error: {exc}", err=True)
            sys.exit(exc.code)
        except KeyboardInterrupt:
            click.echo("kg neo4j: interrupted", err=True)
            sys.exit(130)
        except OSError as exc:
            if os.environ.get("KG_DEBUG"):
                raise
            click.echo(f"kg neo4j: error: {exc}", err=True)
            sys.exit(1)

    return wrapper


@click.group("neo4j")
def neo4j_group() -> None:
    """A local Neo4j 5.26 server with Neo4j Browser and APOC (dev and CI, no Docker).

    \b
    It lives in ./.cache/neo4j (or $KG_NEO4J_HOME) and uses the NEO4J_* settings of the
    environment and ./.env; run it from the project's directory. See docs/neo4j.md.
    """


@neo4j_group.command()
@_one_line_errors
def up() -> None:
    """Fetch the server if needed, start it and wait until it accepts .env's credentials."""
    LocalNeo4j.from_env().up()


@neo4j_group.command()
@_one_line_errors
def down() -> None:
    """Stop the server (SIGTERM, then SIGKILL after 60 s)."""
    LocalNeo4j.from_env().down()


@neo4j_group.command()
@_one_line_errors
def status() -> None:
    """Running or stopped, pid, Bolt and Browser addresses (exit 3 when stopped)."""
    state = LocalNeo4j.from_env().status()
    click.echo(state.describe())
    if not state.running:
        sys.exit(EXIT_NOT_RUNNING)


@neo4j_group.command()
@_one_line_errors
def fetch() -> None:
    """Download the server, Neo4j Browser and APOC from Maven Central (once; cached)."""
    LocalNeo4j.from_env().fetch()


@neo4j_group.command()
@_one_line_errors
def reset() -> None:
    """Stop the server and delete its database and logs (the download is kept)."""
    LocalNeo4j.from_env().reset()


@neo4j_group.command("open")
@click.option("--replace", is_flag=True, help="Replace a graph in the local Neo4j that `kg neo4j open` did not put there.")
@click.option("--no-console", is_flag=True, help="Copy only; do not open the Cypher console.")
@click.option("--via", type=click.Choice(["auto", "writer", "importer"]), default="auto", show_default=True,
              help="How to copy: the batched writer, the bulk importer, or by size (importer from 100,000 items).")
@click.pass_context
@_one_line_errors
def open_(ctx: click.Context, replace: bool, no_console: bool, via: str) -> None:
    """Copy the embedded graph (--store, KG_STORE) into the local Neo4j and open a Cypher console on it.

    \b
    Starts the server if it is not running. Small graphs go through the batched writer; from
    100,000 nodes and relationships on, the bulk importer (the server restarts). Opening again
    without changes skips the copy. Afterwards Neo4j Browser and `kg --backend neo4j ...` see
    the same graph:
      kg neo4j open                       copy, then the console (on a terminal)
      kg neo4j open --no-console          copy only, e.g. before opening Neo4j Browser
    """
    from graph.neo4j_local.copy import open_in_local_neo4j

    store_dir: Path = ctx.find_root().obj["settings"].store
    report = open_in_local_neo4j(store_dir, LocalNeo4j.from_env(), replace=replace, via=via, say=lambda m: click.echo(f"kg neo4j: {m}"))
    if report.method != "none":
        click.echo(f"kg neo4j: copied {report.nodes:,} nodes and {report.relationships:,} relationships with the "
                   f"{report.method} in {report.seconds:.1f}s")
    click.echo(f"kg neo4j: Neo4j at {report.uri}; Neo4j Browser at {report.browser}; "
               "ad-hoc Cypher: kg --backend neo4j cypher 'MATCH (p:Paper) RETURN count(p)'")
    if no_console or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return
    from graph.api import KnowledgeGraph
    from graph.cli.console import run_console
    from graph.neo4j_local.copy import connect_local

    with KnowledgeGraph(connect_local(LocalNeo4j.from_env())) as kg:
        run_console(kg)


@neo4j_group.command("import")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@_one_line_errors
def import_(directory: Path) -> None:
    """Replace the stopped server's database with DIR of `kg export --format neo4j-admin DIR`.

    \b
    Runs neo4j-admin database import full from the server's own artifacts. Then:
      kg neo4j up && kg --backend neo4j stats      start it and create the constraints and indexes
    """
    from graph.neo4j_local.admin_import import import_into_local_server

    click.echo(import_into_local_server(LocalNeo4j.from_env(), directory))
    click.echo("kg neo4j: imported; start the server with `kg neo4j up`, then create the schema with `kg --backend neo4j stats`")
