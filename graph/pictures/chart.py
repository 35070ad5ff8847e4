"""Claims against one baseline as a chart: one row per paper, each stated factor or percentage per
metric, factors on a log axis; every point linked to the sentence it was read from.

Two renderings of one :class:`ClaimsChart`:

- **HTML** (plotly, with plotly.js inlined: the page loads nothing from the network): hovering a
  point shows the paper, the claim and the evidence sentence with its source and line; below the
  chart a table lists every claim with its sentence, and clicking a point highlights its row.
- **PNG / SVG** (matplotlib): each point is labelled with its claim, each paper carries a
  number, and the numbered sentences and their sources are printed under the chart.

Text from the graph is escaped once for each renderer, so a title holding ``<script>`` or
``&amp;`` reads as written and never runs.

>>> from graph.claims import ClaimRow
>>> rows = [ClaimRow(paper="Seesaw: Re-sharding", paper_key="paper:s", baseline="vLLM", claim="1.78× throughput",
...                  value=1.78, unit="x", metric="throughput", direction="higher",
...                  evidence="Seesaw is 1.78x faster than vLLM.", source="004.txt", line=214)]
>>> chart = ClaimsChart(baseline="vLLM", rows=rows)
>>> chart.summary
'1 claim from 1 paper against vLLM'
>>> page = chart.to_html()
>>> "Seesaw is 1.78x faster than vLLM." in page, "004.txt:214" in page, '<script src="http' in page
(True, True, False)
>>> chart.to_image("svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import html
import textwrap
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from graph.claims import ClaimRow
from graph.model import Label, Node
from graph.pictures.captions import caption
from graph.pictures.static import drawing, figure_bytes, save_by_suffix

#: One panel per unit: factors on a log axis, percentages and points on a linear one.
LOG_TICKS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
UNITS = {"x": ("factor (×, log scale)", "log"), "%": ("percent", "linear"), "points": ("points", "linear")}
METRIC_COLOURS = {"throughput": "#4e79a7", "latency": "#e15759", "speed": "#f28e2b", "memory": "#59a14f",
                  "energy": "#edc948", "cost": "#b07aa1", "accuracy": "#76b7b2", "quality": "#ff9da7",
                  "size": "#9c755f", "other": "#8c8c8c"}
PLOTLY_SYMBOLS = {"higher": "triangle-up", "lower": "triangle-down", "within": "diamond"}
MPL_MARKERS = {"higher": "^", "lower": "v", "within": "D"}
DIRECTION_WORDS = {"higher": "more of it", "lower": "less of it", "within": "within (a bound)"}
#: Papers drawn at most: a hub compared against by thousands of papers would make a chart no one
#: can read (and a page that takes minutes to build); the rest are counted in the summary.
PAPERS_DRAWN = 40


class ClaimsChart(BaseModel):
    """Every claim against ``baseline``; ``save`` writes .html, .png or .svg by the file's suffix."""

    baseline: str
    rows: list[ClaimRow]
    papers_drawn: int = PAPERS_DRAWN

    @cached_property
    def drawn(self) -> list[ClaimRow]:
        """The rows of the papers drawn: every paper, or when there are more than
        ``papers_drawn``, those stating the largest numbers (a factor as itself, a percentage
        as 1 + p/100), in the rows' order (by title)."""
        keys = list(dict.fromkeys(r.paper_key for r in self.rows))
        if len(keys) <= self.papers_drawn:
            return self.rows
        best: dict[str, float] = dict.fromkeys(keys, 0.0)
        for r in self.rows:
            if _plotted(r):
                best[r.paper_key] = max(best[r.paper_key], _size(r))
        ranked = sorted(keys, key=lambda k: -best[k])  # stable: ties keep title order
        chosen = set(ranked[: self.papers_drawn])
        return [r for r in self.rows if r.paper_key in chosen]

    @property
    def plotted(self) -> list[ClaimRow]:
        return [r for r in self.drawn if _plotted(r)]

    @property
    def unplotted(self) -> list[ClaimRow]:
        return [r for r in self.drawn if not _plotted(r)]

    @property
    def papers(self) -> list[str]:
        """Keys of the papers drawn, one row each, in the order of the rows (by title)."""
        return list(dict.fromkeys(r.paper_key for r in self.drawn))

    @property
    def summary(self) -> str:
        return self._counts(f" against {self.baseline}")

    @property
    def image_title(self) -> str:
        """The title of the PNG and SVG: the baseline named once."""
        return f"Claims against {self.baseline}: {self._counts('')}"

    def _counts(self, against: str) -> str:
        plotted = [r for r in self.rows if _plotted(r)]
        n, p = len(plotted), len({r.paper_key for r in plotted})
        text = f"{n:,} claim{'s' * (n != 1)} from {p:,} paper{'s' * (p != 1)}{against}"
        bare = {r.paper_key for r in self.rows} - {r.paper_key for r in plotted}
        if bare:
            text += f"; {len(bare):,} more paper{'s' * (len(bare) != 1)} compare{'s' * (len(bare) == 1)} without a number"
        if self.drawn is not self.rows:
            text += f"; the {len(self.papers)} papers stating the largest numbers are drawn"
        return text

    def lanes(self) -> dict[int, float]:
        """Each plotted claim's height within its paper's row (row n is n), so that several claims of
        one paper in one panel sit on lanes of their own and their labels do not overlap; keyed by
        the claim's index in :attr:`drawn`."""
        mine: dict[tuple[str, str], list[int]] = {}
        for i, r in enumerate(self.drawn):
            if _plotted(r):
                mine.setdefault((r.paper_key, r.unit or ""), []).append(i)
        papers = list(dict.fromkeys(key for key, _ in mine))
        base = {k: len(papers) - i for i, k in enumerate(papers)}
        out: dict[int, float] = {}
        for (key, _), indices in mine.items():
            indices.sort(key=lambda i: (self.drawn[i].value or 0.0, self.drawn[i].claim or ""))
            for j, i in enumerate(indices):
                offset = 0.0 if len(indices) == 1 else 0.3 - 0.6 * j / (len(indices) - 1)
                out[i] = base[key] + offset
        return out

    def short(self, row: ClaimRow) -> str:
        return caption(Node(key=row.paper_key, label=Label.PAPER, properties={"title": row.paper}), width=30)

    # ---- HTML (plotly) -------------------------------------------------------------------------

    def figure(self) -> Any:
        """The plotly figure (one panel per unit present)."""
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        units = [u for u in UNITS if any(r.unit == u for r in self.plotted)] or ["x"]
        papers = list(dict.fromkeys(r.paper_key for r in self.plotted))
        labels = {r.paper_key: self.short(r) for r in self.drawn}
        fig = make_subplots(rows=1, cols=len(units), shared_yaxes=True, horizontal_spacing=0.04,
                            subplot_titles=[UNITS[u][0] for u in units])
        number = {k: i for i, k in enumerate(self.papers, 1)}
        lane = self.lanes()
        index = {id(r): i for i, r in enumerate(self.drawn)}
        seen: set[str] = set()
        for col, unit in enumerate(units, 1):
            for metric in sorted({r.metric or "other" for r in self.plotted if r.unit == unit}):
                for direction in sorted({r.direction or "unstated" for r in self.plotted if r.unit == unit and (r.metric or "other") == metric}):
                    group = [r for r in self.plotted if r.unit == unit and (r.metric or "other") == metric
                             and (r.direction or "unstated") == direction]
                    fig.add_trace(go.Scatter(
                        x=[r.value for r in group],
                        y=[lane[index[id(r)]] for r in group],
                        mode="markers+text", text=[_esc(_value(r)) for r in group], textposition="middle right",
                        textfont={"size": 11}, name=_esc(metric), legendgroup=metric, showlegend=metric not in seen,
                        marker={"size": 13, "color": METRIC_COLOURS.get(metric, "#8c8c8c"),
                                "symbol": PLOTLY_SYMBOLS.get(direction, "circle"), "line": {"width": 1, "color": "#333"}},
                        customdata=[[index[id(r)]] for r in group],
                        hovertext=[_hover(r) for r in group], hovertemplate="%{hovertext}<extra></extra>",
                    ), row=1, col=col)
                    seen.add(metric)
            values = [r.value for r in self.plotted if r.unit == unit and r.value is not None]
            fig.update_xaxes(type=UNITS[unit][1], row=1, col=col, gridcolor="#e5e5e5", zeroline=False,
                             range=_range(values, UNITS[unit][1]))
            if UNITS[unit][1] == "log":
                fig.update_xaxes(tickvals=LOG_TICKS, ticktext=[f"{v:g}×" for v in LOG_TICKS], row=1, col=col)
        fig.update_yaxes(tickvals=[len(papers) - i for i in range(len(papers))], showgrid=False, zeroline=False,
                         ticktext=[_esc(f"{labels[k]} [{number[k]}]") for k in papers], range=[0.5, len(papers) + 0.5])
        fig.update_layout(  # a line between two papers' rows: one shape each (add_hline is slow)
            shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": i + 0.5, "y1": i + 0.5,
                     "line": {"color": "#e3e3e3", "width": 1}} for i in range(len(papers) + 1)],
            height=max(300, 110 + 56 * len(papers)), template="plotly_white", hoverlabel={"align": "left"},
            legend={"title": {"text": "metric (▲ more, ▼ less, ◆ within)"}}, margin={"l": 10, "r": 30, "t": 40, "b": 40},
        )
        return fig

    def to_html(self, plotly_js: str | None = None) -> str:
        """The chart and the table of claims, plotly.js inlined (4.6 MB), or loaded from the
        address ``plotly_js`` (a server's copy, cached by the browser: ``kg serve`` does that)."""
        fig = self.figure()
        plot = fig.to_html(full_html=False, include_plotlyjs=plotly_js or True, div_id="kg-claims-chart",
                           config={"displaylogo": False, "responsive": True})
        heading = "Every claim" if self.drawn is self.rows else "Every claim of the papers drawn"
        return _PAGE.format(title=_esc(f"Claims against {self.baseline}"), summary=_esc(self.summary), plot=plot,
                            heading=heading, table=self._table(), script=_CLICK_SCRIPT)

    def _table(self) -> str:
        number = {k: i for i, k in enumerate(self.papers, 1)}
        rows = []
        for i, r in enumerate(self.drawn):
            claim = f"{r.claim} ({r.direction})" if r.claim and r.direction not in (None, "unstated") else (r.claim or "no number stated")
            rows.append(
                f'<tr id="claim-{i}"><td>[{number[r.paper_key]}]</td><td>{_esc(r.paper)}</td><td>{_esc(r.baseline)}</td>'
                f"<td>{_esc(claim)}</td><td>{_esc(r.metric or '')}</td><td>“{_esc(r.evidence or '')}”</td><td>{_esc(r.cited_at)}</td></tr>"
            )
        return "\n".join(rows)

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.to_html(), quote=True)}" title="{_esc(self.baseline)}" '
                f'style="width:100%;height:720px;border:1px solid #ddd"></iframe>')

    # ---- PNG / SVG (matplotlib) ------------------------------------------------------------------

    def to_image(self, fmt: str = "png") -> bytes:
        """The chart as PNG or SVG bytes, sentences and sources printed under it."""
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

        units = [u for u in UNITS if any(r.unit == u for r in self.plotted)] or ["x"]
        papers = list(dict.fromkeys(r.paper_key for r in self.plotted))
        number = {k: i for i, k in enumerate(self.papers, 1)}
        labels = {r.paper_key: f"{self.short(r)} [{number[r.paper_key]}]" for r in self.drawn}
        notes = self._notes(number)
        with drawing():
            height = 1.6 + 0.42 * max(1, len(papers)) + 0.17 * len(notes)
            fig = Figure(figsize=(12, height), layout="constrained")
            grid = fig.add_gridspec(2, len(units), height_ratios=[1.6 + 0.42 * max(1, len(papers)), 0.17 * len(notes) + 0.2])
            axes = [fig.add_subplot(grid[0, i]) for i in range(len(units))]
            ypos = {k: len(papers) - i for i, k in enumerate(papers)}
            lane = self.lanes()
            for ax, unit in zip(axes, units):
                for i, r in enumerate(self.drawn):
                    if r.unit != unit or i not in lane:
                        continue
                    colour = METRIC_COLOURS.get(r.metric or "other", "#8c8c8c")
                    ax.scatter([r.value], [lane[i]], s=60, color=colour, edgecolors="#333",
                               marker=MPL_MARKERS.get(r.direction or "", "o"), zorder=3)
                    ax.annotate(_value(r), (r.value, lane[i]), xytext=(7, -3), textcoords="offset points", fontsize=8)
                ax.set_xscale(UNITS[unit][1])
                if UNITS[unit][1] == "log":
                    ax.xaxis.set_major_locator(FixedLocator([v for v in LOG_TICKS]))
                    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
                    ax.xaxis.set_minor_formatter(NullFormatter())
                for y in range(len(papers) + 1):
                    ax.axhline(y + 0.5, color="#e3e3e3", lw=0.8, zorder=0)
                ax.set_title(UNITS[unit][0], fontsize=10)
                ax.set_ylim(0.4, len(papers) + 0.6)
                ax.set_yticks([ypos[k] for k in papers], [labels[k] for k in papers] if ax is axes[0] else [""] * len(papers))
                ax.grid(True, axis="x", color="#e5e5e5", zorder=0)
                ax.margins(x=0.25)
            metrics = sorted({r.metric or "other" for r in self.plotted})
            handles = [Line2D([], [], marker="o", ls="", color=METRIC_COLOURS.get(m, "#8c8c8c"), label=m) for m in metrics]
            handles += [Line2D([], [], marker=MPL_MARKERS[d], ls="", color="#666", label=DIRECTION_WORDS[d]) for d in MPL_MARKERS]
            axes[-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
            fig.suptitle(self.image_title, fontsize=12)
            text_ax = fig.add_subplot(grid[1, :])
            text_ax.axis("off")
            text_ax.text(0, 1, "\n".join(notes), va="top", ha="left", fontsize=7.5, family="DejaVu Sans", wrap=False)
        return figure_bytes(fig, fmt)

    def _notes(self, number: dict[str, int]) -> list[str]:
        """'[n] title — file:line' then the wrapped sentence, one entry per paper."""
        lines: list[str] = []
        by_paper: dict[str, list[ClaimRow]] = {}
        for r in self.drawn:
            by_paper.setdefault(r.paper_key, []).append(r)
        for key in self.papers:
            rows = by_paper[key]
            sentences = list(dict.fromkeys((r.evidence or "", r.cited_at) for r in rows))
            claims = "; ".join(r.claim for r in rows if r.claim) or "no number stated"
            lines.append(f"[{number[key]}] {rows[0].paper}  ({claims})")
            for sentence, where in sentences:
                wrapped = textwrap.wrap(f"“{sentence}” — {where}", 150)
                lines.extend("      " + w for w in wrapped)
        return lines

    def save(self, path: str | Path, protect: Any = ()) -> Path:
        """Write the chart atomically: ``.html`` (interactive), ``.png`` or ``.svg`` (static)."""
        return save_by_suffix(Path(path), "chart", self.to_html, self.to_image, protect=protect)


def _plotted(r: ClaimRow) -> bool:
    return r.value is not None and r.unit in UNITS


def _size(r: ClaimRow) -> float:
    """How large a plotted claim is, comparable across units: a factor, or 1 + a percentage / 100."""
    value = r.value or 0.0
    return value if r.unit == "x" else 1 + abs(value) / 100 if r.unit == "%" else 1.0


def _esc(text: str) -> str:
    """Text for plotly and HTML: plotly reads a few tags and entities in its strings, so ``<``,
    ``>`` and ``&`` are escaped once and show as written."""
    return html.escape(text, quote=False)


def _range(values: list[float], scale: str) -> list[float]:
    """An axis range with room on the right for the points' labels."""
    import math

    if not values:
        return [0, 1] if scale == "linear" else [0, 1]
    lo, hi = min(values), max(values)
    if scale == "log":
        lo, hi = math.log10(max(lo, 1e-3)), math.log10(max(hi, 1e-3))
        return [lo - 0.12, hi + 0.18 + 0.15 * max(hi - lo, 0.5)]
    span = max(hi - lo, abs(hi) * 0.2, 1.0)
    return [min(0.0, lo - 0.05 * span), hi + 0.3 * span]


def _value(r: ClaimRow) -> str:
    unit = {"x": "×", "%": "%", "points": " pts"}.get(r.unit or "", "")
    word = {"higher": "↑", "lower": "↓", "within": "≤"}.get(r.direction or "", "")
    return f"{r.value:g}{unit} {r.metric or ''} {word}".strip()


def _hover(r: ClaimRow) -> str:
    direction = f" ({DIRECTION_WORDS.get(r.direction or '', r.direction or '')})" if r.direction and r.direction != "unstated" else ""
    sentence = "<br>".join(_esc(line) for line in textwrap.wrap(f"“{r.evidence or ''}”", 90))
    return (f"<b>{_esc(r.paper)}</b><br>{_esc(r.claim or '')}{_esc(direction)} vs {_esc(r.baseline)}"
            f"<br>{sentence}<br><i>{_esc(r.cited_at)}</i>")


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
 body{{margin:0;padding:12px 18px;font:13px/1.45 system-ui,sans-serif;color:#1a1a1a}}
 h1{{font-size:17px;margin:0 0 2px}} p.kg-summary{{margin:0 0 6px;color:#555}}
 table{{border-collapse:collapse;width:100%;margin-top:8px}} td,th{{border-top:1px solid #e3e3e3;padding:4px 6px;vertical-align:top;text-align:left}}
 th{{background:#f6f6f6}} tr.kg-hit{{background:#fff3b0}}
</style></head><body>
<h1>{title}</h1><p class="kg-summary">{summary}. Hover a point for its sentence; click it to find its row below.</p>
{plot}
<h2 style="font-size:15px">{heading}, with the sentence it was read from</h2>
<table id="kg-claims-table"><thead><tr><th></th><th>paper</th><th>baseline</th><th>claim</th><th>metric</th><th>evidence</th><th>source</th></tr></thead>
<tbody>
{table}
</tbody></table>
{script}
</body></html>
"""

_CLICK_SCRIPT = """<script>
(function () {
  var chart = document.getElementById('kg-claims-chart');
  if (!chart || !chart.on) return;
  chart.on('plotly_click', function (event) {
    var point = event.points && event.points[0];
    if (!point) return;
    document.querySelectorAll('tr.kg-hit').forEach(function (row) { row.classList.remove('kg-hit'); });
    var row = document.getElementById('claim-' + point.customdata[0]);
    if (row) { row.classList.add('kg-hit'); row.scrollIntoView({block: 'center'}); }
  });
})();
</script>"""
