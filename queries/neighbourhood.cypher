// name: neighbourhood
// description: The relationships around one system, hardware or technique, up to two steps away, nearest first.
// param: name: entity — the node's name or alias, any spelling
// param: depth: int = 1 (1..2) — 1 or 2 steps
// param: limit: int = 100 (1..100000) — how many relationships at most
WITH reduce(f = '', c IN split(replace(replace(toLower(coalesce($name, 'vLLM')), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
CALL db.index.fulltext.queryNodes('entity_lookup', f + CASE WHEN size(f) > 2 AND f ENDS WITH 's' THEN ' ' + left(f, size(f) - 1) ELSE '' END) YIELD node
WITH f, collect(node) AS hits
UNWIND CASE WHEN any(n IN hits WHERE f IN n.lookup) THEN [n IN hits WHERE f IN n.lookup] ELSE hits END AS n0
// one step, and a second step only when asked (an expansion of both, filtered after, reads a hub's every 2-step path)
CALL (n0) {
  MATCH (n0)-[r]-()
  RETURN r, 1 AS d
  UNION
  WITH n0 WHERE coalesce($depth, 1) >= 2
  MATCH (n0)-[]-()-[r]-()
  RETURN r, 2 AS d
}
WITH r, min(d) AS distance
RETURN distance, coalesce(startNode(r).name, startNode(r).title) AS start, type(r) AS type,
       coalesce(endNode(r).name, endNode(r).title) AS end, r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY distance ASC, type ASC, start ASC, end ASC, source ASC, line ASC
LIMIT toInteger(coalesce($limit, 100))
