// name: most-compared
// description: The baselines the field compares against most often, with the number of papers.
// param: limit: int = 10 (1..100000) — how many baselines to list
// Only papers compare, once per baseline: the number of papers is the baseline's count of
// incoming COMPARES_TO, which Neo4j reads from its degree store instead of walking them.
CALL () {
  MATCH (b:System) RETURN b
  UNION ALL MATCH (b:Technique) RETURN b
  UNION ALL MATCH (b:Hardware) RETURN b
  UNION ALL MATCH (b:Dataset) RETURN b
}
WITH b, COUNT { (b)<-[:COMPARES_TO]-() } AS papers
WHERE papers > 0
RETURN b.name AS baseline, labels(b)[0] AS label, papers
ORDER BY papers DESC, baseline ASC
LIMIT toInteger(coalesce($limit, 10))
