// name: search
// description: Papers, systems, hardware and techniques whose title, abstract, name or aliases contain every word, best matches first.
// param: q: words — words to look for, any case (e.g. speculative decoding)
// param: limit: int = 20 (1..100000) — how many results
WITH [w IN split(reduce(s = '', c IN split(toLower(coalesce($q, 'speculative decoding')), '') | s + CASE WHEN c =~ '[\\p{L}\\p{N}]' THEN c ELSE ' ' END), ' ') WHERE w <> ''] AS words
CALL db.index.fulltext.queryNodes('search', reduce(s = '', w IN words | s + ' +' + w)) YIELD node
WITH node, size([w IN words WHERE (' ' + node.search_head + ' ') CONTAINS (' ' + w + ' ')]) AS in_name
RETURN labels(node)[0] AS label, coalesce(node.name, node.title) AS name, node.key AS key, in_name
ORDER BY in_name DESC, CASE label WHEN 'Paper' THEN 1 ELSE 0 END ASC, name ASC, key ASC
LIMIT toInteger(coalesce($limit, 20))
