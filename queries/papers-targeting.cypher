// name: papers-targeting
// description: Papers that run on, are evaluated on or are designed for a hardware product or class.
// param: hardware: str — a product (A100, TPU v4) or a class (GPU, FPGA)
MATCH (p:Paper)-[r:TARGETS]->(h:Hardware)
WHERE toLower(h.name) = toLower($hardware) OR any(a IN coalesce(h.aliases, []) WHERE toLower(a) = toLower($hardware))
RETURN p.title AS paper, h.name AS hardware, r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY paper ASC, hardware ASC
