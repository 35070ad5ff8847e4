// name: systems-for-hardware
// description: What papers that target a hardware class or product propose (a class includes its products).
// param: hardware: hardware — a class (GPU, FPGA, TPU) or a product (A100), any spelling
// param: limit: int = 100 (1..1000000) — how many rows at most, by paper title
WITH reduce(f = '', c IN split(replace(replace(toLower(coalesce($hardware, 'FPGA')), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
CALL db.index.fulltext.queryNodes('entity_lookup', f + CASE WHEN size(f) > 2 AND f ENDS WITH 's' THEN ' ' + left(f, size(f) - 1) ELSE '' END) YIELD node
WITH f, collect(node) AS hits
UNWIND CASE WHEN any(n IN hits WHERE f IN n.lookup) THEN [n IN hits WHERE f IN n.lookup] ELSE hits END AS h0
MATCH (h:Hardware)-[:IS_A*0..1]->(h0:Hardware)
WITH collect(DISTINCT h) AS hs
// A hub (GPU may hold most papers) is read in title order from the index on Paper.title until
// $limit rows are found, and anything smaller is read from its own relationships, then sorted.
// The degree store counts the rows either way would read. Only one branch returns rows.
WITH hs, reduce(n = 0, h IN hs | n + COUNT { (h)<-[:TARGETS]-() }) ^ 2 > coalesce($limit, 100) * COUNT { (:Paper) } AS hub
CALL (hs, hub) {
  UNWIND CASE WHEN hub THEN [] ELSE hs END AS h
  MATCH (p:Paper)-[:TARGETS]->(h)
  MATCH (p)-[:PROPOSES]->(s)
  RETURN DISTINCT p.title AS paper, s.name AS proposed, h.name AS hardware
  ORDER BY paper ASC, proposed ASC, hardware ASC LIMIT toInteger(coalesce($limit, 100))
  UNION ALL
  // null when not a hub: the index then gives no rows
  WITH hs, CASE WHEN hub THEN '' END AS first
  MATCH (p:Paper) USING INDEX SEEK p:Paper(title) WHERE p.title >= first
  MATCH (p)-[:TARGETS]->(h) WHERE h IN hs
  // a subquery per paper keeps the title order
  UNWIND COLLECT { MATCH (p)-[:PROPOSES]->(s) RETURN s.name } AS proposed
  RETURN DISTINCT p.title AS paper, proposed, h.name AS hardware
  ORDER BY paper ASC, proposed ASC, hardware ASC LIMIT toInteger(coalesce($limit, 100))
}
RETURN paper, proposed, hardware
ORDER BY paper ASC, proposed ASC, hardware ASC
