// name: compared-together
// description: Pairs of baselines that papers compare against together most often.
// param: limit: int = 20 (1..100000) — how many pairs to list
MATCH (p:Paper)-[:COMPARES_TO]->(a), (p)-[:COMPARES_TO]->(b)
WHERE a.key < b.key
RETURN a.name AS first, b.name AS second, count(DISTINCT p) AS papers
ORDER BY papers DESC, first ASC, second ASC
LIMIT toInteger(coalesce($limit, 20))
