"""How pictures look wherever they are drawn: the colours of labels and relationship types, the
"+N more" node, and the sizes of the writing on relationships.

>>> NODE_COLOURS["System"], edge_font("COMPARES_TO") > edge_font("USES")
('#f28e2b', True)
"""

from __future__ import annotations

NODE_COLOURS = {"Paper": "#4e79a7", "System": "#f28e2b", "Hardware": "#59a14f", "Technique": "#b07aa1", "Dataset": "#9c755f"}
REL_COLOURS = {"PROPOSES": "#f28e2b", "COMPARES_TO": "#e15759", "TARGETS": "#59a14f", "USES": "#b07aa1",
               "IS_A": "#9d9d9d", "VARIANT_OF": "#9d9d9d"}
MORE = "More"  # the label of a "+N more" node, which stands for the nodes a hub's fold holds
MORE_COLOUR = "#bab0ac"
CLAIM_FONT_PX = 12.0  # a comparison's claim, written on its relationship
TYPE_FONT_PX = 6.0  # any other relationship's type: the renderer's size at caption_size 1
OVERVIEW_TITLE = "ML-systems knowledge graph: overview"


def edge_font(rel_type: str) -> float:
    return CLAIM_FONT_PX if rel_type == "COMPARES_TO" else TYPE_FONT_PX
