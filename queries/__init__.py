"""The canned queries: one ``.cypher`` file each, their catalogue, their embedded twins, and the
typed helpers.

Owns: the catalogue (:mod:`queries.catalog`: each file's name, description and typed
parameters), the embedded store's Python twin of each Cypher (:mod:`queries.embedded`, part of
the embedded backend: it may import :mod:`graph.store`'s SQLite pieces, and the parity tests hold
it to the Cypher's rows), and the helpers (:mod:`queries.helpers`, a face over
:class:`graph.api.KnowledgeGraph`).

The catalogue imports nothing of the project; the twins sit with the stores; the helpers sit
with the faces.
"""
