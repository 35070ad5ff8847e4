// name: most-compared
// description: The baselines the field compares against most often, with the number of papers.
// param: limit: int = 10 (1..100000) — how many baselines to list
:params {limit: 10};
MATCH (p:Paper)-[:COMPARES_TO]->(b)
RETURN b.name AS baseline, labels(b)[0] AS label, count(DISTINCT p) AS papers
ORDER BY papers DESC, baseline ASC
LIMIT $limit
