// name: curation-queue
// description: Names the extractor discovered that the catalogue does not know yet, most cited first: candidates to add to loaders/catalogue.
// param: limit: int = 25 (1..100000) — how many names to list
MATCH (p:Paper)-[r]->(n)
WHERE n.catalogued = false
WITH n, p, r ORDER BY p.title ASC, type(r) ASC
WITH n, count(DISTINCT p) AS papers, collect(type(r)) AS types, collect(p.title)[0] AS example, collect(r.evidence)[0] AS evidence
RETURN n.name AS name, labels(n)[0] AS label, n.kind AS kind, papers,
       [t IN ['COMPARES_TO', 'PROPOSES', 'TARGETS', 'USES'] WHERE t IN types] AS relations, example, evidence
ORDER BY papers DESC, name ASC
LIMIT toInteger(coalesce($limit, 25))
