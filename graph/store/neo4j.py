"""The Neo4j store: the same graph, the same merge and the same canned-query rows as the embedded store.

Nodes carry their label (``Paper``, ``System``, ``Hardware``, ``Technique``) and a unique ``key``
property; relationships are typed like :class:`graph.model.RelType`. A load is written batch by
batch (:mod:`graph.store.neo4j_write`): each transaction reads what the database holds for its keys,
folds its piece in with :func:`graph.store.plan_merge` (exactly as the embedded store does) and
writes the result. Transactions are managed: retried on transient errors, and one that fails
leaves the database as it was before it.

Labels and relationship types in the Cypher text come only from the ``Label`` / ``RelType`` enums;
every value is a query parameter.

Neo4j cannot store ``null``: a property whose value is ``None`` is not written, so it reads back
as absent (the embedded store keeps it as ``None``; merging treats both the same).
"""

from __future__ import annotations

import itertools
import logging
import re
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import neo4j
import neo4j.graph
from neo4j import exceptions as nx_exc

from graph.store import neo4j_write
from graph.config import Settings, redact
from graph.lookup import fold_name, name_candidates, visible
from graph.model import ENTITY_LABELS, Label, Node, Paper, Relationship, RelType
from graph.store import GraphBatch, LoadCounts, MergeSummary, Neighbourhood, Neighbours, NodeRef, Stats, StoreError, StoreUnavailable, counted
from graph.store.answers import answer_key, kept_queries
from graph.store.cypher import CypherError, CypherTimedOut, WriteRefused, to_plain
from graph.store.merge import CLAIM_DEFAULTS, CLAIM_FIELDS, with_claim_lists
from graph.store.neo4j_answers import Neo4jAnswers
from graph.store.neo4j_write import Written, chunks as _chunks, pieces, q as _q, readable as _readable, storable as _storable, write_piece
from graph.store.unload import UnloadSummary, trim

#: Catalogue stubs (:class:`graph.store.Stats`), read through the index on ``catalogued_at``.
COUNT_STUBS = ("MATCH (p:Paper) WHERE p.catalogued_at IS NOT NULL AND size(coalesce(p.sources, [])) = 0 "
               "RETURN count(p) AS n")
CLEAR_BATCH = 10_000  # nodes or relationships deleted per transaction by clear()
CONNECTION_TIMEOUT = 10.0  # seconds to open a connection (the driver's default is 30)
START_HINT = "start one with `make neo4j-up` (or `docker compose up -d`), or set NEO4J_URI"
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

# The driver logs connection failures, retries and server notifications; without a handler of
# the application's own, Python would print its warnings on stderr next to our one-line errors.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

T = TypeVar("T")


def schema_statements() -> list[str]:
    """Idempotent DDL: a uniqueness constraint on ``key`` per label, and the canned queries' indexes."""
    out = [
        f"CREATE CONSTRAINT {label.value.lower()}_key IF NOT EXISTS "
        f"FOR (n:{_q(label.value)}) REQUIRE n.key IS UNIQUE"
        for label in Label
    ]
    out += [
        f"CREATE INDEX {label.value.lower()}_name IF NOT EXISTS FOR (n:{_q(label.value)}) ON (n.name)"
        for label in ENTITY_LABELS
    ]
    out.append(f"CREATE INDEX hardware_kind IF NOT EXISTS FOR (n:{_q(Label.HARDWARE.value)}) ON (n.kind)")
    out.append(f"CREATE INDEX paper_title IF NOT EXISTS FOR (n:{_q(Label.PAPER.value)}) ON (n.title)")
    # the catalogue's stub papers (kg stats), a few hundred among any number of loaded ones
    out.append(f"CREATE INDEX paper_catalogued IF NOT EXISTS FOR (n:{_q(Label.PAPER.value)}) ON (n.catalogued_at)")
    # graph.lookup: folded titles for "part of a title", folded names and words for lookups and search
    out.append(f"CREATE TEXT INDEX paper_fold IF NOT EXISTS FOR (n:{_q(Label.PAPER.value)}) ON (n.fold)")
    entities = "|".join(_q(label.value) for label in ENTITY_LABELS)
    everything = "|".join(_q(label.value) for label in Label)
    whitespace = "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}"
    out.append(f"CREATE FULLTEXT INDEX entity_lookup IF NOT EXISTS FOR (n:{entities}) ON EACH [n.lookup] {whitespace}")
    out.append(f"CREATE FULLTEXT INDEX search IF NOT EXISTS FOR (n:{everything}) ON EACH [n.search_head, n.search_body] {whitespace}")
    return out


def schema_name(statement: str) -> tuple[str, str]:
    """('CONSTRAINT' or 'INDEX', name) of a statement of :func:`schema_statements`."""
    words = statement.split()
    return ("CONSTRAINT", words[2]) if words[1] == "CONSTRAINT" else ("INDEX", words[words.index("INDEX") + 1])


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


EXPLAIN = "EXPLAIN "
QUERY_KINDS = {"w": "writes", "rw": "reads and writes", "s": "changes the schema or the system"}


def _client_message(exc: nx_exc.Neo4jError, explained: bool) -> str:
    """The first line of the server's message; positions counted in the user's text, without our EXPLAIN."""
    text = (exc.message or str(exc)).strip()
    first = text.splitlines()[0] if text else ""

    def unshift(m: re.Match[str]) -> str:
        line, column, offset = (int(g) for g in m.groups())
        if line == 1:
            column = max(column - len(EXPLAIN), 1)
        return f"(line {line}, column {column} (offset: {max(offset - len(EXPLAIN), 0)}))"

    if explained:
        first = re.sub(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)", unshift, first)
    kind = (exc.code or "").rsplit(".", 1)[-1]
    label = "Cypher syntax error" if kind == "SyntaxError" else (kind or "Neo4j error")
    return f"{label}: {_one_line(first)}"


def _reason(exc: BaseException) -> str:
    text = str(exc)
    lowered = text.lower()
    if "connection refused" in lowered:
        return "connection refused"
    if "timed out" in lowered or "timeout" in lowered:
        return "timed out"
    if "cannot resolve address" in lowered or "name or service not known" in lowered:
        return "cannot resolve the host"
    message = getattr(exc, "message", None) or text
    return _one_line(message)[:200] or exc.__class__.__name__


class Neo4jStore:
    """A :class:`graph.store.GraphStore` on a Neo4j 5 server; open it with :meth:`connect`."""

    def __init__(self, driver: neo4j.Driver, settings: Settings) -> None:
        self.driver = driver
        self.settings = settings
        self.uri = redact(settings.neo4j_uri)  # as shown to the user
        self.database = settings.neo4j_database
        self._bookmarks = neo4j.GraphDatabase.bookmark_manager()
        self._schema_ready = False
        self._answers = Neo4jAnswers(settings.store, self.uri, self.database)

    # ---- connecting ------------------------------------------------------------------------

    @classmethod
    def connect(cls, settings: Settings, *, schema: bool = True) -> Neo4jStore:
        """Open a driver, check the server answers and accepts the credentials, and make the schema.

        With ``schema=False`` the constraints and indexes wait for :meth:`ensure_schema`."""
        uri = settings.neo4j_uri
        shown = redact(uri)
        parts = urllib.parse.urlsplit(uri)
        try:
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            raise StoreUnavailable(f"NEO4J_URI={shown!r} has an invalid port: use e.g. bolt://127.0.0.1:7687") from None
        if parts.username or parts.password:
            raise StoreUnavailable(f"NEO4J_URI={shown!r} holds credentials: put them in NEO4J_USERNAME and NEO4J_PASSWORD instead")
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise StoreUnavailable(
                f"NEO4J_URI={shown!r} is not a Neo4j address: use bolt://host:7687 or neo4j://host:7687 "
                "(bolt+s:// or neo4j+s:// with TLS)"
            )
        try:
            driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(settings.neo4j_username, settings.neo4j_password),
                connection_timeout=CONNECTION_TIMEOUT,
                notifications_min_severity="OFF",
                user_agent="mlsys-kg",
            )
        except (nx_exc.ConfigurationError, ValueError) as exc:
            raise StoreUnavailable(f"NEO4J_URI={shown!r} is not usable: {_reason(exc).replace(uri, shown)}") from None
        store = cls(driver, settings)
        try:
            driver.verify_connectivity()
            if schema:
                store.ensure_schema()
            else:
                store._read(lambda tx: tx.run("RETURN 1").consume())  # is the database there?
        except BaseException as exc:
            driver.close()
            if isinstance(exc, StoreError):
                raise
            if isinstance(exc, Exception):
                raise store._unavailable(exc) from None
            raise
        return store

    def _unavailable(self, exc: Exception) -> StoreError:
        """One line for the user about a failed connection, login or query."""
        uri, user = self.uri, self.settings.neo4j_username
        code = getattr(exc, "code", None) or ""
        if isinstance(exc, nx_exc.AuthError) or "Security.Unauthorized" in code:
            return StoreUnavailable(
                f"Neo4j at {uri} refused the credentials for user {user!r}: "
                "check NEO4J_USERNAME / NEO4J_PASSWORD in .env"
            )
        if "AuthenticationRateLimit" in code:
            return StoreUnavailable(
                f"Neo4j at {uri} locked user {user!r} after too many failed logins: wait a few seconds "
                "and check NEO4J_USERNAME / NEO4J_PASSWORD in .env"
            )
        if "DatabaseNotFound" in code:
            return StoreUnavailable(
                f"Neo4j at {uri} has no database {self.database!r}: check NEO4J_DATABASE in .env"
            )
        if isinstance(exc, (nx_exc.ServiceUnavailable, nx_exc.SessionExpired, OSError, ValueError)):
            return StoreUnavailable(f"cannot reach Neo4j at {uri} ({_reason(exc)}): {START_HINT}")
        if isinstance(exc, nx_exc.Neo4jError):
            return StoreError(f"Neo4j at {uri} failed: {code or exc.__class__.__name__}: {_reason(exc)}")
        return StoreError(f"Neo4j at {uri} failed: {exc.__class__.__name__}: {_reason(exc)}")

    def _session(self, **kwargs: Any) -> neo4j.Session:
        return self.driver.session(database=self.database, bookmark_manager=self._bookmarks, **kwargs)

    def _write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        try:
            with self._session() as session:
                return session.execute_write(work)
        except StoreError:
            raise
        except (nx_exc.Neo4jError, nx_exc.DriverError, OSError) as exc:
            raise self._unavailable(exc) from None

    def _read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        return self._read_versioned(work)[0]

    def version(self) -> str:
        """The database's version: the bookmark naming the last transaction committed to it."""
        return self._read_versioned(lambda tx: None)[1]

    def _read_versioned(self, work: Callable[[neo4j.ManagedTransaction], T]) -> tuple[T, str]:
        """What ``work`` read, and the database's version as it ended: the bookmark of its
        transaction, which names the last transaction committed (:mod:`graph.store.neo4j_answers`)."""
        try:
            with self._session(default_access_mode=neo4j.READ_ACCESS) as session:
                result = session.execute_read(work)
                return result, ",".join(sorted(session.last_bookmarks().raw_values))
        except StoreError:
            raise
        except (nx_exc.Neo4jError, nx_exc.DriverError, OSError) as exc:
            raise self._unavailable(exc) from None

    def ensure_schema(self) -> None:
        """Create the constraints and indexes that are missing (each statement is idempotent)."""
        if self._schema_ready:
            return
        with self._session() as session:
            existing = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}
            existing |= {r["name"] for r in session.run("SHOW INDEXES YIELD name")}
            missing = [s for s in schema_statements() if schema_name(s)[1] not in existing]
            for statement in missing:
                session.run(statement).consume()
        if missing:  # a new database, or one the bulk importer wrote (it writes no empty list)
            self.complete_claim_lists()
        self._schema_ready = True

    def complete_claim_lists(self) -> int:
        """Claim lists on every ``COMPARES_TO`` an older kg or the bulk importer left without them
        (:func:`graph.store.merge.with_claim_lists`), a transaction per ``ROWS``; how many were completed.
        Each load runs it once, so a graph loaded before is migrated by its next load."""
        fields = " OR ".join(f"r.{f} IS NULL" for f in CLAIM_FIELDS)
        padded = " OR ".join(f"size(r.{f}) < size(r.claims)" for f in CLAIM_DEFAULTS)
        find = (f"MATCH ()-[r:{_q(RelType.COMPARES_TO.value)}]->() WHERE {fields} OR {padded} "
                "RETURN elementId(r) AS id, properties(r) AS props LIMIT $rows")
        write = f"UNWIND $rows AS row MATCH ()-[r:{_q(RelType.COMPARES_TO.value)}]->() WHERE elementId(r) = row.id SET r += row.props"

        def work(tx: neo4j.ManagedTransaction) -> int:
            rows = [{"id": r["id"], "props": {f: v for f, v in with_claim_lists(dict(r["props"])).items() if f in CLAIM_FIELDS}}
                    for r in tx.run(find, rows=neo4j_write.ROWS)]
            tx.run(write, rows=rows).consume()
            return len(rows)

        done = 0
        while n := self._write(work):
            done += n
        return done

    # ---- merging ---------------------------------------------------------------------------

    def merge_all(self, batches: Iterable[GraphBatch]) -> MergeSummary:
        """Write the batches one after another, each in one transaction when it holds at most
        ``graph.store.neo4j_write.TX_ITEMS`` nodes and relationships, else in pieces of that size
        (:mod:`graph.store.neo4j_write`). A load stopped between two transactions leaves part of it;
        loading it again completes it, as merging is idempotent. The counts are the load's: a
        node one batch creates and a later one extends is one created node."""
        counts = LoadCounts()
        known: dict[str, Label] = {}
        self.complete_claim_lists()
        for batch in batches:
            self._rekey_papers(batch)
            for node in batch.nodes:
                known.setdefault(node.key, node.label)
            for piece in pieces(batch, neo4j_write.TX_ITEMS):
                written = self._write(lambda tx, piece=piece: self._merge(tx, piece, known))  # type: ignore[misc]
                for keys, kind, existed in ((written.nodes_created, "nodes", False), (written.nodes_updated, "nodes", True),
                                            (written.rels_created, "relationships", False), (written.rels_updated, "relationships", True)):
                    for key in keys:
                        counts.count(kind, key, existed)
        return counts.summary

    def merge(self, batch: GraphBatch) -> MergeSummary:
        return self.merge_all([batch])

    def _merge(self, tx: neo4j.ManagedTransaction, batch: GraphBatch, known: dict[str, Label]) -> Written:
        return write_piece(tx, batch, known)

    def _rekey_papers(self, batch: GraphBatch) -> int:
        """The batch's papers with titles outside ASCII, stored under the key of graphs loaded
        before paper keys kept every script's letters (a-z and 0-9 only), move to today's key
        (``Paper.key_for``), so loading them again does not make them twice. Looked up by those
        old keys in the key index; a stored title that folds otherwise, or a new key already
        taken, is left as it was."""
        wanted = {
            f"paper:{re.sub(r'[^a-z0-9]', '', title.lower())}": n.key
            for n in batch.nodes
            if n.label is Label.PAPER and not (title := str(n.properties.get("title") or "")).isascii()
        }
        wanted = {old: new for old, new in wanted.items() if old != new}
        if not wanted:
            return 0

        def work(tx: neo4j.ManagedTransaction) -> int:
            found = tx.run("UNWIND $keys AS k MATCH (p:Paper {key: k}) RETURN k AS key, p.title AS title", keys=sorted(wanted))
            moves = [{"old": r["key"], "new": wanted[r["key"]]} for r in found if Paper.key_for(str(r["title"])) == wanted[r["key"]]]
            if not moves:
                return 0
            return int(
                tx.run(
                    "UNWIND $moves AS m MATCH (p:Paper {key: m.old}) WHERE NOT EXISTS { MATCH (:Paper {key: m.new}) } "
                    "SET p.key = m.new RETURN count(p) AS n",
                    moves=moves,
                ).single(strict=True)["n"]
            )

        return self._write(work)

    # ---- reading ---------------------------------------------------------------------------

    def nodes(self) -> list[Node]:
        def work(tx: neo4j.ManagedTransaction) -> list[Node]:
            out: list[Node] = []
            for label in Label:
                for record in tx.run(f"MATCH (n:{_q(label.value)}) RETURN properties(n) AS props"):
                    props = visible(_readable(record["props"]))
                    key = props.pop("key", None)
                    if key is not None:
                        out.append(Node(key=key, label=label, properties=props))
            return out

        return sorted(self._read(work), key=lambda n: n.key)

    def relationships(self) -> list[Relationship]:
        def work(tx: neo4j.ManagedTransaction) -> list[Relationship]:
            out: list[Relationship] = []
            for rtype in RelType:
                result = tx.run(
                    f"MATCH (a)-[r:{_q(rtype.value)}]->(b) "
                    "WHERE a.key IS NOT NULL AND b.key IS NOT NULL "
                    "RETURN a.key AS start, b.key AS end, properties(r) AS props"
                )
                out.extend(
                    Relationship(type=rtype, start=rec["start"], end=rec["end"], properties=_readable(rec["props"]))
                    for rec in result
                )
            return out

        return sorted(self._read(work), key=lambda r: r.key)

    def stats(self) -> Stats:
        """The graph-stats query's counts, which Neo4j reads from its count store: they cost the
        same at any size."""
        nodes, rels = counted(self.run_query("graph-stats", {}))
        stubs = self._read(lambda tx: tx.run(COUNT_STUBS).single(strict=True)["n"])
        return Stats(nodes=nodes, relationships=rels, paper_stubs=stubs)

    def run_query(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        from queries.catalog import get_query

        query = get_query(name)
        bound = query.bind(params)

        def answer(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(query.cypher, bound)]

        if name not in kept_queries():
            return self._read(answer)
        # A whole-graph query: the answer kept for the database's version, if any. Neo4j reads
        # committed data, not one snapshot, so an answer is kept only if no write committed while
        # it was computed (the version before equals the version after).
        key = answer_key(bound)
        _, version = self._read_versioned(lambda tx: tx.run("RETURN 1").consume())
        kept = self._answers.get(name, key, version)
        if kept is not None:
            return kept
        rows, after = self._read_versioned(answer)
        if after == version:
            self._answers.put(name, key, version, rows)
        return rows

    def resolve(self, name: str) -> list[NodeRef]:
        candidates = name_candidates(name)
        if not candidates:
            return []

        def work(tx: neo4j.ManagedTransaction) -> list[NodeRef]:
            hits = [
                (rec["lookup"], NodeRef(key=rec["key"], label=rec["label"], name=rec["name"]))
                for rec in tx.run(
                    "CALL db.index.fulltext.queryNodes('entity_lookup', $q) YIELD node "
                    "RETURN node.key AS key, labels(node)[0] AS label, node.name AS name, node.lookup AS lookup",
                    q=" ".join(candidates),
                )
            ]
            for candidate in candidates:  # as typed first, then the singular
                found = sorted((ref for lookup, ref in hits if candidate in lookup), key=lambda r: r.key)
                if found:
                    return found
            return []

        return self._read(work)

    def papers_titled(self, part: str, limit: int) -> list[NodeRef]:
        wanted = fold_name(part)
        query = (
            f"MATCH (p:{_q(Label.PAPER.value)}) WHERE p.fold CONTAINS $f "
            "RETURN p.key AS key, p.title AS name ORDER BY p.fold <> $f, p.key LIMIT $limit"
        )
        rows = self._read(lambda tx: [rec.data() for rec in tx.run(query, f=wanted, limit=limit)])
        return [NodeRef(key=r["key"], label=Label.PAPER.value, name=r["name"]) for r in rows]

    def entity_names(self) -> list[str]:
        def work(tx: neo4j.ManagedTransaction) -> list[str]:
            return [n for label in ENTITY_LABELS for n in tx.run(f"MATCH (n:{_q(label.value)}) RETURN n.name AS n").value("n")]

        return self._read(work)

    def neighbourhood(self, key: str, label: str, per_group: int | None = None) -> Neighbourhood | None:
        node = f"MATCH (n:{_q(Label(label).value)} {{key: $key}}) "
        if per_group is None:
            query = (node + "OPTIONAL MATCH (n)-[r]-(m) WHERE m.key IS NOT NULL "
                     "RETURN properties(n) AS props, collect(CASE WHEN r IS NULL THEN null ELSE {type: type(r), start: startNode(r).key, "
                     "end: endNode(r).key, props: properties(r), other: properties(m), other_label: labels(m)[0]} END) AS rels")
            record = self._read(lambda tx: tx.run(query, key=key).single())
            counts: dict[str, int] = {}
        else:
            record, counts = self._read(lambda tx: self._first_of_each_group(tx, node, key, per_group))
        if record is None:
            return None
        props = _readable(record["props"])
        props.pop("key", None)
        rels, others = [], {}
        for item in record["rels"]:
            other = _readable(item["other"])
            other_key = other.pop("key")
            others[other_key] = Node(key=other_key, label=Label(item["other_label"]), properties=other)
            rels.append(Relationship(type=RelType(item["type"]), start=item["start"], end=item["end"], properties=_readable(item["props"])))
        return Neighbourhood(node=Node(key=key, label=Label(label), properties=props), relationships=sorted(rels, key=lambda r: r.key),
                             others=others, counts=counts)

    @staticmethod
    def _first_of_each_group(tx: neo4j.ManagedTransaction, node: str, key: str, per_group: int) -> tuple[dict[str, Any] | None, dict[str, int]]:
        """The node's properties and the first ``per_group`` relationships of each direction and type
        (by the other end's key), and how many there are of each."""
        found = tx.run(node + "RETURN properties(n) AS props", key=key).single()
        if found is None:
            return None, {}
        counts = {f"out {rec['type']}": rec["n"] for rec in tx.run(
            node + "MATCH (n)-[r]->(m) WHERE m.key IS NOT NULL RETURN type(r) AS type, count(r) AS n", key=key)}
        counts.update({f"in {rec['type']}": rec["n"] for rec in tx.run(
            node + "MATCH (n)<-[r]-(m) WHERE m.key IS NOT NULL AND m <> n RETURN type(r) AS type, count(r) AS n", key=key)})
        rels: list[dict[str, Any]] = []
        for group in counts:
            way, kind = group.split()
            rel = f"[r:{_q(RelType(kind).value)}]"
            pattern = f"(n)-{rel}->(m) WHERE m.key IS NOT NULL" if way == "out" else f"(n)<-{rel}-(m) WHERE m.key IS NOT NULL AND m <> n"
            rels.extend(rec["rel"] for rec in tx.run(
                node + f"MATCH {pattern} WITH r, m ORDER BY m.key LIMIT $limit "
                "RETURN {type: type(r), start: startNode(r).key, end: endNode(r).key, props: properties(r), other: properties(m), "
                "other_label: labels(m)[0]} AS rel", key=key, limit=per_group))
        return {"props": found["props"], "rels": rels}, counts

    def comparisons(self, keys: list[str]) -> list[Relationship]:
        rows = self._by_label(f"MATCH (b:{{label}})<-[r:{_q(RelType.COMPARES_TO.value)}]-(a) WHERE b.key IN $keys AND a.key IS NOT NULL "
                              "RETURN a.key AS start, type(r) AS type, b.key AS end, properties(r) AS props", keys)
        return sorted((_relationship(row) for row in rows), key=lambda r: r.key)

    def count_claims(self, keys: list[str]) -> int:
        rows = self._by_label(f"MATCH (b:{{label}})<-[r:{_q(RelType.COMPARES_TO.value)}]-(a) WHERE b.key IN $keys AND a.key IS NOT NULL "
                              "RETURN sum(CASE WHEN size(coalesce(r.claims, [])) > 0 THEN size(r.claims) ELSE 1 END) AS n", keys)
        return sum(row["n"] or 0 for row in rows)

    # ---- a part of the graph, read by key (pictures: graph.pictures.view) ------------------------------
    # Each query runs once per label, so that the key's uniqueness constraint finds the nodes.

    def _by_label(self, query: str, keys: list[str], **params: Any) -> list[dict[str, Any]]:
        """The rows of ``query`` (with ``{label}`` for a node label and ``$keys``) for every label."""
        wanted = sorted(set(keys))
        if not wanted:
            return []

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [rec.data() for label in Label for rec in tx.run(query.replace("{label}", _q(label.value)), keys=wanted, **params)]

        return self._read(work)

    def neighbours(self, keys: list[str], types: set[str] | None, labels: set[str] | None, limit: int) -> Neighbours:
        kept = ("m <> n AND m.key IS NOT NULL AND ($types IS NULL OR type(r) IN $types) "
                "AND ($labels IS NULL OR any(l IN labels(m) WHERE l IN $labels))")
        query = (
            f"MATCH (n:{{label}}) WHERE n.key IN $keys "
            f"CALL {{ WITH n MATCH (n)-[r]-(m) WHERE {kept} RETURN count(DISTINCT m) AS total }} "
            f"CALL {{ WITH n, total MATCH (n)-[r]-(m) WHERE {kept} WITH DISTINCT n, m, total "
            # the most connected neighbours, by Neo4j's degree counts, when there are more than asked for
            "WITH n, m ORDER BY CASE WHEN total > $limit THEN COUNT { (m)-->() } + COUNT { (m)<--() } ELSE 0 END DESC, m.key LIMIT $limit "
            "MATCH (n)-[r]-(m) WHERE $types IS NULL OR type(r) IN $types "
            "RETURN collect([startNode(r).key, type(r), endNode(r).key]) AS links } "
            "RETURN n.key AS key, total, links"
        )
        rows = self._by_label(query, keys, types=sorted(types) if types is not None else None,
                              labels=sorted(labels) if labels is not None else None, limit=limit)
        links = sorted({(s, t, e) for row in rows for s, t, e in row["links"]})
        return Neighbours(links=links, unread={row["key"]: row["total"] - limit for row in sorted(rows, key=lambda r: r["key"]) if row["total"] > limit})

    def degrees(self, keys: list[str]) -> dict[str, int]:
        rows = self._by_label("MATCH (n:{label}) WHERE n.key IN $keys RETURN n.key AS key, COUNT { (n)-->() } + COUNT { (n)<--() } AS degree", keys)
        return {r["key"]: r["degree"] for r in rows}

    def nodes_keyed(self, keys: list[str]) -> list[Node]:
        rows = self._by_label("MATCH (n:{label}) WHERE n.key IN $keys RETURN n.key AS key, labels(n) AS labels, properties(n) AS props", keys)
        out = []
        for row in rows:
            props = visible(_readable(row["props"]))
            props.pop("key", None)
            label = next(label for label in Label if label.value in row["labels"])
            out.append(Node.model_construct(key=row["key"], label=label, properties=props))
        return sorted(out, key=lambda n: n.key)

    def connections(self, types: set[str] | None, labels: set[str] | None) -> dict[str, int]:
        """Counted by Neo4j's degree counts per node (and type); no relationship is read when no
        label is asked for."""
        kept = "($types IS NULL OR type(r) IN $types) AND ($labels IS NULL OR any(l IN labels(m) WHERE l IN $labels))"
        query = (f"MATCH (n:{{label}}) WHERE $labels IS NULL OR '{{name}}' IN $labels "
                 f"WITH n, COUNT {{ (n)-[r]->(m) WHERE {kept} }} + COUNT {{ (n)<-[r]-(m) WHERE {kept} }} AS links "
                 "WHERE links > 0 RETURN n.key AS key, links")
        params = {"types": sorted(types) if types is not None else None, "labels": sorted(labels) if labels is not None else None}

        def work(tx: neo4j.ManagedTransaction) -> dict[str, int]:
            return {rec["key"]: rec["links"] for label in Label
                    for rec in tx.run(query.replace("{label}", _q(label.value)).replace("{name}", label.value), params)}

        return self._read(work)

    def relationships_among(self, keys: list[str]) -> list[Relationship]:
        rows = self._by_label("MATCH (a:{label})-[r]->(b) WHERE a.key IN $keys AND b.key IN $keys "
                              "RETURN a.key AS start, type(r) AS type, b.key AS end, properties(r) AS props", keys)
        return sorted((_relationship(row) for row in rows), key=lambda r: r.key)

    def first_relationships(self, keys: list[str], limit: int) -> list[Relationship]:
        rows = self._by_label(
            "MATCH (n:{label}) WHERE n.key IN $keys "
            "CALL { WITH n MATCH (n)-[r]->(m) WITH n, r, m ORDER BY type(r), m.key LIMIT $limit "
            "RETURN collect({start: n.key, type: type(r), end: m.key, props: properties(r)}) AS outgoing } "
            "CALL { WITH n MATCH (n)<-[r]-(m) WITH n, r, m ORDER BY type(r), m.key LIMIT $limit "
            "RETURN collect({start: m.key, type: type(r), end: n.key, props: properties(r)}) AS incoming } "
            "RETURN n.key AS key, outgoing + incoming AS rels", keys, limit=limit)
        out: list[Relationship] = []
        for row in sorted(rows, key=lambda r: r["key"]):
            found = sorted((_relationship(item) for item in row["rels"]), key=lambda r: (r.type.value, r.start, r.end))
            out.extend(found[:limit])
        return out

    def run_cypher(self, statement: str, params: dict[str, Any], *, write: bool = False,
                   timeout: float | None = None, max_rows: int | None = None, internal: bool = False) -> list[dict[str, Any]]:
        """Rows of one ad-hoc statement as plain Python (see :func:`graph.store.cypher.to_plain`; nodes
        and relationships without the stores' own lookup properties unless ``internal``).

        Unless ``write``, the server first plans it (``EXPLAIN``) and anything but a read is refused;
        the read then runs in a read-access transaction, which the server also holds to reading.
        ``timeout`` (seconds) is enforced by the server; at most ``max_rows`` rows are read."""
        if not write:
            self._refuse_writes(statement, params)

        @neo4j.unit_of_work(timeout=timeout)
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            records = itertools.islice(tx.run(statement, params), max_rows)
            return [{k: to_plain(v, internal) for k, v in record.items()} for record in records]

        return self._cypher(work, write=write, timeout=timeout)

    def _refuse_writes(self, statement: str, params: dict[str, Any]) -> None:
        """Plan ``statement`` (``EXPLAIN``) and refuse it unless the server plans it as a read."""
        kind = self._cypher(
            lambda tx: tx.run(f"{EXPLAIN}{statement}", params).consume().query_type, write=False, explained=True
        )
        if kind != "r":
            raise WriteRefused(QUERY_KINDS.get(kind or "", "is not a read"))

    def run_graph(self, statement: str, params: dict[str, Any]) -> neo4j.graph.Graph:
        """The nodes and relationships a read-only statement returns, as the driver's Graph (for pictures)."""
        self._refuse_writes(statement, params)
        return self._cypher(lambda tx: tx.run(statement, params).graph(), write=False)

    def _cypher(self, work: Callable[[neo4j.ManagedTransaction], T], *, write: bool, explained: bool = False,
                timeout: float | None = None) -> T:
        try:
            with self._session(default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS) as session:
                return session.execute_write(work) if write else session.execute_read(work)
        except nx_exc.ClientError as exc:
            code = exc.code or ""
            if isinstance(exc, nx_exc.AuthError) or ".Security." in code or "DatabaseNotFound" in code:
                raise self._unavailable(exc) from None
            if ".TransactionTimedOut" in code:
                raise CypherTimedOut(_client_message(exc, explained), timeout) from None
            raise CypherError(_client_message(exc, explained)) from None
        except (nx_exc.Neo4jError, nx_exc.DriverError, OSError) as exc:
            raise self._unavailable(exc) from None

    # ---- the rest --------------------------------------------------------------------------

    def paper_keys(self, titles: list[str]) -> dict[str, str]:
        """For each of ``titles``, the key of a stored paper whose title folds alike
        (:func:`graph.store.identity.paper_keys_in`), found through the ``fold`` text index."""
        from graph.store.identity import paper_keys_in
        from graph.lookup import fold_name

        folds = sorted({f for t in titles if (f := fold_name(t))})
        if not folds:
            return {}

        def work(tx: neo4j.ManagedTransaction) -> list[tuple[str, dict[str, Any]]]:
            found = tx.run("UNWIND $folds AS f MATCH (p:Paper) WHERE p.fold = f RETURN p.key AS key, p.title AS title", folds=folds)
            return [(r["key"], {"title": r["title"]}) for r in found]

        return paper_keys_in(self._read(work), titles)

    def unload(self, files: set[str]) -> UnloadSummary:
        """Take ``files`` back out (:mod:`graph.store.unload`), in one write transaction."""
        prefixes = sorted(f + ":" for f in files)
        cited = "any(s IN coalesce(x.sources, []) WHERE any(p IN $prefixes WHERE s STARTS WITH p))"

        def work(tx: neo4j.ManagedTransaction) -> UnloadSummary:
            summary = UnloadSummary(files=sorted(files))
            for kind, match, by_id in (
                ("relationship", "MATCH ()-[x]->()", "MATCH ()-[x]->() WHERE elementId(x) = row.id"),
                ("node", "MATCH (x)", "MATCH (x) WHERE elementId(x) = row.id"),
            ):
                found = tx.run(f"{match} WHERE {cited} RETURN elementId(x) AS id, properties(x) AS props", prefixes=prefixes)
                gone, kept = [], []
                for record in found:
                    after = trim(_readable(record["props"]), files)
                    if after is None:
                        gone.append({"id": record["id"]})
                    else:
                        kept.append({"id": record["id"], "props": _storable(after)})
                detach = "DETACH " if kind == "node" else ""
                for rows in _chunks(gone):
                    tx.run(f"UNWIND $rows AS row {by_id} {detach}DELETE x", rows=rows).consume()
                for rows in _chunks(kept):
                    tx.run(f"UNWIND $rows AS row {by_id} SET x = row.props", rows=rows).consume()
                if kind == "node":
                    summary.papers_removed += len(gone)
                else:
                    summary.relationships_removed += len(gone)
                summary.items_updated += len(kept)
            # papers without sources are catalogue stubs (loaders.extract): they keep nothing alive
            orphans = tx.run(
                "MATCH (n) WHERE NOT n:Paper AND NOT EXISTS { MATCH (p:Paper)-[*1..6]->(n) WHERE size(coalesce(p.sources, [])) > 0 } "
                "WITH n, COUNT { (n)--() } AS degree DETACH DELETE n RETURN count(n) AS nodes, sum(degree) AS rels"
            ).single(strict=True)
            summary.nodes_removed += orphans["nodes"]
            summary.relationships_removed += orphans["rels"] or 0
            stubs = tx.run(
                "MATCH (p:Paper) WHERE size(coalesce(p.sources, [])) = 0 AND NOT EXISTS { (p)-->() } "
                "DELETE p RETURN count(p) AS n"
            ).single(strict=True)
            summary.nodes_removed += stubs["n"]
            return summary

        return self._write(work)

    def clear(self) -> None:
        """Delete every node and relationship, a batch per transaction (the schema stays).

        Relationships go first: DETACH DELETE of a hub (GPU, named by most papers) would hold all
        of its relationships in one transaction's memory."""
        for statement in ("MATCH ()-[r]->() WITH r LIMIT $size DELETE r RETURN count(*) AS n",
                          "MATCH (n) WITH n LIMIT $size DETACH DELETE n RETURN count(*) AS n"):
            while self._write(lambda tx, statement=statement: tx.run(statement, size=CLEAR_BATCH).single(strict=True)["n"]):  # type: ignore[misc]
                pass

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _relationship(row: dict[str, Any]) -> Relationship:
    return Relationship.model_construct(type=RelType(row["type"]), start=row["start"], end=row["end"], properties=_readable(row["props"]))
