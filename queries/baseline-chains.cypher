// name: baseline-chains
// description: Chains of baselines ending at one system: Y was measured against X, which was measured against it (up to three steps).
// param: name: entity — the system at the end of the chains, any spelling
// param: limit: int = 25 (1..100000) — how many chains to list
WITH reduce(f = '', c IN split(replace(replace(toLower(coalesce($name, 'vLLM')), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
CALL db.index.fulltext.queryNodes('entity_lookup', f + CASE WHEN size(f) > 2 AND f ENDS WITH 's' THEN ' ' + left(f, size(f) - 1) ELSE '' END) YIELD node
WITH f, collect(node) AS hits
UNWIND CASE WHEN any(n IN hits WHERE f IN n.lookup) THEN [n IN hits WHERE f IN n.lookup] ELSE hits END AS root
MATCH (root) ((b)<-[:COMPARES_TO]-(p:Paper)-[:PROPOSES]->(x)){1,3} (last)
RETURN [n IN reverse(x) | n.name] + [root.name] AS chain, [q IN reverse(p) | q.title] AS papers, size(p) AS steps
ORDER BY steps DESC, chain ASC, papers ASC
LIMIT toInteger(coalesce($limit, 25))
