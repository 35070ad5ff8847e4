// name: papers-using
// description: Papers built on or about a system or technique (USES), with the citation.
// param: name: entity — a system or technique, any spelling (PyTorch, speculative decoding)
// param: variants: bool = true — include its variants
// param: limit: int = 100 (1..1000000) — how many rows at most, by paper title
WITH reduce(f = '', c IN split(replace(replace(toLower(coalesce($name, 'speculative decoding')), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
CALL db.index.fulltext.queryNodes('entity_lookup', f + CASE WHEN size(f) > 2 AND f ENDS WITH 's' THEN ' ' + left(f, size(f) - 1) ELSE '' END) YIELD node
WITH f, collect(node) AS hits
UNWIND CASE WHEN any(n IN hits WHERE f IN n.lookup) THEN [n IN hits WHERE f IN n.lookup] ELSE hits END AS b0
MATCH (b)-[:VARIANT_OF*0..3]->(b0) WHERE coalesce($variants, true) OR b = b0
WITH collect(DISTINCT b) AS bs
// A hub (PyTorch may have thousands of papers) is read in title order from the index on
// Paper.title until $limit rows are found, and anything smaller is read from its own
// relationships, then sorted.
// The degree store counts the rows either way would read. Only one branch returns rows.
WITH bs, reduce(n = 0, b IN bs | n + COUNT { (b)<-[:USES]-() }) ^ 2 > coalesce($limit, 100) * COUNT { (:Paper) } AS hub
CALL (bs, hub) {
  UNWIND CASE WHEN hub THEN [] ELSE bs END AS b
  MATCH (p:Paper)-[r:USES]->(b)
  RETURN DISTINCT p.title AS paper, b.name AS used, r.evidence AS evidence, r.source AS source, r.line AS line
  ORDER BY paper ASC, used ASC LIMIT toInteger(coalesce($limit, 100))
  UNION ALL
  // null when not a hub: the index then gives no rows
  WITH bs, CASE WHEN hub THEN '' END AS first
  MATCH (p:Paper) USING INDEX SEEK p:Paper(title) WHERE p.title >= first
  MATCH (p)-[r:USES]->(b) WHERE b IN bs
  RETURN DISTINCT p.title AS paper, b.name AS used, r.evidence AS evidence, r.source AS source, r.line AS line
  ORDER BY paper ASC, used ASC LIMIT toInteger(coalesce($limit, 100))
}
RETURN paper, used, evidence, source, line
ORDER BY paper ASC, used ASC
