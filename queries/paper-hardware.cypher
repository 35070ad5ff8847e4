// name: paper-hardware
// description: The hardware a paper runs on, is evaluated on or is designed for, with the citation.
// param: title: paper — part of the paper's title, any case or punctuation
WITH reduce(f = '', c IN split(replace(replace(toLower(coalesce($title, 'ParaFold')), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
MATCH (p:Paper) WHERE p.fold CONTAINS f
MATCH (p)-[r:TARGETS]->(h:Hardware)
RETURN p.title AS paper, h.name AS hardware, h.kind AS kind, r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY paper ASC, hardware ASC
