"""What the local server of `kg neo4j up` offers beyond Bolt: the discovery document, the Neo4j
Browser (logged into from real headless Chromium) and APOC core.

``make test`` runs these against its own server on non-default ports (Bolt 7688, HTTP 7475 unless
overridden) with ``KG_REQUIRE_NEO4J=1``; run by hand they skip when no server answers.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError

from conftest import ROOT, SEEDS, needs_seeds
from graph.neo4j_local.config import Layout, LocalSettings
from graph.neo4j_local.server import check_login
from test_viz_browser import browser  # noqa: F401 - the shared Chromium fixture

pytestmark = pytest.mark.neo4j

LOOPBACK = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def server() -> LocalSettings:
    settings = LocalSettings.from_env(ROOT, create_env=False)
    try:
        check_login(settings)
    except (Neo4jError, DriverError, OSError) as exc:
        if os.environ.get("KG_REQUIRE_NEO4J") == "1":
            pytest.fail(f"KG_REQUIRE_NEO4J=1 but the local Neo4j does not answer: {exc}", pytrace=False)
        pytest.skip(f"no local Neo4j answers at {settings.local_uri}: {exc}")
    return settings


def _get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get_content_type(), response.read().decode("utf-8")


def test_make_test_uses_the_ports_it_sets(server: LocalSettings) -> None:
    # The point of the tests below is a server on non-default ports; make test sets both.
    if "NEO4J_BOLT_PORT" in os.environ:
        assert server.bolt_port == int(os.environ["NEO4J_BOLT_PORT"]) != 7687
    if "NEO4J_HTTP_PORT" in os.environ:
        assert server.http_port == int(os.environ["NEO4J_HTTP_PORT"]) != 7474


def test_the_discovery_document_advertises_the_bolt_port_in_use(server: LocalSettings) -> None:
    status, content_type, body = _get(f"{server.http_url}/")
    discovery = json.loads(body)
    assert (status, content_type) == (200, "application/json")
    assert discovery["bolt_direct"] == f"bolt://127.0.0.1:{server.bolt_port}"
    assert discovery["bolt_routing"] == f"neo4j://127.0.0.1:{server.bolt_port}"
    assert discovery["neo4j_version"].startswith("5.26.")


@pytest.mark.parametrize("key", ["bolt_direct", "bolt_routing"])
def test_the_advertised_addresses_accept_the_credentials(server: LocalSettings, key: str) -> None:
    uri = json.loads(_get(f"{server.http_url}/")[2])[key]
    # neo4j:// asks the server for its routing table, which lists the advertised Bolt address.
    with GraphDatabase.driver(uri, auth=(server.username, server.password), connection_timeout=10) as driver:
        records, _, _ = driver.execute_query("RETURN 6 * 7 AS answer", database_=server.database)
    assert records[0]["answer"] == 42


def test_the_neo4j_browser_is_served(server: LocalSettings) -> None:
    status, content_type, body = _get(f"{server.http_url}/browser/")
    assert (status, content_type) == (200, "text/html")
    assert "<title>Neo4j Browser</title>" in body


def test_apoc_exports_the_graph_as_json(server: LocalSettings) -> None:
    with GraphDatabase.driver(server.local_uri, auth=(server.username, server.password)) as driver:
        with driver.session(database=server.database) as session, session.begin_transaction() as tx:
            # Inside a transaction that is rolled back: the other tests' data is left alone.
            tx.run("CREATE (:ApocProbe {name: 'probe'})-[:PROBES]->(:ApocProbe {name: 'target'})").consume()
            row = tx.run("CALL apoc.export.json.all(null, {stream: true}) YIELD nodes, relationships, data "
                         "RETURN nodes, relationships, data").single(strict=True)
            version = tx.run("RETURN apoc.version() AS v").single(strict=True)["v"]
            tx.rollback()
    lines = [json.loads(line) for line in row["data"].splitlines()]
    probes = [line for line in lines if line["type"] == "node" and line["labels"] == ["ApocProbe"]]
    assert sorted(p["properties"]["name"] for p in probes) == ["probe", "target"]
    assert any(line["type"] == "relationship" and line["label"] == "PROBES" for line in lines)
    assert row["nodes"] >= 2 and row["relationships"] >= 1
    assert version.startswith("5.26.")


def test_apoc_writes_and_reads_files_in_the_import_directory_only(server: LocalSettings) -> None:
    imports = Layout.from_env(ROOT).imports
    name = f"kg-test-{os.getpid()}.json"
    with GraphDatabase.driver(server.local_uri, auth=(server.username, server.password)) as driver:
        with driver.session(database=server.database) as session:
            try:
                with session.begin_transaction() as tx:
                    tx.run("CREATE (:ApocProbe {name: 'to a file'})").consume()
                    tx.run("CALL apoc.export.json.all($file, {})", file=name).consume()
                    tx.rollback()
                loaded = session.run("CALL apoc.load.json($file) YIELD value RETURN collect(value) AS v", file=name).single(strict=True)["v"]
                with pytest.raises(Neo4jError, match="outside the import directory"):
                    session.run("CALL apoc.export.json.all($file, {})", file=f"../{name}").consume()
            finally:
                (imports / name).unlink(missing_ok=True)
    assert any(v.get("labels") == ["ApocProbe"] and v["properties"]["name"] == "to a file" for v in loaded)
    assert not (imports.parent / name).exists()


# ---- the Neo4j Browser in headless Chromium ----------------------------------------------------


@pytest.fixture(scope="module")
def chromium(browser: Any) -> Any:
    """Debian's Chromium, headless: the fixture the page tests share."""
    return browser


def open_browser(chromium: Any, server: LocalSettings) -> Any:
    """A new tab on the server's Neo4j Browser, as a user opens it (not yet logged in)."""
    from playwright.sync_api import Route

    def loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:  # web fonts, telemetry: nothing leaves this machine
            route.abort()

    page = chromium.new_page()
    page.set_default_timeout(30_000)
    page.route("**/*", loopback_only)
    page.goto(f"{server.http_url}/browser/")
    return page


@pytest.fixture(scope="module")
def browser_page(server: LocalSettings, chromium: Any) -> Iterator[Any]:
    page = open_browser(chromium, server)
    yield page
    page.close()


def log_in(page: Any, server: LocalSettings) -> None:
    page.select_option("[data-testid=bolt-scheme-select]", "bolt://")
    page.fill("[data-testid=boltaddress]", f"127.0.0.1:{server.bolt_port}")
    page.fill("[data-testid=username]", server.username)
    page.fill("[data-testid=password]", server.password)
    page.click("[data-testid=connect]")
    page.get_by_text(f"You are connected as user {server.username}").wait_for()


def test_the_browser_offers_the_advertised_bolt_address_to_connect_to(server: LocalSettings, browser_page: Any) -> None:
    address = browser_page.locator("[data-testid=boltaddress]")
    address.wait_for()
    assert address.input_value() == f"127.0.0.1:{server.bolt_port}"


def test_the_browser_logs_in_and_runs_a_query(server: LocalSettings, browser_page: Any) -> None:
    page = browser_page
    log_in(page, server)
    assert f"to bolt://127.0.0.1:{server.bolt_port}" in page.locator("body").inner_text()

    page.locator(".monaco-editor").first.click()
    page.keyboard.type("RETURN 6 * 7 AS answer")
    page.click("[data-testid=editor-Run]")
    cell = page.locator("[role=table]").first.get_by_text("42", exact=True)
    cell.wait_for()
    assert page.locator("[role=table]").first.get_by_text("answer", exact=True).is_visible()


def run(page: Any, text: str) -> None:
    """Replace the Browser editor's text (as a paste: no auto-closed brackets) and run it."""
    page.locator(".monaco-editor").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)
    page.click("[data-testid=editor-Run]")


FRAME = "[data-testid=frame]"
DONE = re.compile(r"Started streaming (\d+) records?|\(no changes, no records\)|ERROR")


def shown_rows(page: Any, text: str) -> tuple[list[str], list[list[str]]]:
    """Run ``text`` on a cleared stream; the column names and cells of the one frame it shows."""
    run(page, ":clear")
    page.wait_for_function(f"() => document.querySelectorAll('{FRAME}').length === 0")
    run(page, text)
    frame = page.locator(FRAME).first
    frame.get_by_text(DONE).first.wait_for()
    body = frame.inner_text()
    assert page.locator(FRAME).count() == 1 and "ERROR" not in body, body[-600:]
    if "no changes, no records" in body:
        return [], []
    columns, rows = frame.locator("[role=table]").evaluate("""t => [
        [...t.querySelectorAll('[role=columnheader]')].map(h => h.innerText),
        [...t.querySelectorAll('tbody [role=row]')].map(r => [...r.querySelectorAll('[role=cell]')].map(c => c.innerText))]""")
    streamed = DONE.search(body)
    assert streamed and int(streamed.group(1)) == len(rows), "the table shows every row"  # no page of a longer table
    return columns, rows


def set_param(page: Any, name: str, literal: str) -> None:
    run(page, f":param {name} => {literal}")
    page.locator(FRAME).first.get_by_text("Successfully set your parameters").wait_for()


def as_shown(value: Any) -> str:
    """A value as a Browser table cell shows it."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(as_shown(v) for v in value) + "]"
    return repr(value)


def table_of(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    return (list(rows[0]), [[as_shown(v) for v in row.values()] for row in rows]) if rows else ([], [])


def cypher_literal(value: Any) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'" if isinstance(value, str) else json.dumps(value)


# Another value for a query's first parameter: the first of these whose answer on the seeds has rows
# and differs from the example's.
OTHER_VALUES = {"entity": ["PyTorch", "FlashAttention"], "hardware": ["A100", "FPGA"], "paper": ["Sarathi", "Megatron", "ParaFold"],
                "words": ["pipeline parallelism"], "int": [3]}


def another_value(kg: Any, query: Any, example_rows: list[dict[str, Any]]) -> tuple[str, Any, list[dict[str, Any]]]:
    param = query.parameters[0]
    for value in OTHER_VALUES[param.type]:
        rows = kg.query(query.name, **{**query.example, param.name: value})
        if rows and rows != example_rows:
            return param.name, value, rows
    raise AssertionError(f"add a value for {param.name!r} of {query.name!r} that answers otherwise on the seeds")


@needs_seeds
def test_every_canned_file_pasted_whole_shows_its_rows_and_follows_a_parameter_set_alone(server: LocalSettings, chromium: Any) -> None:
    from graph.api import KnowledgeGraph
    from graph.config import Settings
    from queries.catalog import canned_queries

    settings = Settings(backend="neo4j", neo4j_uri=server.local_uri, neo4j_username=server.username,
                        neo4j_password=server.password, neo4j_database=server.database)
    with KnowledgeGraph.open(settings) as kg:
        kg.load([SEEDS])  # other tests' data may be there too; the rows are compared with kg's on the same graph
        page = open_browser(chromium, server)
        try:
            log_in(page, server)
            # The server declares the canned queries' parameters when the Browser connects.
            page.get_by_text("Successfully set your parameters").first.wait_for()
            for query in canned_queries():
                text = Path(query.path).read_text(encoding="utf-8")  # the whole file, as a user pastes it
                example = kg.query(query.name, **query.example)
                assert shown_rows(page, text) == table_of(example), query.name
                if not query.parameters:
                    continue
                name, value, rows = another_value(kg, query, example)
                set_param(page, name, cypher_literal(value))  # only this one: the others keep their defaults
                assert shown_rows(page, text) == table_of(rows), (query.name, name, value)
                set_param(page, name, "null")  # unset again: the next file with this parameter answers its example
        finally:
            page.close()
            kg.store.clear()
