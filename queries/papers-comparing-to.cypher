// name: papers-comparing-to
// description: Papers that compare against a system, model or technique, by how much, with the citation.
// param: name: str — the baseline's name or alias, e.g. vLLM
MATCH (p:Paper)-[r:COMPARES_TO]->(b)
WHERE toLower(b.name) = toLower($name) OR any(a IN coalesce(b.aliases, []) WHERE toLower(a) = toLower($name))
RETURN p.title AS paper, b.name AS baseline, coalesce(r.claims, []) AS claims,
       r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY paper ASC, baseline ASC
