"""Export in the JSON-lines format of ``apoc.export.json.all``: one line per node, then one per relationship.

Node ids are the stable node keys, so two exports of the same graph are identical byte for byte,
whichever backend wrote them. The stores' derived lookup properties are left out.

>>> from graph.model import Label, Node
>>> next(export_lines([Node(key="hardware:gpu", label=Label.HARDWARE, properties={"name": "GPU"})], []))
'{"type":"node","id":"hardware:gpu","labels":["Hardware"],"properties":{"key":"hardware:gpu","name":"GPU"}}'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO

from graph.lookup import visible
from graph.model import Node, Relationship


def _dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=False, separators=(",", ":"))


def export_lines(nodes: Iterable[Node], relationships: Iterable[Relationship]) -> Iterator[str]:
    for node in sorted(nodes, key=lambda n: n.key):
        props = {"key": node.key, **dict(sorted(visible(node.properties).items()))}
        yield _dumps({"type": "node", "id": node.key, "labels": [node.label.value], "properties": props})
    for rel in sorted(relationships, key=lambda r: r.key):
        yield _dumps(
            {
                "type": "relationship",
                "id": "|".join(rel.key),
                "label": rel.type.value,
                "start": {"id": rel.start},
                "end": {"id": rel.end},
                "properties": dict(sorted(rel.properties.items())),
            }
        )


def write_export(nodes: Iterable[Node], relationships: Iterable[Relationship], fh: IO[str]) -> int:
    """Write the export to ``fh``; returns the number of lines written."""
    count = 0
    for line in export_lines(nodes, relationships):
        fh.write(line + "\n")
        count += 1
    return count
