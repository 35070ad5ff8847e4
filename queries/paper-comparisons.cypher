// name: paper-comparisons
// description: What a paper compares against, with the numbers it states and the sentence that says so.
// param: title: str — part of the paper's title, any case
MATCH (p:Paper)-[r:COMPARES_TO]->(b)
WHERE toLower(p.title) CONTAINS toLower($title)
RETURN p.title AS paper, b.name AS baseline, coalesce(r.claims, []) AS claims,
       r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY paper ASC, baseline ASC
