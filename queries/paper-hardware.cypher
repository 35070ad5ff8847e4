// name: paper-hardware
// description: The hardware a paper runs on, is evaluated on or is designed for, with the citation.
// param: title: str — part of the paper's title, any case
MATCH (p:Paper)-[r:TARGETS]->(h:Hardware)
WHERE toLower(p.title) CONTAINS toLower($title)
RETURN p.title AS paper, h.name AS hardware, h.kind AS kind, r.evidence AS evidence, r.source AS source, r.line AS line
ORDER BY paper ASC, hardware ASC
