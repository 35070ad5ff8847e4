// name: paper
// description: Everything a paper proposes, compares against, targets and uses, each with its citation.
// param: title: paper — part of the paper's title, any case or punctuation
WITH reduce(f = '', c IN split(replace(replace(toLower(coalesce($title, 'Seesaw')), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
MATCH (p:Paper) WHERE p.fold CONTAINS f
MATCH (p)-[r]->(x)
RETURN p.title AS paper, type(r) AS relation, x.name AS name, labels(x)[0] AS label,
       coalesce(r.claims, []) AS claims, r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY paper ASC, relation ASC, name ASC
