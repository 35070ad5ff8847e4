"""Parts of kg that come from an optional extra, and the one-line error when one is missing.

neo4j-viz, which draws the graph page of ``kg viz`` and ``/neighbourhood/NAME``, is GPL-3.0-only;
kg is Apache-2.0, so neo4j-viz is the ``viz`` extra (``make install`` and ``make demo`` add it).
Everything else, the PNG and SVG pictures included, works without it.

>>> neo4j_viz().__name__
'neo4j_viz'
"""

from __future__ import annotations

import importlib
from types import ModuleType

from queries.catalog import QueryError

INSTALL_VIZ = "pip install 'mlsys-kg[viz]'"


class MissingExtra(QueryError):
    """An optional part of kg is not installed; the message says how to add it."""


def neo4j_viz(submodule: str = "") -> ModuleType:
    """``neo4j_viz`` (or one of its submodules), or :class:`MissingExtra` saying how to install it."""
    try:
        return importlib.import_module("neo4j_viz" + (f".{submodule}" if submodule else ""))
    except ImportError:
        raise MissingExtra(f"the graph page is drawn by neo4j-viz, an optional part of kg (GPL-3.0): {INSTALL_VIZ} "
                           "(make install adds it); --png and --svg draw pictures without it") from None
