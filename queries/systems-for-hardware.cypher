// name: systems-for-hardware
// description: Systems and methods proposed by papers that target a hardware class or product.
// param: hardware: str — a class (GPU, FPGA, TPU) or a product (A100)
MATCH (p:Paper)-[:TARGETS]->(h:Hardware), (p)-[:PROPOSES]->(s)
WHERE toLower(h.name) = toLower($hardware) OR any(a IN coalesce(h.aliases, []) WHERE toLower(a) = toLower($hardware))
RETURN DISTINCT s.name AS proposed, p.title AS paper, h.name AS hardware
ORDER BY proposed ASC, paper ASC, hardware ASC
