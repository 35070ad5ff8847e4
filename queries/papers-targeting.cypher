// name: papers-targeting
// description: Papers that run on, are evaluated on or are designed for a hardware product or class (a class includes its products).
// param: hardware: hardware — a product (A100, TPU v4) or a class (GPU, FPGA), any spelling
:params {hardware: 'TPU'};
WITH reduce(f = '', c IN split(replace(replace(toLower($hardware), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
CALL db.index.fulltext.queryNodes('entity_lookup', f + CASE WHEN size(f) > 2 AND f ENDS WITH 's' THEN ' ' + left(f, size(f) - 1) ELSE '' END) YIELD node
WITH f, collect(node) AS hits
UNWIND CASE WHEN any(n IN hits WHERE f IN n.lookup) THEN [n IN hits WHERE f IN n.lookup] ELSE hits END AS h0
MATCH (h:Hardware)-[:IS_A*0..1]->(h0:Hardware)
MATCH (p:Paper)-[r:TARGETS]->(h)
RETURN DISTINCT p.title AS paper, h.name AS hardware, r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY paper ASC, hardware ASC
