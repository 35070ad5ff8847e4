// name: paper-comparisons
// description: What a paper compares against, with the numbers it states and the sentence that says so.
// param: title: paper — part of the paper's title, any case or punctuation
WITH reduce(f = '', c IN split(replace(replace(toLower(coalesce($title, 'Seesaw')), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
MATCH (p:Paper) WHERE p.fold CONTAINS f
MATCH (p)-[r:COMPARES_TO]->(b)
RETURN p.title AS paper, b.name AS baseline, coalesce(r.claims, []) AS claims,
       r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY paper ASC, baseline ASC
