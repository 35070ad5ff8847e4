"""How new facts fold into what a store already holds, shared by every backend.

Both stores read the existing properties of the keys in a batch, call these functions and
write the result, so the embedded store and Neo4j hold the same thing after the same loads.
Scalars are kept from the first load that set them; lists grow by the items they lack, in
the order first seen. Loading the same input again therefore changes nothing.

>>> merge_properties({"name": "vLLM", "aliases": ["vllm"]}, {"name": "VLLM", "aliases": ["v-LLM", "vllm"]})
{'name': 'vLLM', 'aliases': ['vllm', 'v-LLM']}
"""

from __future__ import annotations

from typing import Any

# Parallel lists that describe one claim per position: they grow together, keyed by the text.
CLAIM_FIELDS = ("claims", "claim_values", "claim_units", "claim_metrics", "claim_directions", "claim_bounds", "claim_hardware")
#: What a claim field holds when the load that wrote the claim did not record it (an older store).
CLAIM_DEFAULTS: dict[str, Any] = {"claim_directions": "unstated", "claim_bounds": "unstated", "claim_hardware": "unstated"}


def _union(old: list[Any], new: list[Any]) -> list[Any]:
    out = list(old)
    for item in new:
        if item not in out:
            out.append(item)
    return out


def _merge_claims(old: dict[str, Any], new: dict[str, Any], out: dict[str, Any]) -> None:
    if not any(f in new for f in CLAIM_FIELDS):
        return
    have = len(old.get("claims", []))
    columns = {f: list(old.get(f, [])) for f in CLAIM_FIELDS}
    for f, column in columns.items():  # keep the lists parallel when an older load lacked a field
        column.extend([CLAIM_DEFAULTS.get(f)] * (have - len(column)))
    for i, text in enumerate(new.get("claims", [])):
        if text in columns["claims"]:
            continue
        for f in CLAIM_FIELDS:
            column = new.get(f)
            columns[f].append(column[i] if column is not None and i < len(column) else CLAIM_DEFAULTS.get(f))
    out.update({f: c for f, c in columns.items() if all(v is not None for v in c)})


def with_claim_lists(props: dict[str, Any]) -> dict[str, Any]:
    """A comparison's properties with every claim list present (empty when it states no number),
    the qualifiers of older loads padded to the length of ``claims``; ``props`` itself when complete.

    >>> with_claim_lists({"evidence": "P beats vLLM."})["claim_values"]
    []
    >>> with_claim_lists({"claims": ["2x"], "claim_values": [2.0], "claim_units": ["x"], "claim_metrics": ["speed"]})["claim_bounds"]
    ['unstated']
    """
    size = len(props.get("claims") or [])
    missing = {f for f in CLAIM_FIELDS if props.get(f) is None or (f in CLAIM_DEFAULTS and len(props[f]) < size)}
    if not missing:
        return props
    out = dict(props)
    for f in missing:
        column = list(props.get(f) or [])
        if f in CLAIM_DEFAULTS:
            column += [CLAIM_DEFAULTS[f]] * (size - len(column))
        out[f] = column
    return out


def merge_properties(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """The properties a node or relationship has after ``new`` is merged into ``old``."""
    if not old:
        return dict(new)
    out = dict(old)
    for name, value in new.items():
        if name in CLAIM_FIELDS:
            continue
        if isinstance(value, list):
            out[name] = _union(out.get(name) or [], value)
        elif out.get(name) is None:
            out[name] = value
    _merge_claims(old, new, out)
    return out
