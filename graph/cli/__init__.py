"""``kg``, the command line: a thin face over :class:`graph.api.KnowledgeGraph`.

Owns: the commands (:mod:`graph.cli.commands`), ``kg neo4j …`` (:mod:`graph.cli.neo4j_commands`),
the interactive Cypher console (:mod:`graph.cli.console`) and how errors are worded
(:mod:`graph.cli.errors`).

May import: every layer below it (the facade :mod:`graph.api`, the pictures, the loaders, the
stores, the local Neo4j server, the model) and :mod:`graph.output`; never :mod:`graph.serve`'s
app except to run it (``kg serve``).
"""

from graph.cli.commands import main

__all__ = ["main"]
