"""How the command line words the errors the library raises with their parts: a parameter is
given as ``-p KEY=VALUE``, writing is allowed with ``--write``. Every other error is its message."""

from __future__ import annotations

from graph.store.cypher import WriteRefused
from queries.catalog import MissingParameter


def cli_message(exc: Exception) -> str:
    """
    >>> from queries.catalog import get_query
    >>> cli_message(MissingParameter("papers-targeting", get_query("papers-targeting").parameters[0])).split(" (")[0]
    "query 'papers-targeting' needs -p hardware=…"
    >>> cli_message(WriteRefused("writes"))
    'refused: this statement writes; kg cypher only reads unless you add --write'
    """
    if isinstance(exc, MissingParameter):
        return exc.needs(f"-p {exc.declared.name}=…")
    if isinstance(exc, WriteRefused):
        return exc.refused("kg cypher only reads unless you add --write")
    return str(exc)
