// name: graph-stats
// description: How many nodes of each label and relationships of each type the graph holds.
// Each COUNT of one label or one type is read from Neo4j's count store, not by scanning.
UNWIND [
  ['node', 'Paper', COUNT { (:Paper) }], ['node', 'System', COUNT { (:System) }],
  ['node', 'Hardware', COUNT { (:Hardware) }], ['node', 'Technique', COUNT { (:Technique) }],
  ['node', 'Dataset', COUNT { (:Dataset) }],
  ['relationship', 'PROPOSES', COUNT { ()-[:PROPOSES]->() }], ['relationship', 'COMPARES_TO', COUNT { ()-[:COMPARES_TO]->() }],
  ['relationship', 'TARGETS', COUNT { ()-[:TARGETS]->() }], ['relationship', 'USES', COUNT { ()-[:USES]->() }],
  ['relationship', 'IS_A', COUNT { ()-[:IS_A]->() }], ['relationship', 'VARIANT_OF', COUNT { ()-[:VARIANT_OF]->() }]
] AS row
WITH row[0] AS kind, row[1] AS name, row[2] AS count
WHERE count > 0
RETURN kind, name, count
ORDER BY kind ASC, name ASC
