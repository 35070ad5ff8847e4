// name: beats-proposed-by
// description: Papers that measure themselves against what one paper proposes (paper -COMPARES_TO-> system <-PROPOSES- paper), with their numbers: "who beat the system paper X introduced?"
// param: title: paper — part of the proposing paper's title, any case or punctuation
WITH reduce(f = '', c IN split(replace(replace(toLower(coalesce($title, 'Efficient Memory Management for Large Language Model Serving')), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
MATCH (a:Paper) WHERE a.fold CONTAINS f
MATCH (a)-[:PROPOSES]->(s)<-[r:COMPARES_TO]-(b:Paper)
WHERE a <> b
RETURN a.title AS proposed_by, s.name AS system, b.title AS paper, coalesce(r.claims, []) AS claims,
       r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY proposed_by ASC, system ASC, paper ASC
