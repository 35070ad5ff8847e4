"""The canned queries on the embedded store: one Python twin per ``.cypher`` file.

Each twin returns the rows its Cypher returns on Neo4j, in the same order (the parity test runs
every query with its example on both backends). Names are looked up through the nodes' derived
``lookup`` / ``fold`` properties (:mod:`graph.lookup`), as the Cypher does through its indexes.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from itertools import groupby
from typing import Any


from graph.lookup import fold_name, name_candidates, words
from graph.store.embedded_words import WORDS_TABLE, has_words
from graph.store.sliced import rows_for
from queries.catalog import get_query

Row = dict[str, Any]
EMBEDDED: dict[str, Callable[..., list[Row]]] = {}
_CITE = ("evidence", "source", "line")
_CHAIN_STEPS = 3
_FAMILY_DEPTH = 3
_FEW_WORD_MATCHES = 1000  # search: up to this many nodes found by the word index are read and sorted


def embedded(name: str) -> Callable[[Callable[..., list[Row]]], Callable[..., list[Row]]]:
    def register(fn: Callable[..., list[Row]]) -> Callable[..., list[Row]]:
        EMBEDDED[name] = fn
        return fn

    return register


def run_embedded(conn: sqlite3.Connection, name: str, raw_params: dict[str, Any]) -> list[Row]:
    params = get_query(name).bind(raw_params)
    return EMBEDDED[name](View(conn), **params)


class View:
    """Read helpers over the embedded store's tables (:mod:`graph.store.embedded`), through their
    indexes: what a query touches is read, not the whole graph. A node's label and name are kept
    once read; a query that turns out to need many of them has them all read in one pass."""

    _BULK_AFTER = 256  # single-node reads before reading every node's label and name at once

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._heads: dict[str, tuple[str, Any]] = {}  # key -> (label, name)
        self._props: dict[str, dict[str, Any]] = {}
        self._single_reads = 0

    def _head(self, key: str) -> tuple[str, Any]:
        head = self._heads.get(key)
        if head is None:
            self._single_reads += 1
            if self._single_reads == self._BULK_AFTER:
                self._heads.update((k, (lab, n)) for k, lab, n in self.conn.execute("SELECT key, label, name FROM nodes"))
                head = self._heads.get(key)
            if head is None:
                row = self.conn.execute("SELECT label, name FROM nodes WHERE key = ?", (key,)).fetchone()
                if row is None:
                    raise KeyError(key)
                head = self._heads[key] = (row[0], row[1])
        return head

    def props(self, key: str) -> dict[str, Any]:
        """The node's visible properties."""
        if key not in self._props:
            row = self.conn.execute("SELECT props FROM nodes WHERE key = ?", (key,)).fetchone()
            if row is None:
                raise KeyError(key)
            self._props[key] = json.loads(row[0])
        return self._props[key]

    def label(self, key: str) -> str:
        return self._head(key)[0]

    def name(self, key: str) -> Any:
        """The name, or a paper's title."""
        return self._head(key)[1]

    def ends(self, rel: str) -> list[tuple[str, str]]:
        """(start, end) of every relationship of type ``rel``, without reading its properties."""
        return self.conn.execute('SELECT start, "end" FROM rels WHERE type = ?', (rel,)).fetchall()

    def into(self, key: str, rel: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for s, p in self.conn.execute('SELECT start, props FROM rels WHERE "end" = ? AND type = ?', (key, rel)):
            yield s, json.loads(p)

    def papers_into(self, rel: str, ends: Collection[str], by_title: bool = False) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(paper, title, end, properties) of the ``rel`` relationships from papers to ``ends``.

        ``by_title``: in title order, walking the papers through the index on (label, name) and
        looking each one's relationships up by (start, type, end), so a caller that stops after a
        few titles has read only those; papers without a title are left out, as the Cypher's walk
        leaves them. Otherwise read from the ends' own relationships, in no order.
        """
        marks = ",".join("?" * len(ends))
        if by_title:  # CROSS JOIN: SQLite keeps the papers as the outer loop, in the index's order
            sql = (f'SELECT n.key, n.name, r."end", r.props FROM nodes n INDEXED BY nodes_by_title CROSS JOIN rels r ON r.start = n.key '
                   f'AND r.type = ? AND r."end" IN ({marks}) WHERE n.label = \'Paper\' AND n.name IS NOT NULL ORDER BY n.name')
        else:
            sql = (f'SELECT r.start, n.name, r."end", r.props FROM rels r CROSS JOIN nodes n ON n.key = r.start '
                   f'WHERE r.type = ? AND r."end" IN ({marks}) AND n.label = \'Paper\'')
        for p, title, e, props in self.conn.execute(sql, (rel, *ends)):
            self._heads.setdefault(p, ("Paper", title))
            yield p, title, e, json.loads(props)

    def is_hub(self, rel: str, ends: Collection[str], limit: int) -> bool:
        """Whether walking the papers in title order until ``limit`` rows are found reads fewer rows
        than the ends' own ``rel`` relationships: their number squared exceeds ``limit`` × papers, as
        the Cypher decides, but with every node counted for the papers (SQLite counts a whole table
        from its pages, without reading its rows). The relationships are counted only up to that
        bound. Never on a store without the index on titles (an older kg's, on a read-only file)."""
        if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'nodes_by_title'").fetchone():
            return False
        (nodes,) = self.conn.execute("SELECT count(*) FROM nodes").fetchone()
        bound = math.isqrt(limit * nodes) + 1
        marks = ",".join("?" * len(ends))
        (n,) = self.conn.execute(f'SELECT count(*) FROM (SELECT 1 FROM rels WHERE "end" IN ({marks}) AND type = ? LIMIT ?)',
                                 (*ends, rel, bound)).fetchone()
        return bool(n >= bound)

    def read_heads(self, keys: Collection[str]) -> None:
        """Read the labels and names of ``keys`` at once, for a query about to need them all."""
        missing = [k for k in keys if k not in self._heads]
        for key, label, name in rows_for(self.conn, "SELECT key, label, name FROM nodes WHERE key IN ({})", missing):
            self._heads[key] = (label, name)

    def comparers_proposing(self, baselines: list[str]) -> Iterator[tuple[str, str, str]]:
        """(baseline, paper, system) for each paper compared with one of ``baselines`` and each
        system it proposes."""
        yield from rows_for(self.conn, 'SELECT c."end", c.start, s."end" FROM rels c CROSS JOIN nodes n ON n.key = c.start '
                                       "CROSS JOIN rels s ON s.start = c.start AND s.type = 'PROPOSES' "
                                       "WHERE c.type = 'COMPARES_TO' AND c.\"end\" IN ({}) AND n.label = 'Paper'", baselines)

    def out_names(self, key: str, rel: str) -> list[Any]:
        """The names of the nodes ``key``'s ``rel`` relationships lead to."""
        rows = self.conn.execute('SELECT n.name FROM rels r CROSS JOIN nodes n ON n.key = r."end" WHERE r.start = ? AND r.type = ?', (key, rel))
        return [name for (name,) in rows]

    def out(self, key: str, rel: str | None = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
        sql = 'SELECT "end", type, props FROM rels WHERE start = ?'
        rows = self.conn.execute(sql + " AND type = ?", (key, rel)) if rel else self.conn.execute(sql, (key,))
        for e, t, p in rows:
            yield e, t, json.loads(p)

    def incident(self, key: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(start, end, type, properties) of the relationships from and to ``key``."""
        for s, e, t, p in self.conn.execute(
            'SELECT start, "end", type, props FROM rels WHERE start = ? '
            'UNION SELECT start, "end", type, props FROM rels WHERE "end" = ?', (key, key)
        ):
            yield s, e, t, json.loads(p)

    def incident_in_order(self, keys: list[str]) -> Iterator[tuple[int, str, str, str, Any, Any]]:
        """(rowid, start, type, end, start's name, end's name) of the relationships from and to
        ``keys``, ordered by type, then the names (nulls last), sorted by SQLite from the
        relationships' ends and their nodes' names alone: no relationship's properties are read."""
        marks = ",".join("?" * len(keys))
        yield from self.conn.execute(
            f'SELECT r.rowid, r.start, r.type, r."end", s.name, e.name FROM rels r JOIN nodes s ON s.key = r.start JOIN nodes e ON e.key = r."end" '
            f'WHERE r.rowid IN (SELECT rowid FROM rels WHERE "end" IN ({marks}) UNION SELECT rowid FROM rels WHERE start IN ({marks})) '
            "ORDER BY r.type, s.name IS NULL, s.name, e.name IS NULL, e.name", (*keys, *keys))

    def rel_props(self, rowid: int) -> dict[str, Any]:
        (props,) = self.conn.execute("SELECT props FROM rels WHERE rowid = ?", (rowid,)).fetchone()
        return dict(json.loads(props))

    def adjacent(self, key: str) -> list[str]:
        """The nodes one relationship away, either way."""
        rows = self.conn.execute('SELECT "end" FROM rels WHERE start = ? UNION SELECT start FROM rels WHERE "end" = ?', (key, key))
        return [k for (k,) in rows]

    def resolve(self, name: str) -> list[str]:
        """Entity keys whose folded name or alias is ``name`` folded (else its singular)."""
        for candidate in name_candidates(name):
            keys = [k for (k,) in self.conn.execute("SELECT key FROM lookup WHERE folded = ? ORDER BY key", (candidate,))]
            if keys:
                return keys
        return []

    def papers_titled(self, part: str) -> list[str]:
        wanted = fold_name(part)
        # Only papers have a folded title: scanning its index reads the titles, not every row.
        rows = self.conn.execute("SELECT key FROM nodes INDEXED BY nodes_by_fold WHERE fold IS NOT NULL AND instr(fold, ?) > 0 "
                                 "ORDER BY key", (wanted,))
        return [k for (k,) in rows]

    def having_words(self, wanted: list[str], among: Collection[int] | None = None) -> list[tuple[str, str]]:
        """(key, search_head) of the nodes whose name, aliases, title or abstract hold every word;
        only among the nodes of rowids ``among`` if given (read by rowid, checked here)."""
        if among is None:
            text = "(' ' || coalesce(search_head, '') || ' ' || coalesce(search_body, '') || ' ')"
            where = " AND ".join(f"instr({text}, ?) > 0" for _ in wanted)
            return self.conn.execute(f"SELECT key, coalesce(search_head, '') FROM nodes WHERE {where} ORDER BY key",
                                     [f" {w} " for w in wanted]).fetchall()
        found = []
        for key, head, body in rows_for(self.conn, "SELECT key, search_head, search_body FROM nodes WHERE rowid IN ({})", sorted(among)):
            if _holds(wanted, head, body):
                found.append((key, head or ""))
        found.sort()
        return found

    def word_matches(self, wanted: list[str], head: str = "", entities: bool = False) -> set[int] | None:
        """Rowids of the nodes the store's word index finds (:meth:`word_match`), or None when
        there is no index or ``wanted`` has no ASCII word: then only every node's text answers."""
        match = self.word_match(wanted, head, entities)
        if match is None:
            return None
        return {r for (r,) in self.conn.execute(f"SELECT rowid FROM {WORDS_TABLE} WHERE {WORDS_TABLE} MATCH ?", (match,))}

    def word_count(self, match: str) -> int:
        """How many nodes the word index's ``match`` finds."""
        (n,) = self.conn.execute(f"SELECT count(*) FROM {WORDS_TABLE} WHERE {WORDS_TABLE} MATCH ?", (match,)).fetchone()
        return int(n)

    def word_match(self, wanted: list[str], head: str = "", entities: bool = False) -> str | None:
        """The full-text query of the store's word index (``graph.store.embedded.WORDS_TABLE``)
        for the nodes holding every word of ``wanted`` that is ASCII letters and digits; ``head``
        "any" or "all": and one or all of them in the name or title; ``entities``: only nodes that
        are no paper. It finds a superset of the nodes that hold them as stored words: FTS5 reads
        such a word as one token however the text around it is split, so a node that holds it is
        found; a node found may not hold it (FTS5 splits some non-ASCII letters apart), so callers
        check what they read. None when there is no index or no such word."""
        plain = [f'"{w}"' for w in wanted if w.isascii()]
        if not plain or not has_words(self.conn):
            return None
        match = " AND ".join(plain)
        if head:
            match += f" AND head : ({(' OR ' if head == 'any' else ' AND ').join(plain)})"
        if entities:
            match += " AND entity : entity"
        return match

    def papers_by_title(self, match: str) -> Iterator[tuple[str, Any, str | None, str | None]]:
        """(key, title, search_head, search_body) of the papers the word index's ``match`` finds,
        in the order ``ORDER BY title, key`` gives in Cypher (no title last): SQLite walks the
        index on titles and reads only the rows found, as they are taken."""
        found = f"rowid IN (SELECT rowid FROM {WORDS_TABLE} WHERE {WORDS_TABLE} MATCH ?)"
        yield from self.conn.execute(f"SELECT key, name, search_head, search_body FROM nodes INDEXED BY nodes_by_title "
                                     f"WHERE label = 'Paper' AND name IS NOT NULL AND {found} ORDER BY name, key", (match,))
        yield from self.conn.execute(f"SELECT key, name, search_head, search_body FROM nodes WHERE label = 'Paper' AND name IS NULL "
                                     f"AND {found} ORDER BY key", (match,))

    def into_uncatalogued(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(node, start, type, properties) of the relationships into entities the extractor found
        but the catalogue does not know."""
        rows = self.conn.execute(
            'SELECT n.key, n.props, r.start, r.type, r.props FROM nodes n JOIN rels r ON r."end" = n.key '
            "WHERE n.label != 'Paper' AND json_extract(n.props, '$.catalogued') = 0 ORDER BY n.key"
        )
        for n, node_props, s, t, p in rows:
            if n not in self._props:
                self._props[n] = json.loads(node_props)
            yield n, s, t, json.loads(p)

    def counts(self) -> list[tuple[str, str, int]]:
        """("node", label, n) and ("relationship", type, n)."""
        return [
            *(("node", lab, n) for lab, n in self.conn.execute("SELECT label, count(*) FROM nodes GROUP BY label")),
            *(("relationship", t, n) for t, n in self.conn.execute("SELECT type, count(*) FROM rels GROUP BY type")),
        ]

    def with_variants(self, key: str, include: bool) -> set[str]:
        found = {key}
        frontier = [key]
        for _ in range(_FAMILY_DEPTH if include else 0):
            frontier = [v for k in frontier for v, _ in self.into(k, "VARIANT_OF") if v not in found]
            found.update(frontier)
        return found


def _cite(r: dict[str, Any]) -> Row:
    return {k: r.get(k) for k in _CITE}


def _row_key(row: Row) -> tuple[Any, ...]:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in row.items())


def _distinct(rows: Iterable[Row]) -> list[Row]:
    """Rows without repeats, in order (values are scalars or lists of scalars)."""
    seen: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        seen.setdefault(_row_key(row), row)
    return list(seen.values())


def _order(rows: list[Row], *keys: str, desc: tuple[str, ...] = ()) -> list[Row]:
    """Cypher's ORDER BY: ascending unless named in ``desc``; nulls last when ascending."""
    for key in reversed(keys):
        # (is null, value) puts nulls last ascending and, reversed, first descending; sorts are stable
        rows.sort(key=lambda r: (r[key] is None, r[key] if r[key] is not None else 0), reverse=key in desc)
    return rows


def _top_pairs(pairs: dict[tuple[str, str], set[str]], limit: int) -> list[Row]:
    rows = [{"first": a, "second": b, "papers": len(p)} for (a, b), p in pairs.items()]
    return _order(rows, "papers", "first", "second", desc=("papers",))[:limit]


@embedded("most-compared")
def most_compared(v: View, limit: int) -> list[Row]:
    # counted and ordered by SQLite through the index on (type, end): (start, type, end) is unique,
    # so count(*) is the number of distinct papers; names order by code point as in Python
    rows = v.conn.execute(
        'SELECT n.name, n.label, c.papers FROM (SELECT "end" AS k, count(*) AS papers FROM rels WHERE type = ? GROUP BY "end") c '
        "JOIN nodes n ON n.key = c.k ORDER BY c.papers DESC, n.name LIMIT ?", ("COMPARES_TO", limit))
    return [{"baseline": name, "label": label, "papers": n} for name, label, n in rows]


def _named(v: View, name: str, variants: bool) -> set[str]:
    return {b for anchor in v.resolve(name) for b in v.with_variants(anchor, variants)}


PaperRows = Callable[[str, str, str, dict[str, Any]], Iterable[Row]]


def _by_title(v: View, rel: str, anchors: set[str], limit: int, rows_of: PaperRows, *order: str) -> list[Row]:
    """The first ``limit`` distinct rows by ``order`` (the paper's title first) that ``rows_of``
    makes of each (paper, title, anchor, properties) of ``rel`` into ``anchors``. For a hub the
    papers are read in title order, and the reading stops at the first title after ``limit`` rows:
    every row that sorts before the last one kept has been read by then."""
    if not anchors:
        return []
    if not v.is_hub(rel, anchors, limit):
        rows = _distinct(row for item in v.papers_into(rel, anchors) for row in rows_of(*item))
        return _order(rows, *order)[:limit]
    found: dict[tuple[Any, ...], Row] = {}
    for _, same_title in groupby(v.papers_into(rel, anchors, by_title=True), key=lambda item: item[1]):
        if len(found) >= limit:
            break
        for item in same_title:
            for row in rows_of(*item):
                found.setdefault(_row_key(row), row)
    return _order(list(found.values()), *order)[:limit]


@embedded("papers-comparing-to")
def papers_comparing_to(v: View, name: str, variants: bool, limit: int) -> list[Row]:
    def rows_of(p: str, title: str, b: str, r: dict[str, Any]) -> list[Row]:
        return [{"paper": title, "baseline": v.name(b), "claims": list(r.get("claims") or []), **_cite(r)}]

    return _by_title(v, "COMPARES_TO", _named(v, name, variants), limit, rows_of, "paper", "baseline")


@embedded("papers-using")
def papers_using(v: View, name: str, variants: bool, limit: int) -> list[Row]:
    def rows_of(p: str, title: str, b: str, r: dict[str, Any]) -> list[Row]:
        return [{"paper": title, "used": v.name(b), **_cite(r)}]

    return _by_title(v, "USES", _named(v, name, variants), limit, rows_of, "paper", "used")


@embedded("leaderboard")
def leaderboard(v: View, name: str, metric: str, variants: bool, limit: int) -> list[Row]:
    rows = []
    # ordered by metric first, not by title: every comparison with the baseline is read
    for _, title, b, r in v.papers_into("COMPARES_TO", _named(v, name, variants)):
        best: dict[tuple[Any, Any], tuple[float, str, int]] = {}
        claims = r.get("claims") or []
        for i, claim in enumerate(claims):
            m, unit, value = r["claim_metrics"][i], r["claim_units"][i], r["claim_values"][i]
            if metric != "any" and m != metric:
                continue
            old = best.get((m, unit))
            if old is None or (value, _Rev(claim)) > (old[0], _Rev(old[1])):
                best[(m, unit)] = (value, claim, i)
        for (m, unit), (value, claim, i) in best.items():
            qualifiers = {"bound": _nth(r.get("claim_bounds"), i) or "unstated", "measured_on": _nth(r.get("claim_hardware"), i) or "unstated"}
            rows.append({"metric": m, "unit": unit, "best": value, **qualifiers, "paper": title, "baseline": v.name(b), "claim": claim, **_cite(r)})
    return _order(rows, "metric", "unit", "best", "paper", "baseline", desc=("best",))[:limit]


def _nth(values: Any, i: int) -> Any:
    return values[i] if isinstance(values, list) and i < len(values) else None


class _Rev(str):
    """A string that sorts backwards: the first claim in ascending order wins a tie of values."""

    def __lt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__lt__(self, other)


def _paper_edges(v: View, title: str, rel: str | None) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for p in v.papers_titled(title):
        for x, t, r in v.out(p, rel):
            yield p, x, t, r


@embedded("paper-comparisons")
def paper_comparisons(v: View, title: str) -> list[Row]:
    rows = [
        {"paper": v.name(p), "baseline": v.name(b), "claims": list(r.get("claims") or []), **_cite(r)}
        for p, b, _, r in _paper_edges(v, title, "COMPARES_TO")
    ]
    return _order(rows, "paper", "baseline")


@embedded("paper-hardware")
def paper_hardware(v: View, title: str) -> list[Row]:
    rows = [
        {"paper": v.name(p), "hardware": v.name(h), "kind": v.props(h).get("kind"), **_cite(r)}
        for p, h, _, r in _paper_edges(v, title, "TARGETS")
        if v.label(h) == "Hardware"
    ]
    return _order(rows, "paper", "hardware")


@embedded("paper")
def paper(v: View, title: str) -> list[Row]:
    rows = [
        {"paper": v.name(p), "relation": t, "name": v.name(x), "label": v.label(x), "claims": list(r.get("claims") or []), **_cite(r)}
        for p, x, t, r in _paper_edges(v, title, None)
    ]
    return _order(rows, "paper", "relation", "name")


def _hardware_and_products(v: View, hardware: str) -> set[str]:
    anchors = [h for h in v.resolve(hardware) if v.label(h) == "Hardware"]
    return {x for h in anchors for x in [h, *(p for p, _ in v.into(h, "IS_A") if v.label(p) == "Hardware")]}


@embedded("papers-targeting")
def papers_targeting(v: View, hardware: str, limit: int) -> list[Row]:
    def rows_of(p: str, title: str, h: str, r: dict[str, Any]) -> list[Row]:
        return [{"paper": title, "hardware": v.name(h), **_cite(r)}]

    return _by_title(v, "TARGETS", _hardware_and_products(v, hardware), limit, rows_of, "paper", "hardware")


@embedded("systems-for-hardware")
def systems_for_hardware(v: View, hardware: str, limit: int) -> list[Row]:
    def rows_of(p: str, title: str, h: str, r: dict[str, Any]) -> list[Row]:
        return [{"paper": title, "proposed": s, "hardware": v.name(h)} for s in v.out_names(p, "PROPOSES")]

    return _by_title(v, "TARGETS", _hardware_and_products(v, hardware), limit, rows_of, "paper", "proposed", "hardware")


@embedded("techniques-by-hardware")
def techniques_by_hardware(v: View, limit: int) -> list[Row]:
    classes: dict[str, set[str]] = {}
    for s, e in v.ends("TARGETS"):
        if v.label(s) == "Paper" and v.label(e) == "Hardware" and v.props(e).get("kind") == "class":
            classes.setdefault(s, set()).add(e)
    pairs: dict[tuple[str, str], set[str]] = {}
    for s, e in v.ends("USES"):
        if v.label(s) == "Paper" and v.label(e) == "Technique":
            for h in classes.get(s, ()):
                pairs.setdefault((v.name(e), v.name(h)), set()).add(s)
    rows = [{"technique": t, "hardware": h, "papers": len(p)} for (t, h), p in pairs.items()]
    return _order(rows, "papers", "technique", "hardware", desc=("papers",))[:limit]


@embedded("baseline-chains")
def baseline_chains(v: View, name: str, limit: int) -> list[Row]:
    """The chains in the Cypher's order (longest first, then by the names from the far end),
    without listing every chain: what each number of steps reaches is read once per system, and
    chains are built back from their far end, one name at a time, until ``limit`` are listed."""
    levels: list[dict[str, list[tuple[str, str]]]] = [{root: [] for root in v.resolve(name)}]
    for _ in range(_CHAIN_STEPS):  # levels[i]: system -> (system i - 1 steps away, paper) reaching it
        reached: dict[str, list[tuple[str, str]]] = {}
        for b, p, x in v.comparers_proposing(list(levels[-1])):
            reached.setdefault(x, []).append((b, p))
        levels.append(reached)
    rows: list[Row] = []
    for steps in range(_CHAIN_STEPS, 0, -1):
        v.read_heads(levels[steps])
        ends: dict[Any, list[str]] = {}
        for x in levels[steps]:
            ends.setdefault(v.name(x), []).append(x)
        for end_name in sorted(ends):
            paths = [path for x in ends[end_name] for path in _chains_back(levels, steps, x) if _no_repeats(*path)]
            v.read_heads({k for chain, papers in paths for k in (*chain, *papers)})
            found = [{"chain": [v.name(k) for k in chain], "papers": [v.name(p) for p in papers], "steps": steps} for chain, papers in paths]
            rows.extend(_order(found, "chain", "papers"))
            if len(rows) >= limit:
                return rows[:limit]
    return rows


def _chains_back(levels: list[dict[str, list[tuple[str, str]]]], steps: int, x: str) -> Iterator[tuple[list[str], list[str]]]:
    """(systems from ``x`` back to the root, papers between them) of the chains ``steps`` long."""
    if steps == 0:
        yield [x], []
        return
    for b, p in levels[steps][x]:
        for chain, papers in _chains_back(levels, steps - 1, b):
            yield [x, *chain], [p, *papers]


def _no_repeats(chain: list[str], papers: list[str]) -> bool:
    """A path uses each relationship once, as Cypher's patterns require."""
    used = {(p, "COMPARES_TO", b) for p, b in zip(papers, chain[1:])} | {(p, "PROPOSES", x) for p, x in zip(papers, chain)}
    return len(used) == 2 * len(papers)


@embedded("beats-proposed-by")
def beats_proposed_by(v: View, title: str) -> list[Row]:
    rows = [
        {"proposed_by": v.name(a), "system": v.name(s), "paper": v.name(b), "claims": list(r.get("claims") or []), **_cite(r)}
        for a, s, _, _ in _paper_edges(v, title, "PROPOSES")
        for b, r in v.into(s, "COMPARES_TO")
        if v.label(b) == "Paper" and b != a
    ]
    return _order(rows, "proposed_by", "system", "paper")


@embedded("proposed-then-baseline")
def proposed_then_baseline(v: View, limit: int) -> list[Row]:
    proposers_of: dict[str, set[str]] = {}
    for p, s in v.ends("PROPOSES"):
        proposers_of.setdefault(s, set()).add(p)
    comparers_of: dict[str, set[str]] = {}
    for p, s in v.ends("COMPARES_TO"):
        if s in proposers_of:
            comparers_of.setdefault(s, set()).add(p)
    rows = []
    for s, proposed in proposers_of.items():
        proposers = {p for p in proposed if v.label(p) == "Paper"}
        comparers = {p for p in comparers_of.get(s, ()) if v.label(p) == "Paper"}
        pairs = [(a, b) for a in proposers for b in comparers if a != b]
        if not pairs:
            continue
        proposed_by = sorted({v.name(a) for a, _ in pairs})
        compared_by = sorted({v.name(b) for _, b in pairs})
        rows.append({"system": v.name(s), "label": v.label(s), "baseline_in": len(compared_by), "proposed_by": proposed_by, "compared_by": compared_by})
    return _order(rows, "baseline_in", "system", desc=("baseline_in",))[:limit]


@embedded("compared-together")
def compared_together(v: View, limit: int) -> list[Row]:
    by_paper: dict[str, set[str]] = {}
    for p, b in v.ends("COMPARES_TO"):
        if v.label(p) == "Paper":
            by_paper.setdefault(p, set()).add(b)
    pairs: dict[tuple[str, str], set[str]] = {}
    for p, bs in by_paper.items():
        for a in bs:
            for b in bs:
                if a < b:
                    pairs.setdefault((v.name(a), v.name(b)), set()).add(p)
    return _top_pairs(pairs, limit)


@embedded("hardware-together")
def hardware_together(v: View, limit: int) -> list[Row]:
    by_paper: dict[str, set[str]] = {}
    for p, h in v.ends("TARGETS"):
        if v.label(p) == "Paper" and v.label(h) == "Hardware":
            by_paper.setdefault(p, set()).add(h)
    linked = {frozenset((a, b)) for a, b in v.ends("IS_A")}

    def implies(a: str, b: str) -> bool:  # Hopper and GPU, DGX H100 and GPU: b is a's devices' class
        return v.props(a).get("devices") == v.name(b)

    pairs: dict[tuple[str, str], set[str]] = {}
    for p, hs in by_paper.items():
        for a in hs:
            for b in hs:
                if a < b and frozenset((a, b)) not in linked and not implies(a, b) and not implies(b, a):
                    pairs.setdefault((v.name(a), v.name(b)), set()).add(p)
    return _top_pairs(pairs, limit)


@embedded("curation-queue")
def curation_queue(v: View, limit: int) -> list[Row]:
    found: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for n, p, t, r in v.into_uncatalogued():
        if v.label(p) == "Paper":
            found.setdefault(n, []).append((v.name(p), t, r))
    rows = []
    for n, facts in found.items():
        facts.sort(key=lambda f: (f[0], f[1]))
        types = {t for _, t, _ in facts}
        rows.append({
            "name": v.name(n), "label": v.label(n), "kind": v.props(n).get("kind"), "papers": len({f[0] for f in facts}),
            "relations": sorted(types), "example": facts[0][0], "evidence": facts[0][2].get("evidence"),
        })
    return _order(rows, "papers", "name", desc=("papers",))[:limit]


@embedded("search")
def search(v: View, q: str, limit: int) -> list[Row]:
    wanted = words(q)
    if v.word_match(wanted) is None or not all(w.isascii() for w in wanted):
        return _ranked(v, wanted, v.having_words(wanted, among=v.word_matches(wanted)) if wanted else [], limit)
    # By design of the order (words in the name first, entities before papers, then by name): level
    # by level, the few nodes of a level are read whole and sorted; the many are taken by title.
    rows: list[Row] = []
    for level in range(len(wanted), -1, -1):
        head = "" if level == 0 else "all" if level == len(wanted) else "any"
        match = str(v.word_match(wanted, head))

        def at_level(found: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
            return [(k, h) for k, h in found if _in_name(wanted, h) == level]  # noqa: B023 (used at once)

        # reading a node's text costs far more than a step along the index on titles (in SQLite)
        if v.word_count(match) <= max(2 * (limit - len(rows)), _FEW_WORD_MATCHES):
            rows += _ranked(v, wanted, at_level(v.having_words(wanted, among=v.word_matches(wanted, head))), limit - len(rows))
        else:
            if level == len(wanted):  # an entity's words are all in its name: only this level has any
                rows += _ranked(v, wanted, at_level(v.having_words(wanted, among=v.word_matches(wanted, head, entities=True))), limit - len(rows))
            for key, title, words_head, body in v.papers_by_title(match):
                if len(rows) == limit:
                    break
                if _holds(wanted, words_head, body) and _in_name(wanted, words_head or "") == level:
                    v._heads.setdefault(key, ("Paper", title))
                    rows += _ranked(v, wanted, [(key, words_head or "")], 1)
        if len(rows) == limit:
            break
    return rows


def _holds(wanted: list[str], head: str | None, body: str | None) -> bool:
    """Whether a node's stored words hold every word, as ``View.having_words`` asks SQLite."""
    text = f" {head or ''} {body or ''} "
    return all(f" {w} " in text for w in wanted)


def _in_name(wanted: list[str], head: str) -> int:
    return sum(1 for w in wanted if f" {w} " in f" {head} ")


def _ranked(v: View, wanted: list[str], found: Iterable[tuple[str, str]], limit: int) -> list[Row]:
    rows = [{"label": v.label(key), "name": v.name(key), "key": key, "in_name": _in_name(wanted, head), "_paper": v.label(key) == "Paper"}
            for key, head in found]
    rows = _order(rows, "in_name", "_paper", "name", "key", desc=("in_name",))[:limit]
    return [{k: r[k] for k in ("label", "name", "key", "in_name")} for r in rows]


@embedded("neighbourhood")
def neighbourhood(v: View, name: str, depth: int, limit: int) -> list[Row]:
    anchors = v.resolve(name)
    nearest = _nearest_rows(v, anchors, limit) if anchors else []
    if depth == 1 or len(nearest) == limit:  # the rows one step away come first: a hub fills the limit
        return nearest
    rows = []
    for anchor in anchors:
        distance = {anchor: 0}
        queue = deque([anchor])
        while queue:
            node = queue.popleft()
            if distance[node] >= depth:
                continue
            for other in v.adjacent(node):
                if other not in distance:
                    distance[other] = distance[node] + 1
                    queue.append(other)
        near_edges = {(s, t, e): r for n, d in distance.items() if d < depth for s, e, t, r in v.incident(n)}
        for (s, t, e), r in near_edges.items():
            near = min(distance.get(s, depth), distance.get(e, depth))
            if near < depth:
                rows.append({"distance": near + 1, "start": v.name(s), "type": t, "end": v.name(e), **_cite(r)})
    return _order(_distinct(rows), "distance", "type", "start", "end", "source", "line")[:limit]


def _nearest_rows(v: View, anchors: list[str], limit: int) -> list[Row]:
    """The first ``limit`` rows of the relationships from and to ``anchors`` (distance 1), in the
    query's order: SQLite orders them by type and names, and the properties (citation, the rest of
    the order) are read only for the rows up to the last (type, start, end) the limit reaches."""
    found: dict[tuple[Any, ...], Row] = {}
    for _, group in groupby(v.incident_in_order(anchors), key=lambda item: (item[2], item[4], item[5])):
        if len(found) >= limit:
            break
        for rowid, _s, t, _e, start, end in group:
            row = {"distance": 1, "start": start, "type": t, "end": end, **_cite(v.rel_props(rowid))}
            found.setdefault(_row_key(row), row)
    return _order(list(found.values()), "distance", "type", "start", "end", "source", "line")[:limit]


@embedded("graph-stats")
def graph_stats(v: View) -> list[Row]:
    return [{"kind": k, "name": n, "count": c} for k, n, c in sorted(v.counts())]
