"""mlsys-kg: a citation-style knowledge graph of ML-systems research.

Data flows one way: source files are read and extracted by :mod:`loaders` (formats → listing →
extraction → :mod:`loaders.pipeline`), merged into a store (:mod:`graph.store`), and read back
through the facade (:mod:`graph.api`) by the faces: the ``kg`` command line (:mod:`graph.cli`),
the service (:mod:`graph.serve`) and the typed helpers (:mod:`queries.helpers`).

This package owns the domain model (:mod:`graph.model`), how names are folded and looked up
(:mod:`graph.lookup`), the :class:`~graph.api.KnowledgeGraph` facade and what it returns
(:mod:`graph.claims`, :mod:`graph.rows`, :mod:`graph.export`), settings (:mod:`graph.config`),
and the small shared pieces every face uses (:mod:`graph.output`, :mod:`graph.outfile`,
:mod:`graph.optional`). Its subpackages each hold one job: :mod:`graph.store`,
:mod:`graph.pictures`, :mod:`graph.neo4j_local`, :mod:`graph.cli`, :mod:`graph.serve`.

Imports go one way, checked by ``tests/test_layout.py``: the faces → the facade → the pictures
and :mod:`loaders` → :mod:`graph.store` → the model, with no cycle anywhere.

>>> from graph.api import KnowledgeGraph
>>> from graph.config import Settings
>>> Settings().backend
'embedded'
"""
