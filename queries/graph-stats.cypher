// name: graph-stats
// description: How many nodes of each label and relationships of each type the graph holds.
:params {};
CALL () {
  MATCH (n) WHERE n.key IS NOT NULL RETURN 'node' AS kind, labels(n)[0] AS name, count(*) AS count
  UNION ALL
  MATCH ()-[r]->() RETURN 'relationship' AS kind, type(r) AS name, count(*) AS count
}
RETURN kind, name, count
ORDER BY kind ASC, name ASC
