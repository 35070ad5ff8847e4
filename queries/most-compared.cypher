// name: most-compared
// description: The baselines the field compares against most often, with the number of papers.
// param: limit: int = 10 — how many baselines to list
MATCH (p:Paper)-[:COMPARES_TO]->(b)
RETURN b.name AS baseline, labels(b)[0] AS label, count(DISTINCT p) AS papers
ORDER BY papers DESC, baseline ASC
LIMIT $limit
