"""From source files to one graph batch: the way in.

Owns: the source formats (:mod:`loaders.formats`: plain listings, arXiv JSON lines, BibTeX,
CSV, Hugging Face daily papers), reading files safely (:mod:`loaders.source_io`), the listing
entries (:mod:`loaders.listing`), the catalogue of systems, hardware and techniques
(:mod:`loaders.catalogue`), extraction from text (:mod:`loaders.extract` and its passes: names,
linking, cues, relations, claims, proposals; learned models in :mod:`loaders.learn`) and the load
pipeline that drives them and folds the result into a store's batch (:mod:`loaders.pipeline`).

May import: :mod:`graph.model`, :mod:`graph.lookup` and, in the pipeline only, the store's merge
and identity (:mod:`graph.store`); never the facade, the pictures or a face.
"""
