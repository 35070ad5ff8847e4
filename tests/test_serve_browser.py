"""`kg serve`'s pages in real headless Chromium against a real `kg serve` process on the loopback:
every request that is not to that server is aborted and recorded, and the tests fail if there is
any (the pages, the pictures in their frames and the API docs load nothing from elsewhere).

Search "vLLM" → its page, with each fact's sentence and source, the neighbourhood picture drawn and
the claims chart plotted; the papers-targeting page with hardware=TPU shows the CLI's rows."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import SEEDS, kg_serve, write_hostile_listing
from graph.api import KnowledgeGraph
from graph.config import Settings
from test_viz_browser import VIEWPORT, Opened, _ink, browser  # noqa: F401 - browser is the shared Chromium fixture

KG = str(Path(sys.executable).with_name("kg"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`kg serve` on a free loopback port, over the seeds (or the example listing) and the hostile paper."""
    out = tmp_path_factory.mktemp("serve-browser")
    store = out / "kg"
    inputs = [SEEDS, write_hostile_listing(out)] if SEEDS.is_dir() else [write_hostile_listing(out)]
    KnowledgeGraph.open(Settings(store=store)).load(inputs)
    with kg_serve(["--store", str(store)], {"KG_BACKEND": "embedded"}, cwd=out) as (base, _):
        yield base, store


def open_site(browser: Any, base: str, path: str) -> Iterator[Opened]:
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(20_000)
    opened = Opened(page)

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith((base + "/", "data:", "blob:", "about:")):
            route.continue_()
        else:
            opened.blocked.append(url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
    page.goto(base + path)
    try:
        yield opened
    finally:
        page.close()


def test_searching_vllm_leads_to_its_page_with_citations_picture_and_claims(browser: Any, server: tuple[str, Path]) -> None:
    base, _ = server
    for opened in open_site(browser, base, "/"):
        page = opened.page
        page.fill("#home-search", "vLLM")
        page.press("#home-search", "Enter")
        page.locator("#results").wait_for()
        page.locator("#results a", has_text="vLLM").first.click()
        page.locator("#node-name").wait_for()
        assert page.locator("#node-name").inner_text() == "vLLM" and page.url == base + "/entity/vLLM"
        compared = page.locator("h2", has_text="Compared against by").locator("xpath=following-sibling::ul[1]")
        facts = compared.locator(".fact")
        assert facts.count() >= 2
        first = facts.first
        assert first.locator(".evidence").inner_text().startswith("“") and ".txt:" in first.locator(".source").inner_text()
        assert "SplitServe outperforms vLLM by 3.1x" in compared.inner_text()
        picture = page.frame_locator("#picture")
        picture.get_by_text("Results overview").wait_for()
        page.wait_for_timeout(500)  # the first frames of the canvas
        assert _ink(picture.locator("canvas").first.screenshot()) > 0.02
        assert "vLLM: 2-step neighbourhood" in picture.locator("#kg-viz-header").inner_text()
        chart = page.frame_locator("#claims-chart")
        chart.locator("#kg-claims-chart .scatterlayer .point").first.wait_for()
        assert chart.locator("#kg-claims-chart .scatterlayer .point").count() >= 3
        assert "hostile_listing.txt:55" in chart.locator("#kg-claims-table").inner_text()
        assert page.evaluate("() => document.querySelectorAll('script').length") == 0
        opened.clean()


def test_the_papers_targeting_page_shows_the_cli_rows(browser: Any, server: tuple[str, Path]) -> None:
    base, store = server
    printed = subprocess.run([KG, "--store", str(store), "query", "papers-targeting", "-p", "hardware=TPU", "--format", "json"],
                             capture_output=True, text=True, timeout=60, check=True)
    expected = [[str(v) for v in row.values()] for row in json.loads(printed.stdout)]
    assert expected
    for opened in open_site(browser, base, "/queries"):
        page = opened.page
        page.get_by_role("link", name="papers-targeting", exact=True).click()
        page.fill("input[name=hardware]", "TPU")
        page.click("#query-form button")
        page.locator("#rows").wait_for()
        assert page.url == base + "/queries/papers-targeting?hardware=TPU&limit=100"
        shown = page.evaluate("() => [...document.querySelectorAll('#rows tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
        assert shown == expected and page.locator("#at-limit").count() == 0
        headers = page.evaluate("() => [...document.querySelectorAll('#rows th')].map(c => c.textContent)")
        assert headers == ["paper", "hardware", "evidence", "source", "line"]
        page.locator("#rows td.col-paper a").first.click()
        page.locator("#node-name").wait_for()
        assert page.url.startswith(base + "/paper/") and page.locator("#node-name").inner_text() == expected[0][0]
        page.goto(base + "/queries/papers-targeting?hardware=TPU&limit=1")
        assert page.locator("#rows tbody tr").count() == 1 and "the limit" in page.locator("#at-limit").inner_text()
        opened.clean()


def test_the_api_docs_draw_offline(browser: Any, server: tuple[str, Path]) -> None:
    base, _ = server
    for opened in open_site(browser, base, "/docs"):
        page = opened.page
        page.locator(".swagger-ui .opblock").first.wait_for()
        text = page.locator(".swagger-ui").inner_text()
        for path in ("/api/stats", "/api/queries/{name}", "/api/show/{name}", "/api/cypher"):
            assert path in text
        page.wait_for_timeout(300)  # anything the page fetches late
        opened.clean()


def test_the_real_server_answers_head_and_options_as_http_has_them(server: tuple[str, Path]) -> None:
    """Through uvicorn on a socket, not the test client: HEAD frames no body, OPTIONS names the methods."""
    base, _ = server
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        answers = {}
        for method, path in (("GET", "/api/stats"), ("HEAD", "/api/stats"), ("HEAD", "/entity/vLLM"), ("OPTIONS", "/api/cypher")):
            connection.request(method, path)  # one connection: a HEAD that sent a body would garble the next answer
            response = connection.getresponse()
            answers[method, path] = (response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()
    (status, headers, body), (head_status, head_headers, head_body) = answers["GET", "/api/stats"], answers["HEAD", "/api/stats"]
    assert (head_status, head_body) == (200, b"") and head_headers["content-length"] == str(len(body)) and status == 200
    assert {k: v for k, v in head_headers.items() if k != "date"} == {k: v for k, v in headers.items() if k != "date"}
    assert answers["HEAD", "/entity/vLLM"][:1] == (200,) and answers["HEAD", "/entity/vLLM"][2] == b""
    assert answers["OPTIONS", "/api/cypher"][0] == 204 and answers["OPTIONS", "/api/cypher"][1]["allow"] == "POST, OPTIONS"
