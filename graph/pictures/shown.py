"""What a picture holds once chosen and laid out: its nodes and relationships as drawn, the folds
of "+N more" nodes, and the counts of what is shown of what exists (:class:`GraphView`).

Its renderers (:mod:`graph.pictures.viz`, :mod:`graph.pictures.drawing`) are imported when a
view is rendered, so they may name these classes without importing them back.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from graph.pictures.captions import short_name
from graph.pictures.style import MORE, OVERVIEW_TITLE


class ViewNode(BaseModel):
    """A node as drawn: caption, colour, radius, position, and what its details panel lists."""

    key: str
    label: str
    name: str  # the full name or title
    caption: str  # what is written under the node (a paper's short name)
    colour: str
    size: float  # radius in pixels, by degree
    degree: int  # relationships in the whole graph
    distance: int | None = None  # steps from the focus of a neighbourhood view
    x: float = 0.0
    y: float = 0.0
    properties: dict[str, str]

    def __repr__(self) -> str:
        where = "" if self.distance is None else f" distance {self.distance}"
        return f"<ViewNode {self.label} {self.caption!r}{where}>"

    __str__ = __repr__


class ViewRelationship(BaseModel):
    """A relationship as drawn: its caption (a comparison's best claim, else its type), its citation
    and claims in the details panel."""

    id: str
    type: str
    start: str
    end: str
    colour: str
    caption: str = ""
    properties: dict[str, str]

    def __repr__(self) -> str:
        label = self.type if self.caption in ("", self.type) else f"{self.type} {self.caption}"
        ends = [short_name(self.properties.get(end) or key, paper=True, width=30)
                for end, key in (("from", self.start), ("to", self.end))]
        return f"<ViewRelationship {ends[0]!r} -[{label}]-> {ends[1]!r}>"

    __str__ = __repr__


class Fold(BaseModel):
    """The nodes a "+N more" node (``key``) stands for beside its ``hub``, placed where they appear
    when the page shows them, with their relationships to the drawn nodes and to one another."""

    key: str
    hub: str
    nodes: list[ViewNode]
    relationships: list[ViewRelationship]

    def __repr__(self) -> str:
        return f"<Fold {len(self.nodes)} nodes beside {self.hub}>"

    __str__ = __repr__


class GraphView(BaseModel):
    """A picture of part of the graph, with the counts of what is shown of what exists.

    ``_repr_html_`` draws it inline in Jupyter; :meth:`to_html` is the self-contained page,
    :meth:`to_image` a static PNG or SVG, and :meth:`save` writes either by the file's suffix."""

    title: str
    focus: str | None = None
    depth: int | None = None  # of a neighbourhood
    nodes: list[ViewNode]
    relationships: list[ViewRelationship]
    folds: list[Fold] = []  # what each "+N more" node stands for
    total_nodes: int  # in the whole graph (as `kg stats` counts them)
    total_relationships: int
    note: str = ""  # what was left out, and why

    @property
    def counts(self) -> str:
        more = {n.key for n in self.nodes if n.label == MORE}
        nodes = sum(n.key not in more for n in self.nodes)
        rels = sum(r.start not in more and r.end not in more for r in self.relationships)
        return f"showing {nodes} of {self.total_nodes} nodes and {rels} of {self.total_relationships} relationships"

    def __repr__(self) -> str:
        focus = next((n for n in self.nodes if n.key == self.focus), None)
        subject = (f"{focus.name} depth {self.depth}" if focus else "overview" if self.title == OVERVIEW_TITLE
                   else repr(self.title))
        return f"<GraphView {subject}: {len(self.nodes)} nodes, {len(self.relationships)} edges>"

    __str__ = __repr__

    def to_html(self) -> str:
        """The page: everything inlined (JavaScript, styles, fonts), nothing loaded from the network."""
        from graph.pictures.viz import render_page

        return render_page(self)

    def to_image(self, fmt: str = "png") -> bytes:
        """The picture as PNG or SVG bytes, drawn offline (matplotlib)."""
        from graph.pictures.drawing import to_image

        return to_image(self, fmt)

    def _repr_html_(self) -> str:
        from graph.pictures.viz import render_inline

        return render_inline(self)

    def save(self, path: str | Path, protect: Iterable[Path] = ()) -> Path:
        """Write the picture atomically: ``.html`` (interactive), ``.png`` or ``.svg`` (static);
        never inside a ``protect`` directory."""
        from graph.pictures.static import save_by_suffix

        return save_by_suffix(Path(path), "picture", self.to_html, self.to_image, protect=protect)
