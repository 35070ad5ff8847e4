// name: proposed-then-baseline
// description: Systems one paper proposes and other papers then measure themselves against.
// param: limit: int = 20 (1..100000) — how many systems to list
MATCH (a:Paper)-[:PROPOSES]->(s)<-[:COMPARES_TO]-(b:Paper)
WHERE a <> b
WITH DISTINCT s
WITH s,
     COLLECT { MATCH (a:Paper)-[:PROPOSES]->(s)<-[:COMPARES_TO]-(b:Paper) WHERE a <> b RETURN DISTINCT a.title AS t ORDER BY t } AS proposed_by,
     COLLECT { MATCH (a:Paper)-[:PROPOSES]->(s)<-[:COMPARES_TO]-(b:Paper) WHERE a <> b RETURN DISTINCT b.title AS t ORDER BY t } AS compared_by
RETURN s.name AS system, labels(s)[0] AS label, size(compared_by) AS baseline_in, proposed_by, compared_by
ORDER BY baseline_in DESC, system ASC
LIMIT toInteger(coalesce($limit, 20))
