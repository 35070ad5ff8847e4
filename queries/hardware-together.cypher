// name: hardware-together
// description: Hardware that papers target together most often (a product and its own class, or an architecture or a server and the class of its devices, are not a pair).
// param: limit: int = 20 (1..100000) — how many pairs to list
MATCH (p:Paper)-[:TARGETS]->(a:Hardware), (p)-[:TARGETS]->(b:Hardware)
WHERE a.key < b.key AND NOT (a)-[:IS_A]-(b)
  // Hopper and GPU, DGX H100 and GPU: the class is implied by the other, as a product's is
  AND NOT coalesce(a.devices = b.name OR b.devices = a.name, false)
RETURN a.name AS first, b.name AS second, count(DISTINCT p) AS papers
ORDER BY papers DESC, first ASC, second ASC
LIMIT toInteger(coalesce($limit, 20))
