// name: systems-for-hardware
// description: What papers that target a hardware class or product propose (a class includes its products).
// param: hardware: hardware — a class (GPU, FPGA, TPU) or a product (A100), any spelling
:params {hardware: 'FPGA'};
WITH reduce(f = '', c IN split(replace(replace(toLower($hardware), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
CALL db.index.fulltext.queryNodes('entity_lookup', f + CASE WHEN size(f) > 2 AND f ENDS WITH 's' THEN ' ' + left(f, size(f) - 1) ELSE '' END) YIELD node
WITH f, collect(node) AS hits
UNWIND CASE WHEN any(n IN hits WHERE f IN n.lookup) THEN [n IN hits WHERE f IN n.lookup] ELSE hits END AS h0
MATCH (h:Hardware)-[:IS_A*0..1]->(h0:Hardware)
MATCH (p:Paper)-[:TARGETS]->(h)
MATCH (p)-[:PROPOSES]->(s)
RETURN DISTINCT s.name AS proposed, p.title AS paper, h.name AS hardware
ORDER BY proposed ASC, paper ASC, hardware ASC
