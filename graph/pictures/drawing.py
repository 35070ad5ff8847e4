"""A :class:`graph.pictures.view.GraphView` as a static picture for a slide or a paper: PNG or SVG, drawn
offline with matplotlib (as ``kg chart`` draws its PNG), at the places the page uses.

Each node is a circle in its label's colour with its caption under it, broken between words
only; the centre of a neighbourhood has a dark ring and a bold caption; a "+N more" node is grey
and dashed. Each comparison carries its best claim on its arrow. A header says what is shown of
what exists and what was left out, and a legend names the colours. Every artist that stands for
a node or a relationship has an id (``caption:KEY``, ``focus:KEY``, ``edge:ID``), kept in the SVG.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

from graph.pictures.static import drawing, figure_bytes
from graph.pictures.style import CLAIM_FONT_PX, MORE, NODE_COLOURS, REL_COLOURS

if TYPE_CHECKING:
    from graph.pictures.shown import GraphView, ViewNode
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PX_PER_INCH = 96.0  # the page's pixels at their on-screen size
MAX_INCHES = 22.0  # a larger picture is drawn smaller
CAPTION_PX = 12.0
CAPTION_CHARS = 18  # a caption line's length before it breaks (between words only)
HEADER_INCHES = 0.9
MARGIN_PX = 24.0


def to_image(view: GraphView, fmt: str = "png") -> bytes:
    """The picture as PNG or SVG bytes."""
    return figure_bytes(figure(view), fmt)


def caption_lines(text: str) -> str:
    """A caption broken into lines between words, never inside one.

    >>> caption_lines("Taming Throughput-Latency Tradeoff in LLM Inference")
    'Taming\\nThroughput-Latency\\nTradeoff in LLM\\nInference'
    """
    return "\n".join(textwrap.wrap(text, CAPTION_CHARS, break_long_words=False, break_on_hyphens=False)) or text


def figure(view: GraphView) -> Figure:
    """The matplotlib figure of ``view``."""
    from matplotlib.figure import Figure

    with drawing():
        x0, y0, x1, y1 = _bounds(view.nodes)
        scale = min(1.0, MAX_INCHES * PX_PER_INCH / max(x1 - x0, y1 - y0, 1.0))  # inches per page pixel, relative
        width, height = (x1 - x0) * scale / PX_PER_INCH, (y1 - y0) * scale / PX_PER_INCH
        fig = Figure(figsize=(max(width, 6.0), height + HEADER_INCHES))
        ax = fig.add_axes((0.0, 0.0, 1.0, height / (height + HEADER_INCHES)))
        ax.set_axis_off()
        pad = max(0.0, (max(width, 6.0) - width) * PX_PER_INCH / scale / 2)
        ax.set_xlim(x0 - pad, x1 + pad)
        ax.set_ylim(y1, y0)  # y grows downwards, as on the page
        points = 72.0 / PX_PER_INCH * scale  # font points per page pixel
        _edges(ax, view, points)
        _nodes(ax, view, points)
        _header(fig, view)
    return fig


def _bounds(nodes: list[ViewNode]) -> tuple[float, float, float, float]:
    below = CAPTION_PX * 3.6  # room for a caption of three lines under a node
    x0 = min((n.x - n.size - 60 for n in nodes), default=0.0) - MARGIN_PX
    x1 = max((n.x + n.size + 60 for n in nodes), default=0.0) + MARGIN_PX
    y0 = min((n.y - n.size for n in nodes), default=0.0) - MARGIN_PX
    y1 = max((n.y + n.size + below for n in nodes), default=0.0) + MARGIN_PX
    return x0, y0, x1, y1


def _edges(ax: Axes, view: GraphView, points: float) -> None:
    from matplotlib.patches import FancyArrowPatch

    at = {n.key: n for n in view.nodes}
    for r in view.relationships:
        a, b = at[r.start], at[r.end]
        arrow = FancyArrowPatch((a.x, a.y), (b.x, b.y), arrowstyle="-|>", mutation_scale=9, color=r.colour,
                                lw=1.1, shrinkA=a.size * points + 1, shrinkB=b.size * points + 2, zorder=1)
        ax.add_patch(arrow)
        if r.type != "COMPARES_TO":
            continue
        length = math.hypot(b.x - a.x, b.y - a.y) or 1.0
        ux, uy = (b.x - a.x) / length, (b.y - a.y) / length
        middle = ((a.x + a.size * ux + b.x - b.size * ux) / 2, (a.y + a.size * uy + b.y - b.size * uy) / 2)  # of the visible arrow
        angle = math.degrees(math.atan2(-uy, ux))  # matplotlib turns text counter-clockwise, with y up on screen
        if not -90 <= angle <= 90:
            angle += 180  # never upside down
        ax.text(*middle, r.caption, rotation=angle, rotation_mode="anchor", ha="center", va="center",
                fontsize=CLAIM_FONT_PX * points, color="#8c1d1f", zorder=4, gid=f"edge:{r.id}",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})


def _nodes(ax: Axes, view: GraphView, points: float) -> None:
    from matplotlib import patheffects
    from matplotlib.patches import Circle

    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    for n in view.nodes:
        more = n.label == MORE
        ax.add_patch(Circle((n.x, n.y), n.size, fc=n.colour, ec="#6b6b6b" if more else "white", lw=1.5,
                            ls="--" if more else "-", zorder=2, gid=f"node:{n.key}"))
        focus = n.key == view.focus
        if focus:
            ax.add_patch(Circle((n.x, n.y), n.size + 5, fill=False, ec="#1a1a1a", lw=2.5, zorder=2, gid=f"focus:{n.key}"))
        ax.text(n.x, n.y + n.size + (8 if focus else 3), caption_lines(n.caption), ha="center", va="top",
                fontsize=(CAPTION_PX + (1 if focus else 0)) * points, fontweight="bold" if focus else "normal",
                color="#1a1a1a", linespacing=1.1, zorder=5, path_effects=halo, gid=f"caption:{n.key}")


def _header(fig: Figure, view: GraphView) -> None:
    from matplotlib.lines import Line2D

    counts = view.counts[0].upper() + view.counts[1:]
    top = 1 - 0.12 / fig.get_figheight()
    fig.text(0.01, top, f"{view.title} — {counts}", ha="left", va="top", fontsize=11, fontweight="bold")
    note = textwrap.shorten(view.note, width=int(fig.get_figwidth() * 15), placeholder=" …") if view.note else ""
    fig.text(0.01, top - 0.24 / fig.get_figheight(), note, ha="left", va="top", fontsize=8, color="#444444")
    labels = list(dict.fromkeys(n.label for n in view.nodes))
    types = list(dict.fromkeys(r.type for r in view.relationships))
    handles = [Line2D([], [], marker="o", ls="", ms=8, color=NODE_COLOURS.get(label, "#bab0ac"), label=label) for label in labels]
    handles += [Line2D([], [], color=REL_COLOURS.get(t, "#888888"), lw=2, label=t) for t in types]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.01, top - 0.45 / fig.get_figheight()),
               ncol=len(handles), fontsize=8, frameon=False, handletextpad=0.4, columnspacing=1.2)
