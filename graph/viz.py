"""A self-contained HTML visualization: no network access, no JavaScript libraries.

Papers, systems, hardware and techniques are coloured by label; hovering a node shows its name and
its edges' evidence sentences. The layout is a small force simulation run in the browser.

>>> from graph.model import Label, Node, Relationship, RelType
>>> gpu = Node(key="hardware:gpu", label=Label.HARDWARE, properties={"name": "GPU"})
>>> paper = Node(key="paper:x", label=Label.PAPER, properties={"title": "X"})
>>> lonely = Node(key="system:lonely", label=Label.SYSTEM, properties={"name": "Lonely"})
>>> targets = Relationship(type=RelType.TARGETS, start="paper:x", end="hardware:gpu", properties={"evidence": "X runs on GPUs."})
>>> html = render_html([gpu, paper, lonely], [targets])
>>> "<svg" in html and "hardware:gpu" in html and "X runs on GPUs." in html, "system:lonely" in html
(True, False)
"""

from __future__ import annotations

import html as html_lib
import json
from collections.abc import Iterable

from graph.model import Node, Relationship

COLOURS = {"Paper": "#4e79a7", "System": "#f28e2b", "Hardware": "#59a14f", "Technique": "#b07aa1", "Dataset": "#9c755f"}
EDGE_COLOURS = {"PROPOSES": "#f28e2b", "COMPARES_TO": "#e15759", "TARGETS": "#59a14f", "USES": "#b07aa1", "IS_A": "#bab0ac", "VARIANT_OF": "#bab0ac"}

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
 body{margin:0;font:13px system-ui,sans-serif;background:#fafafa}
 #info{position:fixed;top:8px;left:8px;max-width:460px;background:#fff;border:1px solid #ccc;padding:8px;border-radius:4px}
 #legend span{display:inline-block;margin-right:10px} svg{width:100vw;height:100vh}
 line{stroke-opacity:.55} circle{stroke:#fff;stroke-width:1;cursor:pointer}
</style></head><body>
<div id="info"><b>__TITLE__</b> — __COUNTS__<div id="legend">__LEGEND__</div><div id="detail">Hover a node for its citations.</div></div>
<svg id="g" viewBox="-600 -450 1200 900"></svg>
<script>
const data = __DATA__;
const svg = document.getElementById('g'), NS = 'http://www.w3.org/2000/svg';
const nodes = data.nodes, idx = new Map(nodes.map((n, i) => [n.id, i]));
const links = data.links.map(l => ({...l, s: idx.get(l.from), t: idx.get(l.to)}));
nodes.forEach((n, i) => { const a = i * 2.399963, r = 12 * Math.sqrt(i); n.x = r * Math.cos(a); n.y = r * Math.sin(a); n.vx = 0; n.vy = 0; });
for (let step = 0; step < 300; step++) {
  const k = 1 - step / 300;
  for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
    const a = nodes[i], b = nodes[j]; let dx = a.x - b.x, dy = a.y - b.y, d2 = dx*dx + dy*dy + 0.01;
    if (d2 > 40000) continue; const f = 60 * k / d2; a.vx += dx*f; a.vy += dy*f; b.vx -= dx*f; b.vy -= dy*f; }
  for (const l of links) { const a = nodes[l.s], b = nodes[l.t]; const dx = b.x - a.x, dy = b.y - a.y;
    a.vx += dx * 0.01 * k; a.vy += dy * 0.01 * k; b.vx -= dx * 0.01 * k; b.vy -= dy * 0.01 * k; }
  for (const n of nodes) { n.vx -= n.x * 0.002; n.vy -= n.y * 0.002; n.x += n.vx; n.y += n.vy; n.vx *= 0.5; n.vy *= 0.5; }
}
const el = (tag, attrs) => { const e = document.createElementNS(NS, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); return e; };
for (const l of links) svg.appendChild(el('line', {x1: nodes[l.s].x, y1: nodes[l.s].y, x2: nodes[l.t].x, y2: nodes[l.t].y, stroke: l.colour}));
const detail = document.getElementById('detail');
nodes.forEach((n, i) => {
  const c = el('circle', {cx: n.x, cy: n.y, r: 3 + Math.min(9, Math.sqrt(n.degree) * 1.5), fill: n.colour});
  c.appendChild(el('title', {})).textContent = n.name;
  c.addEventListener('mouseenter', () => {
    const facts = links.filter(l => l.s === i || l.t === i).slice(0, 12)
      .map(l => `<li><b>${l.type}</b> ${l.s === i ? '→ ' + nodes[l.t].name : '← ' + nodes[l.s].name}<br><i>${l.evidence}</i> (${l.file})</li>`);
    detail.innerHTML = `<b>${n.name}</b> [${n.label}] <code>${n.id}</code><ul>${facts.join('')}</ul>`;
  });
  svg.appendChild(c);
});
</script></body></html>
"""


def _esc(text: object) -> str:
    return html_lib.escape(str(text or ""))


def render_html(nodes: Iterable[Node], relationships: Iterable[Relationship], title: str = "ML-systems knowledge graph") -> str:
    """Nodes without any relationship are left out, so the picture shows what is connected."""
    rels = [r for r in relationships if r.type.value not in ("IS_A", "VARIANT_OF")]
    degree: dict[str, int] = {}
    for r in rels:
        degree[r.start] = degree.get(r.start, 0) + 1
        degree[r.end] = degree.get(r.end, 0) + 1
    node_list = [n for n in nodes if n.key in degree]
    data = {
        "nodes": [
            {
                "id": n.key,
                "name": _esc(n.properties.get("name") or n.properties.get("title")),
                "label": n.label.value,
                "colour": COLOURS[n.label.value],
                "degree": degree[n.key],
            }
            for n in node_list
        ],
        "links": [
            {
                "from": r.start, "to": r.end, "type": r.type.value, "colour": EDGE_COLOURS[r.type.value],
                "evidence": _esc(r.properties.get("evidence")), "file": _esc(r.properties.get("source")),
            }
            for r in rels
        ],
    }
    legend = "".join(f'<span style="color:{c}">● {name}</span>' for name, c in COLOURS.items())
    legend += "".join(f'<span style="color:{c}">— {name}</span>' for name, c in EDGE_COLOURS.items() if name not in ("IS_A", "VARIANT_OF"))
    counts = f"{len(node_list)} nodes, {len(rels)} relationships"
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return (
        _TEMPLATE.replace("__TITLE__", _esc(title)).replace("__COUNTS__", counts)
        .replace("__LEGEND__", legend).replace("__DATA__", payload)
    )
