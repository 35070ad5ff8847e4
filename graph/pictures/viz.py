"""A :class:`graph.pictures.view.GraphView` as a page, drawn by Neo4j's own renderer (``neo4j-viz``, NVL).

The page is neo4j-viz's standalone template, which inlines its JavaScript, styles and fonts: it
loads nothing from the network. The graph data sits in an inert ``application/json`` block (``<``
escaped), so no text in the graph can become markup or script; every caption and property is drawn
as text. Above the graph a header says what is shown of what exists and what was left out. A small
script of ours fits the precomputed layout to the window and opens the details panel, where
clicking a node or relationship lists its properties, claims and evidence with source and line.

The same script takes the graph data as the renderer reads it (it wraps ``JSON.parse`` once, for
that block only) to do three things the renderer cannot:

- **captions under the nodes, whole words**: the renderer writes a caption inside its circle and
  breaks words to fit ("quantizati-on"), and hides it when zoomed out; ours are written under each
  node, wrapped between words, following the renderer's zoom and pan (read through NVL's
  ``window.__Nvl_dumpNodes``), and the centre of a neighbourhood gets a dark ring and a bold caption;
- **the results overview counts labels** (Paper, System, ...): with captions as its labels it
  counted captions, and flagged a paper and the system it proposes, which share a name in two
  colours, with "indicates color may not match";
- **"+N more" nodes unfold**: clicking one replaces it by the nodes it stands for (kept in a second
  inert block, ``kg-viz-extra``) and their relationships, and the header's counts follow.

When the template lacks the hooks this relies on, the page is drawn as before (captions in circles).

>>> from graph.pictures.view import GraphView, ViewNode
>>> node = ViewNode(key="system:vllm", label="System", name="vLLM", caption="vLLM", colour="#f28e2b",
...                 size=20, degree=3, properties={"name": "vLLM </script><b>"})
>>> page = render_page(GraphView(title="vLLM & co", nodes=[node], relationships=[], total_nodes=1, total_relationships=0))
>>> "<title>vLLM &amp; co</title>" in page, "vLLM \\\\u003c/script>\\\\u003cb>" in page, "</script><b>" in page
(True, True, False)
"""

from __future__ import annotations

import html
import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from graph.optional import neo4j_viz
from graph.pictures.style import MORE_COLOUR, NODE_COLOURS, REL_COLOURS, TYPE_FONT_PX, edge_font

if TYPE_CHECKING:
    from graph.pictures.shown import GraphView, ViewNode, ViewRelationship
    from neo4j_viz import Node, Relationship, VisualizationGraph

HEADER_PX = 68  # the header above the graph
PANEL_PX = 420  # neo4j-viz's details panel, opened on load (wider than its default, for the sentences)
LEGEND_PX = 150  # neo4j-viz's legend, bottom left
INLINE_HEIGHT_PX = 640  # the frame in a notebook
EDGE_CAPTIONS_FROM_ZOOM = 0.3  # below it a relationship's caption is too small to read
CAPTION_WIDTH_PX = 150  # the width a caption wraps to under its node (in the graph's pixels)
HOOKS = ("window.__Nvl_dumpNodes", "window.__Nvl_getZoomLevel", "last_event", 'getElementById(`neo4j-viz-data`)')

_STYLE = """<style>
#kg-viz-header{box-sizing:border-box;height:%(h)spx;padding:6px 12px;font:13px/1.45 system-ui,sans-serif;
  color:#1a1a1a;background:#fff;border-bottom:1px solid #ddd;overflow:hidden}
#kg-viz-header div{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#kg-viz-header .kg-title{font-weight:600}#kg-viz-header .kg-hint{color:#555}
.ndl-graph-visualization-drawer{width:%(panel)spx!important;max-width:60%%}
#kg-captions{position:absolute;inset:0;overflow:hidden;pointer-events:none}
#kg-captions .kg-caption{position:absolute;width:%(caption)spx;transform-origin:50%% 0;text-align:center;
  font:600 12px/1.2 system-ui,sans-serif;color:#1a1a1a;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}
#kg-captions .kg-caption span{white-space:nowrap}
#kg-captions .kg-caption-focus{font-weight:800;font-size:13px}
#kg-captions .kg-focus{position:absolute;box-sizing:border-box;border:3px solid #1a1a1a;border-radius:50%%}
</style>"""

# Runs before neo4j-viz's module script (module scripts are deferred): it sets the initial zoom and
# pan so the precomputed layout fits the space left beside the details panel, then opens the panel.
_SCRIPT = """<script>
(function () {
  var block = document.getElementById('neo4j-viz-data');
  if (!block) return;
  var data = JSON.parse(block.textContent), nodes = data.nodes || [];
  var header = %(header)s, panel = %(panel)s;
  var legend = %(legend)s;  // the legend's column at the bottom left: the graph starts to its right
  var width = Math.max(240, document.documentElement.clientWidth - panel - legend);
  var height = Math.max(240, window.innerHeight - header);
  if (nodes.length) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    nodes.forEach(function (n) {
      var r = (n.size || 20) + 24;
      x0 = Math.min(x0, (n.x || 0) - r); x1 = Math.max(x1, (n.x || 0) + r);
      y0 = Math.min(y0, (n.y || 0) - r); y1 = Math.max(y1, (n.y || 0) + r);
    });
    var zoom = Math.min(1.5, width / (x1 - x0), height / (y1 - y0));
    data.options = data.options || {};
    data.options.zoom = Math.max(0.05, zoom);
    data.options.pan = {x: (x0 + x1) / 2 - legend / 2 / data.options.zoom, y: (y0 + y1) / 2};
    // Relationship captions (a comparison's claim) from this zoom on (neo4j-viz's default is 0.55).
    data.options.nvlOptions = Object.assign({}, data.options.nvlOptions, {relationshipThreshold: %(captions_from)s});
    block.textContent = JSON.stringify(data);
  }
  var tries = 0;
  (function openPanel() {
    var button = document.querySelector('[aria-label="Toggle graph details panel"]');
    if (button) { if (!document.querySelector('.ndl-graph-visualization-drawer')) button.click(); }
    else if (tries++ < 200) setTimeout(openPanel, 50);
  })();
})();
</script>"""


def to_visualization(view: GraphView) -> VisualizationGraph:
    """The view as a neo4j-viz graph: captions, colours by label, radii by degree, fixed positions,
    a comparison's best claim (else the type) as a relationship's caption, the details as properties."""
    graph = neo4j_viz().VisualizationGraph([_node(n) for n in view.nodes], [_relationship(r) for r in view.relationships])
    labels = dict.fromkeys(n.label for n in view.nodes)
    types = dict.fromkeys(r.type for r in view.relationships)
    graph.set_legend(nodes={label: NODE_COLOURS.get(label, MORE_COLOUR) for label in labels},
                     relationships={t: REL_COLOURS.get(t, "#888888") for t in types} or None)
    return graph


def _node(n: ViewNode) -> Node:
    return neo4j_viz().Node(id=n.key, caption=n.caption, size=n.size, color=n.colour, x=n.x, y=n.y,
                properties={**n.properties, "labels": [n.label]})  # labels: what the results overview counts


def _relationship(r: ViewRelationship) -> Relationship:
    return neo4j_viz().Relationship(id=r.id, source=r.start, target=r.end, caption=r.caption or r.type, color=r.colour,
                        caption_size=edge_font(r.type) / TYPE_FONT_PX, properties={**r.properties, "type": r.type})


def _extra(view: GraphView) -> str:
    """What the script needs beside the graph: the focus, the totals, and each fold's nodes and
    relationships as the renderer takes them; inert JSON with ``<`` escaped."""
    folds = {f.key: {"nodes": [_node(n).to_dict() for n in f.nodes],
                     "relationships": [_relationship(r).to_dict() for r in f.relationships]} for f in view.folds}
    data = {"focus": view.focus, "folds": folds, "nodes": view.total_nodes, "relationships": view.total_relationships}
    inert = json.dumps(data).replace("<", "\\u003c")
    return f'<script type="application/json" id="kg-viz-extra">{inert}</script>'


def _header(view: GraphView) -> str:
    esc = html.escape
    hint = ("Click a node or a relationship: the panel on the right lists its properties, claims and evidence "
            "sentence with source and line. Scroll to zoom, drag to pan, drag a node to move it; "
            "search (top right) finds a node; size = relationships in the whole graph.")
    counts = view.counts[0].upper() + view.counts[1:]
    return (
        f'<div id="kg-viz-header">'
        f'<div class="kg-title" title="{esc(view.title)}">{esc(view.title)} — <span id="kg-viz-counts">{esc(counts)}</span></div>'
        f'<div class="kg-note" title="{esc(view.note)}">{esc(view.note)}</div>'
        f'<div class="kg-hint">{esc(hint)}</div></div>'
    )


def render_page(view: GraphView) -> str:
    """The self-contained page of ``view``."""
    graph = to_visualization(view)
    page = graph.render(layout="free", width="100%", height=f"calc(100vh - {HEADER_PX}px)", theme="light",
                        on_dangling="error", show_layout_button=True, max_allowed_nodes=max(10_000, len(view.nodes))).data
    head, body = "<title>neo4j-viz</title>", "<body>"
    if page.count(body) != 1 or head not in page:
        raise RuntimeError("neo4j-viz's page template changed: graph.pictures.viz cannot place its header")
    style = _STYLE % {"h": HEADER_PX, "panel": PANEL_PX, "caption": CAPTION_WIDTH_PX}
    page = page.replace(head, f"<title>{html.escape(view.title)}</title>{style}", 1)
    script = _SCRIPT % {"header": json.dumps(HEADER_PX), "panel": json.dumps(PANEL_PX), "legend": json.dumps(LEGEND_PX),
                        "captions_from": json.dumps(EDGE_CAPTIONS_FROM_ZOOM)}
    if all(hook in page for hook in HOOKS):  # else the renderer's own captions, in the circles
        script = _extra(view) + script.replace("</script>", _page_script() + "</script>")
    return page.replace(body, body + _header(view) + script, 1)


@cache
def _page_script() -> str:
    return (files("graph.pictures") / "viz_page.js").read_text(encoding="utf-8")


def render_inline(view: GraphView, height: int = INLINE_HEIGHT_PX) -> str:
    """The page in a frame of its own, for a notebook cell: its scripts and ids stay apart from the
    notebook's and from other pictures."""
    return (f'<iframe srcdoc="{html.escape(render_page(view), quote=True)}" title="{html.escape(view.title)}" '
            f'style="width:100%;height:{height}px;border:1px solid #ddd"></iframe>')
