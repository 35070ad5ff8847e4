// name: leaderboard
// description: Every paper measured against one baseline, with its best stated factor per metric and the sentence that says so.
// param: name: entity — the baseline, any spelling (vLLM, Flash-Attention 2)
// param: metric: str = any — only this metric (throughput, latency, memory, energy, accuracy, cost, speed, other)
// param: variants: bool = true — count its variants too (FlashAttention-2 and -3 for FlashAttention)
// param: limit: int = 100 (1..1000000) — how many rows at most
WITH reduce(f = '', c IN split(replace(replace(toLower(coalesce($name, 'vLLM')), '+', 'plus'), '#', 'sharp'), '') | f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END) AS f
CALL db.index.fulltext.queryNodes('entity_lookup', f + CASE WHEN size(f) > 2 AND f ENDS WITH 's' THEN ' ' + left(f, size(f) - 1) ELSE '' END) YIELD node
WITH f, collect(node) AS hits
UNWIND CASE WHEN any(n IN hits WHERE f IN n.lookup) THEN [n IN hits WHERE f IN n.lookup] ELSE hits END AS b0
MATCH (b)-[:VARIANT_OF*0..3]->(b0) WHERE coalesce($variants, true) OR b = b0
MATCH (p:Paper)-[r:COMPARES_TO]->(b)
UNWIND range(0, size(coalesce(r.claims, [])) - 1) AS i
WITH p, b, r, r.claim_metrics[i] AS metric, r.claim_units[i] AS unit, r.claim_values[i] AS value, r.claims[i] AS claim,
     coalesce(r.claim_bounds[i], 'unstated') AS bound, coalesce(r.claim_hardware[i], 'unstated') AS hardware
WHERE coalesce($metric, 'any') = 'any' OR metric = coalesce($metric, 'any')
WITH p, b, r, metric, unit, value, claim, bound, hardware ORDER BY value DESC, claim ASC
WITH p, b, r, metric, unit, collect([claim, bound, hardware])[0] AS top, max(value) AS best
RETURN metric, unit, best, top[1] AS bound, top[2] AS measured_on, p.title AS paper, b.name AS baseline, top[0] AS claim,
       r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY metric ASC, unit ASC, best DESC, paper ASC, baseline ASC
LIMIT toInteger(coalesce($limit, 100))
