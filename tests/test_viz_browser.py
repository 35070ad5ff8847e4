"""The pages of `kg viz` and `kg chart` in real headless Chromium (Debian's, driven by Playwright's
``executable_path``; nothing downloads a browser), with the network blocked: every request that is
not the page's own file is aborted and recorded, and the tests fail if there is any.

They check that the graph drew (canvas pixels, node captions), that clicking a node or a
relationship shows its evidence with source and line, that hovering a chart point shows its
sentence, and that a title holding ``</script><script>alert(1)</script>`` and ``&amp;`` reads as
written and never runs. The graph is the seeds (../shared/seeds) when they are beside the checkout,
else the bundled example listing; both with the hostile paper added, so nothing here skips in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from conftest import HOSTILE_SENTENCE, HOSTILE_TITLE, SEEDS, hub_graph, write_hostile_listing
from graph.api import KnowledgeGraph
from graph.config import Settings
from graph.pictures.view import neighbourhood_view

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = ("file:", "data:", "blob:", "about:")
VIEWPORT = {"width": 1280, "height": 800}
KG = str(Path(sys.executable).with_name("kg"))


@dataclass
class Opened:
    """A page and what happened while it was open."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def clean(self) -> None:
        assert self.blocked == [], f"the page tried to load from the network: {self.blocked}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"a script ran: {self.dialogs}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI (.ci/run installs Debian's chromium)", pytrace=False)
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI runs these tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The pages, written once: vLLM's neighbourhood by the command line, as `make demo` does."""
    out = tmp_path_factory.mktemp("pages")
    store = out / "kg"
    inputs = [SEEDS, write_hostile_listing(out)] if SEEDS.is_dir() else [write_hostile_listing(out)]
    with KnowledgeGraph.open(Settings(store=store)) as kg:
        kg.load(inputs)
        kg.visualize(max_nodes=40).save(out / "graph.html")  # fewer than the example listing has: something is left out
        kg.visualize("SplitServe").save(out / "hostile.html")
        kg.visualize("vLLM", depth=3).save(out / "vllm3.html")
        kg.chart("vLLM").save(out / "vllm-claims.html")
        (out / "notebook.html").write_text(f"<!doctype html><html><body>{kg.visualize('vLLM')._repr_html_()}</body></html>",
                                           encoding="utf-8")
    neighbourhood_view(*hub_graph(), focus="system:engine", depth=3).save(out / "hub.html")
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(out), "LANG": "C.UTF-8"}
    result = subprocess.run([KG, "--store", str(store), "viz", "vLLM", "-o", str(out / "vllm.html")],
                            capture_output=True, text=True, env=env, cwd=out, timeout=120)
    assert result.returncode == 0, result.stderr
    return {p.stem: p for p in out.glob("*.html")}


def open_page(browser: Any, path: Path) -> Iterator[Opened]:
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(20_000)
    opened = Opened(page)

    def route(route: Any) -> None:
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            opened.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))

    def dialog(d: Any) -> None:
        opened.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(path.as_uri())
    try:
        yield opened
    finally:
        page.close()


@pytest.fixture
def vllm(browser: Any, pages: dict[str, Path]) -> Iterator[Opened]:
    yield from _drawn(browser, pages["vllm"])


def _drawn(browser: Any, path: Path) -> Iterator[Opened]:
    for opened in open_page(browser, path):
        opened.page.get_by_text("Results overview").wait_for()  # neo4j-viz rendered, its panel open
        opened.page.wait_for_timeout(500)  # the first frames of the canvas
        yield opened


def _ink(png: bytes) -> float:
    """The share of pixels that are not the background's colour."""
    from PIL import Image

    image = Image.open(BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 24) or []
    background = max(colours)[1]
    return sum(n for n, c in colours if c != background) / (image.width * image.height)


def _screen(opened: Opened, key: str) -> tuple[float, float]:
    """Where node ``key`` is drawn: its position in the page's data, through the zoom and pan our
    script set, from the centre of the canvas."""
    return opened.page.evaluate(
        """key => {
          const d = JSON.parse(document.getElementById('neo4j-viz-data').textContent);
          const n = d.nodes.find(n => n.id === key);
          const r = document.querySelector('canvas').getBoundingClientRect();
          return [r.x + r.width / 2 + (n.x - d.options.pan.x) * d.options.zoom,
                  r.y + r.height / 2 + (n.y - d.options.pan.y) * d.options.zoom];
        }""", key)


def _panel(opened: Opened) -> str:
    return opened.page.locator(".ndl-graph-visualization-drawer").inner_text()


def _captions(page: Any) -> str:
    """The node captions as drawn, one a line (written under each node, over the canvas)."""
    return "\n".join(page.locator("#kg-captions .kg-caption").all_inner_texts())


def _nodes(opened: Opened) -> list[dict[str, Any]]:
    """The nodes the renderer holds: id, size, captions and where they are drawn (page pixels)."""
    return opened.page.evaluate("() => window.__Nvl_dumpNodes()")


# ---- the neighbourhood page ---------------------------------------------------------------------


def test_the_vllm_page_draws_offline_with_its_neighbours(vllm: Opened) -> None:
    page = vllm.page
    canvas = page.locator("canvas").first
    assert _ink(canvas.screenshot()) > 0.02  # circles, captions and arrows, not a blank canvas
    panel = _captions(page)
    for caption in ("vLLM", "SplitServe…", "A100", "GPU"):  # vLLM, a paper comparing against it, their hardware
        assert caption in panel
    if SEEDS.is_dir():
        for caption in ("Seesaw", "Nexus", "DeepSpeed-FastGen"):
            assert caption in panel
    header = page.locator("#kg-viz-header").inner_text()
    assert "vLLM: 2-step neighbourhood" in header and "Showing " in header and " nodes within 2 steps of vLLM" in header
    vllm.clean()


def test_clicking_a_node_shows_its_properties_and_evidence(vllm: Opened) -> None:
    page = vllm.page
    x, y = _screen(vllm, "system:vllm")
    page.mouse.click(x, y)
    page.get_by_text("Node details").wait_for()
    panel = _panel(vllm)
    assert "inference-engine" in panel  # a property
    assert HOSTILE_SENTENCE in panel and "hostile_listing.txt:55" in panel  # a fact, its sentence, source and line
    vllm.clean()


def test_clicking_a_relationship_shows_its_claims_and_evidence(vllm: Opened) -> None:
    page = vllm.page
    start = page.evaluate("() => JSON.parse(document.getElementById('neo4j-viz-data').textContent)"
                          ".nodes.find(n => n.properties.title && n.properties.title.startsWith('SplitServe')).id")
    (x0, y0), (x1, y1) = _screen(vllm, start), _screen(vllm, "system:vllm")
    page.mouse.click((x0 + x1) / 2, (y0 + y1) / 2)  # the middle of the COMPARES_TO arrow
    page.get_by_text("Relationship details").wait_for()
    panel = _panel(vllm)
    assert "COMPARES_TO" in panel and "3.1× throughput (higher)" in panel
    assert HOSTILE_SENTENCE in panel and "hostile_listing.txt:55" in panel
    vllm.clean()


def test_the_wheel_zooms_and_dragging_pans(vllm: Opened) -> None:
    page = vllm.page
    canvas = page.locator("canvas").first
    box = canvas.bounding_box()
    before = canvas.screenshot()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -600)
    page.wait_for_timeout(400)
    zoomed = canvas.screenshot()
    page.mouse.down()
    page.mouse.move(box["x"] + 240, box["y"] + box["height"] / 2 + 60, steps=8)
    page.mouse.up()
    page.wait_for_timeout(400)
    assert len({before, zoomed, canvas.screenshot()}) == 3
    vllm.clean()


# ---- pictures for a slide: claims on edges, whole captions, the centre marked, hubs folded ------------


def test_compares_to_edges_show_their_best_claim(vllm: Opened) -> None:
    rels = vllm.page.evaluate("() => window.__Nvl_dumpRelationships()")
    captions = {r["captions"][0]["value"] for r in rels if r["captions"]}
    assert "3.1× throughput" in captions and "COMPARES_TO" not in captions
    if SEEDS.is_dir():
        assert "1.78× throughput" in captions  # Seesaw against vLLM
    vllm.clean()


def test_captions_are_whole_words_under_each_node(browser: Any, pages: dict[str, Path]) -> None:
    for name in ("vllm", "vllm3"):
        for opened in _drawn(browser, pages[name]):
            page = opened.page
            page.locator("#kg-captions .kg-caption").first.wait_for()
            nodes = _nodes(opened)
            assert all(not n["captions"] for n in nodes)  # the renderer writes no caption inside a circle (it breaks words)
            drawn = page.evaluate("""() => [...document.querySelectorAll('#kg-captions .kg-caption')].map(el => ({
                id: el.dataset.id, text: el.textContent, top: el.getBoundingClientRect().top,
                broken: [...el.querySelectorAll('span')].filter(w => w.getClientRects().length !== 1).map(w => w.textContent),
                font: parseFloat(getComputedStyle(el).fontSize) * new DOMMatrix(getComputedStyle(el).transform).a}))""")
            data = page.evaluate("() => Object.fromEntries(JSON.parse(document.getElementById('neo4j-viz-data').textContent)"
                                 ".nodes.map(n => [n.id, n.caption]))")
            assert {d["id"]: d["text"] for d in drawn} == data  # every node captioned, with its whole caption
            assert [d for d in drawn if d["broken"]] == []  # no word split over two lines
            assert min(d["font"] for d in drawn) > 6.99  # 7 px or more: legible once fitted to the window (they vanished at depth 3)
            box = page.locator("canvas").first.bounding_box()
            for d in drawn:
                node = next(n for n in nodes if n["id"] == d["id"])
                assert d["top"] >= box["y"] + node["y"] - 1  # under its node, not across it
            if name == "vllm3":
                assert len(nodes) <= 60
            opened.clean()


def test_the_centre_node_is_marked(vllm: Opened) -> None:
    ring = vllm.page.locator("#kg-captions .kg-focus")
    assert ring.count() == 1
    x, y = _screen(vllm, "system:vllm")
    box = ring.bounding_box()
    assert abs(box["x"] + box["width"] / 2 - x) < 3 and abs(box["y"] + box["height"] / 2 - y) < 3
    caption = vllm.page.locator('#kg-captions .kg-caption[data-id="system:vllm"]')
    assert int(caption.evaluate("el => getComputedStyle(el).fontWeight")) >= 700
    vllm.clean()


def test_no_colour_hint_when_a_paper_and_its_system_share_a_name(vllm: Opened) -> None:
    panel = _panel(vllm)  # PagedServe (a paper) proposes PagedServe (a system): two colours, one caption
    assert "color may not match" not in panel and vllm.page.locator(".ndl-graph-label-rule-indicator").count() == 0
    assert "Paper (" in panel and "System (" in panel  # the overview counts labels
    vllm.clean()


def test_a_more_node_shows_what_it_folds_when_clicked(browser: Any, pages: dict[str, Path]) -> None:
    for opened in _drawn(browser, pages["hub"]):
        page = opened.page
        before = _nodes(opened)
        assert len(before) == 8 and "+29 more" in _captions(page)
        header = page.locator("#kg-viz-counts").inner_text()
        page.mouse.click(*_screen(opened, "more:hardware:accel"))
        page.wait_for_function("() => window.__Nvl_dumpNodes().length === 36")
        page.wait_for_timeout(300)
        captions = _captions(page)
        assert "+29 more" not in captions and all(f"Far{i:02}" in captions for i in range(30))
        rels = page.evaluate("() => window.__Nvl_dumpRelationships()")
        assert sum(r["to"] == "hardware:accel" and r["from"].startswith("paper:far") for r in rels) == 30
        assert page.locator("#kg-viz-counts").inner_text() != header and "36 of 36 nodes" in page.locator("#kg-viz-counts").inner_text()
        opened.clean()


# ---- the overview, the notebook frame, hostile text -------------------------------------------------


def test_the_overview_draws_and_says_what_it_left_out(browser: Any, pages: dict[str, Path]) -> None:
    for opened in _drawn(browser, pages["graph"]):
        assert _ink(opened.page.locator("canvas").first.screenshot()) > 0.02
        header = opened.page.locator("#kg-viz-header").inner_text()
        assert "overview" in header and "most connected nodes" in header and "left out:" in header
        opened.clean()


def test_the_notebook_frame_draws_the_same_page(browser: Any, pages: dict[str, Path]) -> None:
    for opened in open_page(browser, pages["notebook"]):
        frame = opened.page.frame_locator("iframe")
        frame.get_by_text("Results overview").wait_for()
        frame.locator("#kg-captions .kg-caption").first.wait_for()
        assert "vLLM" in _captions(frame)
        opened.clean()


def test_a_hostile_title_reads_as_written_and_never_runs(browser: Any, pages: dict[str, Path]) -> None:
    for opened in _drawn(browser, pages["hostile"]):
        page = opened.page
        assert page.title().startswith(HOSTILE_TITLE)
        assert HOSTILE_TITLE in page.locator("#kg-viz-header").inner_text()  # '&amp;' shown as '&amp;', once
        key = page.evaluate("() => JSON.parse(document.getElementById('neo4j-viz-data').textContent).nodes[0].id")
        page.mouse.click(*_screen(opened, key))
        page.get_by_text("Node details").wait_for()
        assert HOSTILE_TITLE in _panel(opened)
        assert page.evaluate("() => document.querySelectorAll('script:not([type])').length") == 1  # ours only
        opened.clean()


# ---- the claims chart ----------------------------------------------------------------------------


def test_the_claims_chart_hovers_with_the_sentence_and_escapes_titles(browser: Any, pages: dict[str, Path]) -> None:
    for opened in open_page(browser, pages["vllm-claims"]):
        page = opened.page
        points = page.locator("#kg-claims-chart .scatterlayer .point")
        points.first.wait_for()
        assert points.count() == int(page.evaluate("() => document.querySelectorAll('#kg-claims-table tbody tr').length")) - (
            page.locator("#kg-claims-table tbody tr", has_text="no number stated").count())
        hovered: list[str] = []
        label = page.locator("#kg-claims-chart .hoverlayer .hovertext")
        for i in range(points.count()):
            page.mouse.move(0, 0)  # off the chart: the label goes, and the next hover draws its own
            label.first.wait_for(state="detached")
            points.nth(i).hover(force=True)
            label.first.wait_for()
            hovered.append(label.first.text_content() or "")
        text = "\n".join(hovered)
        assert "SplitServe </script><script>alert(1)</script> &amp; Merge" in text and "hostile_listing.txt:55" in text
        assert "SplitServe outperforms vLLM by 3.1x" in text
        table = page.locator("#kg-claims-table").inner_text()
        assert HOSTILE_TITLE in table and HOSTILE_SENTENCE in table
        assert _ink(page.locator("#kg-claims-chart").screenshot()) > 0.01
        opened.clean()
