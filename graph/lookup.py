"""How a name or words typed by a user find their nodes, the same way on every backend.

Every node carries a few properties derived from its name, aliases, title and abstract, recomputed
whenever the node is merged, so that both stores look things up with the same folding the
extractor uses ("Flash-Attention 2" = "FlashAttention-2", "llama2" = "Llama 2", "GPUs" = "GPU"):

- ``lookup`` (entities): the folded name and aliases; Neo4j's full-text index ``entity_lookup``
  (whitespace analyzer) finds a folded name in them.
- ``fold`` (papers): the folded title; a text index serves "part of a title" (``CONTAINS``).
- ``search_head`` / ``search_body``: the lower-case words of the name and aliases (or title) and of
  the abstract, for the ranked word search (full-text index ``search``).

The canned queries fold their parameters in Cypher with the same rules (see ``FOLD_CYPHER``), so a
query file pasted into Neo4j Browser resolves names exactly as ``kg`` does.

>>> fold_name("Flash-Attention 2") == fold_name("FlashAttention-2")
True
>>> name_candidates("GPUs")
['gpus', 'gpu']
>>> words("vLLM's PagedAttention (2023)")
['vllm', 's', 'pagedattention', '2023']
>>> sorted(derive("System", {"name": "FlashAttention-2", "aliases": ["FA2"]})["lookup"])
['fa2', 'flashattention2']
"""

from __future__ import annotations

import re
from typing import Any


def fold_key(text: str) -> str:
    """Case and punctuation folded, for comparing surface forms.

    ``+`` and ``#`` are spelled out so that "PointNet++" and "QuIP#" stay apart from "PointNet"
    and "QuIP".

    >>> fold_key("Flash-Attention 2") == fold_key("FlashAttention2")
    True
    >>> fold_key("PointNet++")
    'pointnetplusplus'
    """
    text = text.casefold().replace("+", "plus").replace("#", "sharp")
    return re.sub(r"[^0-9a-z]+", "", text)


#: Properties the stores compute themselves; they are not shown, exported or compared.
DERIVED = frozenset({"lookup", "fold", "search_head", "search_body"})
#: Set by a Neo4j load on the stored nodes it holds (:mod:`graph.store.neo4j_write`), cleared when it commits.
LOCK_PROPERTY = "_kg_lock"
#: What the stores keep for themselves: ad-hoc Cypher shows it on a node only when asked.
INTERNAL = DERIVED | {LOCK_PROPERTY}

#: Cypher that folds a parameter like :func:`fold_name` (ASCII letters and digits, + and # spelled out).
FOLD_CYPHER = (
    "reduce(f = '', c IN split(replace(replace(toLower({param}), '+', 'plus'), '#', 'sharp'), '') "
    "| f + CASE WHEN c =~ '[a-z0-9]' THEN c ELSE '' END)"
)


def fold_name(text: str) -> str:
    """A name folded for comparison: lower case, letters and digits only."""
    return fold_key(text)


def name_candidates(text: str) -> list[str]:
    """The folded forms a typed name may have: as typed, then without a plural "s"."""
    folded = fold_name(text)
    if len(folded) > 2 and folded.endswith("s"):
        return [folded, folded[:-1]]
    return [folded] if folded else []


_WORD_RUN = re.compile(r"[^\W_]+")  # letters and digits (str.isalnum), without the underscore \w has


def words(text: str) -> list[str]:
    """Lower-case runs of letters and digits, in order, each once."""
    return list(dict.fromkeys(_WORD_RUN.findall(text.lower())))


def derive(label: str, properties: dict[str, Any]) -> dict[str, Any]:
    """``properties`` with the derived lookup and search properties (re)computed."""
    out = {k: v for k, v in properties.items() if k not in DERIVED}
    if label == "Paper":
        title = str(out.get("title") or "")
        out["fold"] = fold_name(title)
        out["search_head"] = " ".join(words(title))
        out["search_body"] = " ".join(words(str(out.get("abstract") or "")))
        return out
    names = [str(out.get("name") or ""), *map(str, out.get("aliases") or [])]
    out["lookup"] = sorted({f for n in names if (f := fold_name(n))})
    out["search_head"] = " ".join(words(" ".join(names)))
    return out


def visible(properties: dict[str, Any]) -> dict[str, Any]:
    """``properties`` without the derived ones."""
    return {k: v for k, v in properties.items() if k not in DERIVED}


def suggest(typed: str, names: list[str], n: int = 5) -> list[str]:
    """The known names closest to ``typed``: same start or containing it first, then look-alikes.

    >>> suggest("flashatention", ["FlashAttention", "FlashAttention-2", "vLLM"])
    ['FlashAttention', 'FlashAttention-2']
    """
    import difflib

    wanted = fold_name(typed)
    folded: dict[str, str] = {}
    for name in sorted(names, key=lambda x: (len(x), x)):
        folded.setdefault(fold_name(name), name)
    if not wanted:
        return []
    near = [folded[f] for f in difflib.get_close_matches(wanted, list(folded), n=n, cutoff=0.75)]
    containing = [name for f, name in folded.items() if len(wanted) >= 3 and (f.startswith(wanted) or wanted in f)]
    return list(dict.fromkeys([*near, *containing]))[:n]
