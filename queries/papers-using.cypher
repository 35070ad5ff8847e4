// name: papers-using
// description: Papers built on or about a system or technique (USES), with the citation.
// param: name: entity — a system or technique, any spelling (PyTorch, speculative decoding)
// param: variants: bool = true — include its variants
:params {name: 'speculative decoding', variants: true};
WITH reduce(f = '', c IN split(replace(replace(toLower($name), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
CALL db.index.fulltext.queryNodes('entity_lookup', f + CASE WHEN size(f) > 2 AND f ENDS WITH 's' THEN ' ' + left(f, size(f) - 1) ELSE '' END) YIELD node
WITH f, collect(node) AS hits
UNWIND CASE WHEN any(n IN hits WHERE f IN n.lookup) THEN [n IN hits WHERE f IN n.lookup] ELSE hits END AS b0
MATCH (b)-[:VARIANT_OF*0..3]->(b0) WHERE $variants OR b = b0
MATCH (p:Paper)-[r:USES]->(b)
RETURN DISTINCT p.title AS paper, b.name AS used, r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY paper ASC, used ASC
