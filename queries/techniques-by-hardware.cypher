// name: techniques-by-hardware
// description: Which technique families papers apply on which hardware classes, by number of papers (the hardware x technique matrix).
// param: limit: int = 20 (1..100000) — how many pairs to list
MATCH (p:Paper)-[:USES]->(t:Technique), (p)-[:TARGETS]->(h:Hardware {kind: 'class'})
RETURN t.name AS technique, h.name AS hardware, count(DISTINCT p) AS papers
ORDER BY papers DESC, technique ASC, hardware ASC
LIMIT toInteger(coalesce($limit, 20))
