"""Pictures of the graph: what a picture shows, where its nodes go, and how it is drawn.

Owns: the views (:mod:`~graph.pictures.view`: a node's neighbourhood or an overview, read
ring by ring through :mod:`~graph.pictures.graph_part`, hubs folded by
:mod:`~graph.pictures.fold`), what a view holds (:mod:`~graph.pictures.shown`), captions and
colours (:mod:`~graph.pictures.captions`, :mod:`~graph.pictures.style`), the layout
(:mod:`~graph.pictures.layout`, :mod:`~graph.pictures.picture`), the offline page
(:mod:`~graph.pictures.viz`, neo4j-viz), static PNG/SVG (:mod:`~graph.pictures.drawing`,
:mod:`~graph.pictures.static`) and the claims chart (:mod:`~graph.pictures.chart`).

May import: the stores' read protocol (:mod:`graph.store`), :mod:`graph.model`,
:mod:`graph.lookup`, :mod:`graph.claims`, :mod:`graph.outfile`, :mod:`graph.optional` and
:mod:`queries.catalog`; never the facade or a face. Renderers import what a view holds, never
the views that build it.
"""
