"""A local Neo4j Community server for development and CI, without Docker (``kg neo4j …``).

Owns: fetching the server from Maven Central (:mod:`~graph.neo4j_local.fetch`), its settings and
files (:mod:`~graph.neo4j_local.config`), its processes (:mod:`~graph.neo4j_local.process`),
starting and stopping it (:mod:`~graph.neo4j_local.server`), the bulk importer's CSV files
(:mod:`~graph.neo4j_local.admin_import`) and copying the embedded graph into it
(:mod:`~graph.neo4j_local.copy`).

May import: the stores (:mod:`graph.store`), :mod:`graph.config`, :mod:`graph.model`,
:mod:`graph.lookup`, :mod:`graph.outfile` and :mod:`queries.catalog`; never the facade or a face.
"""

from graph.neo4j_local.config import LocalNeo4jError
from graph.neo4j_local.server import LocalNeo4j

__all__ = ["LocalNeo4j", "LocalNeo4jError"]
