"""The embedded store: the graph in one SQLite file, ``DIR/graph.sqlite``, read and written in place.

Opening the store reads nothing; a canned query reads the rows it needs through the tables'
indexes (:class:`queries.embedded.View`), and a load reads and writes only the nodes and
relationships its batch touches, in one transaction. So a query or a small load costs the same
on a store of 1,000 papers as on one of 100,000.

>>> import tempfile, pathlib
>>> from graph.model import Label, Node
>>> store = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "kg")
>>> store.merge(GraphBatch(nodes=[Node(key="hardware:a100", label=Label.HARDWARE, properties={"name": "A100"})])).nodes_created
1
>>> EmbeddedStore(store.directory).stats().nodes
{'Hardware': 1}

Writers also hold the directory's lock (:mod:`graph.store.lock`) for the whole transaction, so a second
``kg load`` says it is waiting (and gives up after ``KG_LOCK_TIMEOUT``) instead of failing on
SQLite's own lock. Readers never wait: the file is in WAL mode, and every query reads one snapshot.
A store of the older JSON format (``graph.json``) is converted on first use and kept as
``graph.json.bak``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any


from graph.lookup import derive, fold_name, visible
from graph.model import Label, Node, Relationship, RelType
from graph.store import GraphBatch, LoadCounts, MergeSummary, Neighbourhood, Neighbours, NodeRef, Stats, StoreError, plan_merge
from graph.store.answers import answer_key, decode_rows, encode_rows, kept_queries
from graph.store.embedded_words import WORDS_TABLE, build_words, fts5, has_words, index_words, unindex_words
from graph.store.legacy_json import LEGACY_FILE, read_legacy
from graph.store.lock import LockTimeout, exclusive
from graph.store.merge import with_claim_lists
from graph.store.sliced import rows_for
from graph.store.unload import UnloadSummary, unload_graph

if TYPE_CHECKING:
    import networkx as nx  # imported where used: it costs a third of kg's start-up

STORE_FILE = "graph.sqlite"
# 3: SQLite (1 and 2 were graph.json; they are converted when first opened).
# 4: every COMPARES_TO holds its claim lists (empty when no number); a 3 is upgraded when opened.
# 5: the table of kept answers (graph.store.answers); a 3 or 4 is upgraded when opened.
# 6: the word index of the search (WORDS_TABLE); a 3, 4 or 5 is upgraded when opened.
FORMAT_VERSION = 6
UPGRADABLE = {"3", "4", "5"}

SCHEMA = f"""
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('format', 'mlsys-kg'), ('version', '{FORMAT_VERSION}');
CREATE TABLE nodes (
    key TEXT NOT NULL UNIQUE, label TEXT NOT NULL,
    name TEXT,                                  -- the name, or a paper's title
    fold TEXT, search_head TEXT, search_body TEXT,  -- derived (graph.lookup), not in props
    props TEXT NOT NULL                         -- the visible properties as JSON
);
CREATE TABLE lookup (folded TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (folded, key)) WITHOUT ROWID;
CREATE INDEX lookup_by_key ON lookup (key);
CREATE TABLE rels (
    start TEXT NOT NULL, type TEXT NOT NULL, "end" TEXT NOT NULL, props TEXT NOT NULL,
    UNIQUE (start, type, "end")
);
CREATE TABLE answers (                          -- graph.store.answers: emptied by every write
    query TEXT NOT NULL, params TEXT NOT NULL, generation INTEGER NOT NULL, rows TEXT NOT NULL,
    PRIMARY KEY (query, params)
) WITHOUT ROWID;
"""
_ANSWERS_TABLE = SCHEMA[SCHEMA.index("CREATE TABLE answers"):].replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS")
#: The queries' indexes. A first load, which builds its store aside, creates them once it has
#: written every row: sorting a whole column once is much cheaper than a million inserts into it.
#: One a store lacks (written by an older kg) is created when it is opened (:func:`_upgrade`).
#: ``nodes_by_title`` lets a listing walk the papers in title order and stop at its limit.
QUERY_INDEXES = """
CREATE INDEX nodes_by_label ON nodes (label);
CREATE INDEX nodes_by_title ON nodes (label, name, key);
CREATE INDEX nodes_by_fold ON nodes (fold);
CREATE INDEX rels_by_end ON rels ("end", type, start);
CREATE INDEX rels_by_type ON rels (type, "end", start);
"""

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_CHUNK = 20_000  # rows per executemany, so a 100k-paper load never builds one huge list of rows
#: How long a reader waits for SQLite's own short locks (a WAL checkpoint), in milliseconds.
_BUSY_MS = 30_000
#: SQLite's page cache per connection (KiB): big loads touch index pages all over the file.
_CACHE_KIB = 128 * 1024


class EmbeddedStore:
    """The graph in ``DIR/graph.sqlite``; one connection per thread, so a web server's workers
    can share the object."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / STORE_FILE
        self._local = threading.local()

    # ---- files and connections ----------------------------------------------------------------

    def exists(self) -> bool:
        """Whether a graph was ever written here (in either format)."""
        return self.path.is_file() or (self.directory / LEGACY_FILE).is_file()

    def _conn(self) -> sqlite3.Connection | None:
        """This thread's connection, or None while no store file exists."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if not self.path.is_file() and (self.directory / LEGACY_FILE).is_file():
            self._convert_legacy()
        if any(self.directory.glob(".graph-*.tmp*")):
            # taken at once or not at all: with no writer running, they were left by one that died
            with suppress(LockTimeout, OSError), exclusive(self.directory, timeout=0, on_wait=lambda d: None):
                self._remove_leftovers()
        if not self.path.is_file():
            return None
        conn = self._local.conn = _open(self.path)
        _upgrade(conn, self.path)
        return conn

    @contextmanager
    def _new_store(self) -> Iterator[sqlite3.Connection]:
        """A store file built aside in one transaction and renamed into place once it commits, so
        a ``graph.sqlite`` always has its tables, and a first load that fails leaves no store."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".graph-", suffix=".tmp", dir=self.directory)
        os.close(fd)
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(tmp, isolation_level=None)
            # No journal and no syncs while building: a failed or killed build is deleted, not
            # rolled back, and the file is synced once before it is renamed into place.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
            conn.execute("BEGIN IMMEDIATE")
            for statement in _statements(SCHEMA):
                conn.execute(statement)
            yield conn
            _bump_generation(conn)
            for statement in _statements(QUERY_INDEXES):
                conn.execute(statement)
            build_words(conn)
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode = WAL")  # kept in the file: every later writer uses it
            conn.close()
            conn = None
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        finally:
            if conn is not None:
                conn.close()
            for leftover in (tmp, tmp + "-wal", tmp + "-shm"):
                with suppress(FileNotFoundError):
                    os.unlink(leftover)

    def _convert_legacy(self) -> None:
        """graph.json (format 1 or 2) -> graph.sqlite under the lock; the JSON is kept as .bak."""
        with _as_store_errors(f"cannot convert {self.directory / LEGACY_FILE} to {STORE_FILE}"), exclusive(self.directory):
            self._convert_legacy_locked()

    def _convert_legacy_locked(self) -> None:
        legacy = self.directory / LEGACY_FILE
        if self.path.is_file() or not legacy.is_file():
            return  # nothing to convert, or another process converted it while we waited
        g = read_legacy(legacy)
        with self._new_store() as conn:
            _put_nodes(conn, (Node.model_construct(key=k, label=Label(d["label"]), properties=d["properties"]) for k, d in g.nodes(data=True)))
            _put_rels(conn, (Relationship.model_construct(type=RelType(t), start=s, end=e, properties=_complete(RelType(t), d["properties"]))
                             for s, e, t, d in g.edges(keys=True, data=True)))
        os.replace(legacy, legacy.with_name(LEGACY_FILE + ".bak"))

    def _remove_leftovers(self) -> None:
        """Temp files of stores being built when their process was killed: only the lock's
        holder may remove them, as a live writer's temp file is always under the lock."""
        for tmp in self.directory.glob(".graph-*.tmp*"):
            with suppress(OSError):
                tmp.unlink()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        """One snapshot of the store for everything read inside (None: nothing was ever written)."""
        conn = self._conn()
        if conn is None:
            yield None
            return
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read the store ({exc})") from None

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """The directory's lock and one write transaction: committed whole or not at all."""
        with _as_store_errors(f"cannot write the store at {self.directory}"), exclusive(self.directory):
            self._remove_leftovers()
            self._convert_legacy_locked()
            if not self.path.is_file():
                with self._new_store() as conn:
                    yield conn
                return
            conn = self._conn()
            assert conn is not None
            conn.execute("BEGIN IMMEDIATE")
            changes = conn.total_changes
            try:
                yield conn
                if conn.total_changes != changes:
                    _bump_generation(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def generation(self) -> int:
        """How many writes changed the store (0 before the first): equal numbers, the same graph."""
        with self._reading() as conn:
            return 0 if conn is None else _generation(conn)

    def _keep_answer(self, name: str, key: str, generation: int, rows: list[dict[str, Any]]) -> None:
        """Keep an answer computed on ``generation``, if that is still the store's version. It is
        kept only if it can be at once: a load holding SQLite's write lock, or a read-only file,
        means it is computed again next time, never that the reader waits."""
        conn = self._conn()
        if conn is None:
            return
        try:
            conn.execute("PRAGMA busy_timeout = 0")
            conn.execute("BEGIN IMMEDIATE")
            try:
                if _generation(conn) == generation:
                    conn.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)", (name, key, generation, encode_rows(rows)))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error:  # locked by a load, or a read-only file: the answer is computed again next time
            return
        finally:
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            conn.close()

    # ---- writes -----------------------------------------------------------------------------

    def merge(self, batch: GraphBatch) -> MergeSummary:
        return self.merge_all([batch])

    def merge_all(self, batches: Iterable[GraphBatch]) -> MergeSummary:
        """Each batch reads the stored rows of the keys it holds, folds itself into them and writes
        what changed, all in one transaction: the load commits whole or not at all. The counts are
        the load's: an item one batch creates and a later one extends is one created item."""
        counts = LoadCounts()
        with self._writing() as conn:
            for batch in batches:
                existing_nodes = _node_properties(conn, {n.key for n in batch.nodes})
                existing_rels = _rel_properties(conn, {r.key for r in batch.relationships})
                nodes, rels, _ = plan_merge(batch, existing_nodes, existing_rels)
                ends = {k for r in rels for k in (r.start, r.end)} - {n.key for n in nodes} - existing_nodes.keys()
                missing = ends - _present(conn, ends)
                if missing:
                    rel = next(r for r in rels if r.start in missing or r.end in missing)
                    raise StoreError(f"relationship {rel.type.value} {rel.start} -> {rel.end} names a missing node")
                for n in nodes:
                    counts.count("nodes", n.key, n.key in existing_nodes)
                for r in rels:
                    counts.count("relationships", r.key, r.key in existing_rels)
                _put_nodes(conn, nodes)
                _put_rels(conn, rels)
        return counts.summary

    def unload(self, files: set[str]) -> UnloadSummary:
        """Take ``files`` back out (:mod:`graph.store.unload`): the graph is walked whole, in memory, as
        what papers still reach is a question about all of it; only what changed is written."""
        with self._writing() as conn:
            g = _whole_graph(conn)
            before = {k: d["properties"] for k, d in g.nodes(data=True)}
            before_rels = {(s, t, e): d["properties"] for s, e, t, d in g.edges(keys=True, data=True)}
            summary = unload_graph(g, files)
            gone_nodes = before.keys() - set(g.nodes)
            gone_rels = [k for k in before_rels if not g.has_edge(k[0], k[2], k[1])]
            if has_words(conn):
                unindex_words(conn, gone_nodes)
            conn.executemany('DELETE FROM rels WHERE start = ? AND type = ? AND "end" = ?', gone_rels)
            conn.executemany("DELETE FROM nodes WHERE key = ?", [(k,) for k in gone_nodes])
            conn.executemany("DELETE FROM lookup WHERE key = ?", [(k,) for k in gone_nodes])
            _put_nodes(conn, [Node.model_construct(key=k, label=Label(d["label"]), properties=d["properties"])
                              for k, d in g.nodes(data=True) if d["properties"] is not before[k]])
            _put_rels(conn, [Relationship.model_construct(type=RelType(t), start=s, end=e, properties=d["properties"])
                             for s, e, t, d in g.edges(keys=True, data=True) if d["properties"] is not before_rels[(s, t, e)]])
            return summary

    def clear(self) -> None:
        with self._writing() as conn:
            for table in ("rels", "lookup", "nodes"):
                conn.execute(f"DELETE FROM {table}")
            if has_words(conn):
                conn.execute(f"INSERT INTO {WORDS_TABLE} ({WORDS_TABLE}) VALUES ('delete-all')")

    # ---- reads ------------------------------------------------------------------------------

    def nodes(self) -> list[Node]:
        with self._reading() as conn:
            if conn is None:
                return []
            rows = conn.execute("SELECT key, label, props FROM nodes ORDER BY key")
            return [Node(key=k, label=Label(label), properties=json.loads(p)) for k, label, p in rows]

    def relationships(self) -> list[Relationship]:
        with self._reading() as conn:
            if conn is None:
                return []
            rows = conn.execute('SELECT start, type, "end", props FROM rels ORDER BY start, type, "end"')
            return [Relationship(type=RelType(t), start=s, end=e, properties=json.loads(p)) for s, t, e, p in rows]

    def stats(self) -> Stats:
        with self._reading() as conn:
            if conn is None:
                return Stats(nodes={}, relationships={})
            nodes = dict(conn.execute("SELECT label, count(*) FROM nodes GROUP BY label ORDER BY label").fetchall())
            rels = dict(conn.execute("SELECT type, count(*) FROM rels GROUP BY type ORDER BY type").fetchall())
            generation = _generation(conn)
            kept = _kept_answer(conn, STUBS_ANSWER, "", generation)
            stubs = kept[0]["stubs"] if kept else conn.execute(COUNT_STUBS).fetchone()[0]
        if kept is None:  # it reads every paper's properties: kept for this version of the graph
            self._keep_answer(STUBS_ANSWER, "", generation, [{"stubs": stubs}])
        return Stats(nodes=nodes, relationships=rels, paper_stubs=stubs)

    def run_query(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """A whole-graph query's answer is kept for the store's version (:mod:`graph.store.answers`)."""
        from queries.catalog import get_query
        from queries.embedded import run_embedded

        key = answer_key(get_query(name).bind(params))
        with self._reading() as conn:
            if conn is None or name not in kept_queries():
                return run_embedded(conn or _empty(), name, params)
            generation = _generation(conn)
            kept = _kept_answer(conn, name, key, generation)
            if kept is not None:
                return kept
            rows = run_embedded(conn, name, params)
        self._keep_answer(name, key, generation, rows)
        return rows

    def resolve(self, name: str) -> list[NodeRef]:
        from queries.embedded import View

        with self._reading() as conn:
            if conn is None:
                return []
            return _refs(conn, View(conn).resolve(name))

    def papers_titled(self, part: str, limit: int) -> list[NodeRef]:
        from queries.embedded import View

        wanted = fold_name(part)
        with self._reading() as conn:
            if conn is None:
                return []
            keys = View(conn).papers_titled(part)
            folds = dict(rows_for(conn, "SELECT key, fold FROM nodes WHERE key IN ({})", keys))
            keys.sort(key=lambda k: (folds.get(k) != wanted, k))
            return _refs(conn, keys[:limit])

    def paper_keys(self, titles: list[str]) -> dict[str, str]:
        """Stored papers by title (:func:`graph.store.identity.paper_keys_in`), found through the index on
        ``fold``; inside a load (this thread holds the write transaction) it reads what the load sees."""
        from graph.store.identity import paper_keys_in

        folds = sorted({f for t in titles if (f := fold_name(t))})
        conn = getattr(self._local, "conn", None)
        if conn is not None and conn.in_transaction:
            found = list(rows_for(conn, "SELECT key, name FROM nodes WHERE label = 'Paper' AND fold IN ({})", folds))
        else:
            with self._reading() as conn:
                found = [] if conn is None else list(rows_for(conn, "SELECT key, name FROM nodes WHERE label = 'Paper' AND fold IN ({})", folds))
        return paper_keys_in(((k, {"title": t}) for k, t in found), titles)

    def entity_names(self) -> list[str]:
        with self._reading() as conn:
            if conn is None:
                return []
            return [str(n) for (n,) in conn.execute("SELECT name FROM nodes WHERE label != 'Paper'")]

    def neighbourhood(self, key: str, label: str, per_group: int | None = None) -> Neighbourhood | None:
        with self._reading() as conn:
            if conn is None:
                return None
            row = conn.execute("SELECT label, props FROM nodes WHERE key = ?", (key,)).fetchone()
            if row is None or row[0] != label:
                return None
            counts: dict[str, int] = {}
            if per_group is None:
                rows = list(conn.execute('SELECT start, type, "end", props FROM rels WHERE start = ? '
                                         'UNION SELECT start, type, "end", props FROM rels WHERE "end" = ?', (key, key)))
            else:  # through the indexes on (start, type, end) and (end, type, start): a hub's first few
                counts = {f"out {t}": n for t, n in conn.execute("SELECT type, count(*) FROM rels WHERE start = ? GROUP BY type", (key,))}
                counts.update({f"in {t}": n for t, n in conn.execute('SELECT type, count(*) FROM rels WHERE "end" = ? AND start != ? GROUP BY type', (key, key))})
                rows = []
                for group in counts:
                    way, kind = group.split()
                    rows.extend(conn.execute('SELECT start, type, "end", props FROM rels WHERE start = ? AND type = ? ORDER BY "end" LIMIT ?'
                                             if way == "out" else
                                             'SELECT start, type, "end", props FROM rels WHERE "end" = ? AND type = ? AND start != "end" ORDER BY start LIMIT ?',
                                             (key, kind, per_group)))
            rels = [Relationship(type=RelType(t), start=s, end=e, properties=json.loads(p)) for s, t, e, p in rows]
            rels.sort(key=lambda r: r.key)
            other_keys = {k for r in rels for k in (r.start, r.end)} - {key}
            others = {
                k: Node(key=k, label=Label(lab), properties=json.loads(p))
                for k, lab, p in rows_for(conn, "SELECT key, label, props FROM nodes WHERE key IN ({})", other_keys)
            }
            return Neighbourhood(node=Node(key=key, label=Label(label), properties=json.loads(row[1])), relationships=rels, others=others,
                                 counts=counts)

    def comparisons(self, keys: list[str]) -> list[Relationship]:
        with self._reading() as conn:
            if conn is None:
                return []
            rows = rows_for(conn, "SELECT start, type, \"end\", props FROM rels WHERE type = 'COMPARES_TO' AND \"end\" IN ({})", set(keys))
            return sorted((Relationship(type=RelType(t), start=s, end=e, properties=json.loads(p)) for s, t, e, p in rows), key=lambda r: r.key)

    def count_claims(self, keys: list[str]) -> int:
        with self._reading() as conn:
            if conn is None:
                return 0
            return sum(n or 0 for (n,) in rows_for(
                conn, "SELECT sum(max(coalesce(json_array_length(props, '$.claims'), 0), 1)) FROM rels "
                      "WHERE type = 'COMPARES_TO' AND \"end\" IN ({})", set(keys)))

    # ---- a part of the graph, read through the indexes (pictures: graph.pictures.view) -------------------

    def neighbours(self, keys: list[str], types: set[str] | None, labels: set[str] | None, limit: int) -> Neighbours:
        with self._reading() as conn:
            out = Neighbours(links=[])
            if conn is None:
                return out
            typed = "" if types is None else f" AND type IN ({','.join('?' * len(types))})"
            args = sorted(types or ())
            others = (f'SELECT "end" AS other FROM rels WHERE start = ?{typed} '
                      f'UNION SELECT start FROM rels WHERE "end" = ?{typed}')
            kept = "" if labels is None else f" AND EXISTS (SELECT 1 FROM nodes WHERE key = other AND label IN ({','.join('?' * len(labels))}))"
            chosen = f"SELECT other FROM ({others}) WHERE other != ?{kept}"
            for key in dict.fromkeys(keys):
                params = [key, *args, key, *args, key, *sorted(labels or ())]
                total = conn.execute(f"SELECT count(*) FROM ({chosen})", params).fetchone()[0]
                if total > limit:
                    # the most connected neighbours, counted through the indexes on start and end
                    wanted = {k for (k,) in conn.execute(
                        f'SELECT other FROM ({chosen}) ORDER BY {_DEGREE.format(k="other")} DESC, other LIMIT ?', [*params, limit])}
                    out.unread[key] = total - limit
                else:
                    wanted = {k for (k,) in conn.execute(chosen, params)}
                out.links.extend(
                    (s, t, e) for s, t, e in conn.execute(
                        f'SELECT start, type, "end" FROM rels WHERE start = ?{typed} UNION SELECT start, type, "end" FROM rels WHERE "end" = ?{typed}',
                        [key, *args, key, *args])
                    if (e if s == key else s) in wanted)
            out.links = sorted(set(out.links))
            out.unread = dict(sorted(out.unread.items()))
            return out

    def degrees(self, keys: list[str]) -> dict[str, int]:
        with self._reading() as conn:
            if conn is None:
                return {}
            return dict(rows_for(conn, f"SELECT key, {_DEGREE.format(k='key')} FROM nodes WHERE key IN ({{}})", set(keys)))

    def connections(self, types: set[str] | None, labels: set[str] | None) -> dict[str, int]:
        """Counted through the indexes on (start, type, end) and (end, type, start); no row is read."""
        with self._reading() as conn:
            if conn is None:
                return {}
            where, args = [], []
            if types is not None:
                where.append(f"type IN ({','.join('?' * len(types))})")
                args += sorted(types)
            if labels is not None:
                kept = f"(SELECT key FROM nodes WHERE label IN ({','.join('?' * len(labels))}))"
                where.append(f'start IN {kept} AND "end" IN {kept}')
                args += sorted(labels) * 2
            clause = f" WHERE {' AND '.join(where)}" if where else ""
            rows = conn.execute(f'SELECT k, sum(n) FROM (SELECT start AS k, count(*) AS n FROM rels{clause} GROUP BY start '
                                f'UNION ALL SELECT "end", count(*) FROM rels{clause} GROUP BY "end") GROUP BY k', args * 2)
            return dict(rows.fetchall())

    def nodes_keyed(self, keys: list[str]) -> list[Node]:
        with self._reading() as conn:
            if conn is None:
                return []
            rows = rows_for(conn, "SELECT key, label, props FROM nodes WHERE key IN ({})", set(keys))
            return sorted((Node.model_construct(key=k, label=Label(label), properties=json.loads(p)) for k, label, p in rows), key=lambda n: n.key)

    def relationships_among(self, keys: list[str]) -> list[Relationship]:
        wanted = set(keys)
        with self._reading() as conn:
            if conn is None:
                return []
            rows = rows_for(conn, 'SELECT start, type, "end", props FROM rels WHERE start IN ({})', wanted)
            found = [Relationship.model_construct(type=RelType(t), start=s, end=e, properties=json.loads(p)) for s, t, e, p in rows if e in wanted]
            return sorted(found, key=lambda r: r.key)

    def first_relationships(self, keys: list[str], limit: int) -> list[Relationship]:
        out: list[Relationship] = []
        with self._reading() as conn:
            if conn is None:
                return []
            for key in sorted(set(keys)):
                rows = [*conn.execute('SELECT start, type, "end", props FROM rels WHERE start = ? ORDER BY type, "end" LIMIT ?', (key, limit)),
                        *conn.execute('SELECT start, type, "end", props FROM rels WHERE "end" = ? ORDER BY type, start LIMIT ?', (key, limit))]
                rows.sort(key=lambda row: (row[1], row[0], row[2]))
                out.extend(Relationship.model_construct(type=RelType(t), start=s, end=e, properties=json.loads(p)) for s, t, e, p in rows[:limit])
        return out


# ---- rows in and out ----------------------------------------------------------------------------


@contextmanager
def _as_store_errors(what: str) -> Iterator[None]:
    """The lock's timeout, SQLite's errors and the system's as one line for the user (StoreError)."""
    try:
        yield
    except LockTimeout as exc:
        raise StoreError(str(exc)) from None
    except sqlite3.Error as exc:
        raise StoreError(f"{what}: {exc}") from None
    except OSError as exc:
        raise StoreError(f"{what}: {exc.strerror or exc}") from None


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL: a commit is durable once the OS has it
        conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        version = conn.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(f"{path}: not a readable store ({exc})") from None
    if version is None or (version[0] != str(FORMAT_VERSION) and version[0] not in UPGRADABLE):
        conn.close()
        raise StoreError(f"{path}: store format {version and version[0]!r} is not {FORMAT_VERSION}")
    return conn


def _bump_generation(conn: sqlite3.Connection) -> None:
    """A new version of the graph: the kept answers of the old one go in the same transaction."""
    conn.execute("INSERT INTO meta VALUES ('generation', '1') ON CONFLICT (name) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
    conn.execute("DELETE FROM answers")


#: A node's number of relationships, counted through the indexes on (start, ...) and (end, ...).
_DEGREE = '(SELECT count(*) FROM rels WHERE start = {k}) + (SELECT count(*) FROM rels WHERE "end" = {k})'
#: Catalogue stubs (:class:`graph.store.Stats`): papers the catalogue names that no source lists.
COUNT_STUBS = ("SELECT count(*) FROM nodes WHERE label = 'Paper' AND json_extract(props, '$.catalogued_at') IS NOT NULL "
               "AND coalesce(json_array_length(props, '$.sources'), 0) = 0")
STUBS_ANSWER = "kg:paper-stubs"  # its kept answer's name: no canned query is called so


def _generation(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE name = 'generation'").fetchone()
    return int(row[0]) if row else 0


def _kept_answer(conn: sqlite3.Connection, name: str, key: str, generation: int) -> list[dict[str, Any]] | None:
    """The answer kept for this version of the graph, if any (none on a store not yet upgraded)."""
    try:
        row = conn.execute("SELECT rows FROM answers WHERE query = ? AND params = ? AND generation = ?", (name, key, generation)).fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else decode_rows(row[0])


def _complete(rel_type: RelType, props: dict[str, Any]) -> dict[str, Any]:
    return with_claim_lists(props) if rel_type is RelType.COMPARES_TO else props


def _missing_indexes(conn: sqlite3.Connection) -> list[str]:
    """The statements of :data:`QUERY_INDEXES` whose index the store does not have."""
    have = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    return [s for s in _statements(QUERY_INDEXES) if s.split()[2] not in have]


def _upgrade(conn: sqlite3.Connection, path: Path) -> None:
    """Format 3 -> 4 -> 5 -> 6, and the query indexes an older kg did not create, in one transaction
    of SQLite's own (so it needs no directory lock, and a writer holding that lock may call it): claim
    lists on every comparison (3 -> 4), the table of kept answers (4 -> 5), the word index of the
    search (5 -> 6; at 100,000 papers it takes seconds, once). An index is no change of
    format: without it a query gives the same rows, only slower. A store on a read-only file stays
    as it is; every reader takes a missing list as empty, and a missing table as no answer kept."""
    current = conn.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()[0] == str(FORMAT_VERSION)
    if current and not _missing_indexes(conn) and (has_words(conn) or not fts5()):
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc):
            return
        raise StoreError(f"{path}: cannot upgrade the store to format {FORMAT_VERSION} ({exc})") from None
    try:
        version = conn.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()[0]
        if version == "3":
            rows = conn.execute('SELECT rowid, props FROM rels WHERE type = ?', (RelType.COMPARES_TO.value,)).fetchall()
            for rowid, text in rows:
                props = json.loads(text)
                if (complete := with_claim_lists(props)) is not props:
                    conn.execute("UPDATE rels SET props = ? WHERE rowid = ?", (_ENCODE(complete), rowid))
        if version in UPGRADABLE:
            conn.execute(_ANSWERS_TABLE)
            conn.execute("UPDATE meta SET value = ? WHERE name = 'version'", (str(FORMAT_VERSION),))
        for statement in _missing_indexes(conn):
            conn.execute(statement)
        if not has_words(conn):
            build_words(conn)
        conn.execute("COMMIT")
    except BaseException as exc:
        conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise StoreError(f"{path}: cannot upgrade the store to format {FORMAT_VERSION} ({exc})") from None
        raise


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _empty() -> sqlite3.Connection:
    """An empty store in memory: what a query sees before anything was loaded."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    for statement in _statements(SCHEMA + QUERY_INDEXES):
        conn.execute(statement)
    return conn


def _present(conn: sqlite3.Connection, keys: set[str]) -> set[str]:
    return {k for (k,) in rows_for(conn, "SELECT key FROM nodes WHERE key IN ({})", keys)}


def _node_properties(conn: sqlite3.Connection, keys: set[str]) -> dict[str, dict[str, Any]]:
    """The stored properties of ``keys`` with their derived ones (as :func:`graph.lookup.derive`
    gives them, read back from their columns), as :func:`plan_merge` compares them."""
    if not keys or conn.execute("SELECT 1 FROM nodes LIMIT 1").fetchone() is None:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for k, label, p, fold, head, body in rows_for(conn, "SELECT key, label, props, fold, search_head, search_body FROM nodes WHERE key IN ({})", keys):
        props = json.loads(p)
        if label == "Paper":
            props.update(fold=fold, search_head=head, search_body=body)
        else:
            props.update(lookup=[], search_head=head)
        found[k] = props
    entities = [k for k, p in found.items() if "lookup" in p]
    for k, folded in rows_for(conn, "SELECT key, folded FROM lookup WHERE key IN ({}) ORDER BY key, folded", entities):
        found[k]["lookup"].append(folded)
    return found


def _rel_properties(conn: sqlite3.Connection, keys: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    if not keys or conn.execute("SELECT 1 FROM rels LIMIT 1").fetchone() is None:
        return {}
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    starts = sorted({k[0] for k in keys})
    for s, t, e, p in rows_for(conn, 'SELECT start, type, "end", props FROM rels WHERE start IN ({})', starts):
        if (s, t, e) in keys:
            found[(s, t, e)] = json.loads(p)
    return found


def _chunks(items: Iterable[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _put_nodes(conn: sqlite3.Connection, nodes: Iterable[Node]) -> None:
    for chunk in _chunks(nodes):
        rows, lookups = [], []
        for n in chunk:
            p = n.properties
            name = p.get("name") if p.get("name") is not None else p.get("title")
            rows.append((n.key, n.label.value, name, p.get("fold"), p.get("search_head"), p.get("search_body"), _ENCODE(visible(p))))
            lookups.extend((f, n.key) for f in p.get("lookup") or [])
        rows.sort()
        keys = [r[0] for r in rows]
        words = has_words(conn)
        if words:  # the words of the rows replaced go first: a replaced row gets another rowid
            unindex_words(conn, keys)
        conn.executemany("DELETE FROM lookup WHERE key = ?", [(r[0],) for r in rows if r[1] != "Paper"])  # papers have none
        conn.executemany("INSERT OR REPLACE INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany("INSERT OR IGNORE INTO lookup VALUES (?, ?)", lookups)
        if words:
            index_words(conn, keys)


def _put_rels(conn: sqlite3.Connection, rels: Iterable[Relationship]) -> None:
    for chunk in _chunks(rels):
        rows = sorted((r.start, r.type._value_, r.end, _ENCODE(r.properties)) for r in chunk)  # in index order: fewer pages touched
        conn.executemany("INSERT OR REPLACE INTO rels VALUES (?, ?, ?, ?)", rows)


def _refs(conn: sqlite3.Connection, keys: list[str]) -> list[NodeRef]:
    found = {k: (label, name) for k, label, name in rows_for(conn, "SELECT key, label, name FROM nodes WHERE key IN ({})", keys)}
    return [NodeRef(key=k, label=found[k][0], name=str(found[k][1] or k)) for k in keys if k in found]


def _whole_graph(conn: sqlite3.Connection) -> nx.MultiDiGraph:
    import networkx as nx

    g = nx.MultiDiGraph()
    for k, label, p in conn.execute("SELECT key, label, props FROM nodes"):
        g.add_node(k, label=Label(label), properties=derive(label, json.loads(p)))
    for s, t, e, p in conn.execute('SELECT start, type, "end", props FROM rels'):
        g.add_edge(s, e, key=t, properties=json.loads(p))
    return g
