"""The Python face of the library: the same functions the ``kg`` command calls.

>>> import tempfile
>>> kg = KnowledgeGraph.open(Settings(store=tempfile.mkdtemp()))
>>> kg.load(["tests/fixtures/blank_separated.txt"]).papers > 0
True
>>> rows = kg.query("most-compared", limit=1)
>>> sorted(rows[0]) if rows else ['baseline', 'label', 'papers']
['baseline', 'label', 'papers']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pydantic import BaseModel

from graph.claims import ClaimRow, claim_rows
from graph.config import Settings
from graph.export import write_export
from graph.lookup import fold_name, suggest, visible, words
from graph.model import Label, ListingEntry, Node, RelType
from graph.pictures.chart import ClaimsChart
from graph.pictures.view import NEIGHBOURHOOD_NODES, OVERVIEW_NODES, GraphView, neighbourhood_of, overview_of, parse_labels, parse_types
from graph.rows import Rows
from graph.store import GraphStore, MergeSummary, Neighbourhood, NodeRef, Stats, counted
from graph.store.cypher import CypherNeedsNeo4j
from graph.store.embedded import EmbeddedStore
from graph.store.identity import KnownPapers
from graph.store.unload import UnloadSummary
from loaders.formats import ReadOptions
from loaders.pipeline import Skipped, load_batches, read_sources, report_of
from queries.catalog import CannedQuery, NameNotFound, QueryError, canned_queries, get_query

if TYPE_CHECKING:
    import networkx as nx  # imported where used: it costs a third of kg's start-up
    import pandas

MIN_TITLE_PART = 3  # folded characters a part of a title needs: "e" would match every paper
FACTS_PER_GROUP = 100  # what kg show, the entity page and /api/show list of each direction and type of fact
VARIANTS_READ = 10_000  # the most variants of one baseline the claims read


class LoadResult(BaseModel):
    files: int
    entries: int
    papers: int
    summary: MergeSummary
    skipped: list[Skipped] = []  # files met in folders and not loaded, with the reason
    filtered: int = 0  # records the category filter left out


def open_store(settings: Settings) -> GraphStore:
    if settings.backend == "neo4j":
        from graph.store.neo4j import Neo4jStore

        return Neo4jStore.connect(settings)
    return EmbeddedStore(settings.store)


class KnowledgeGraph:
    """A store plus the operations users run on it."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    @classmethod
    def open(cls, settings: Settings | None = None) -> KnowledgeGraph:
        return cls(open_store(settings or Settings.from_env()))

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def load(
        self,
        paths: Iterable[str | Path],
        progress: Callable[[Iterable[ListingEntry]], Iterable[ListingEntry]] = lambda it: it,
        jobs: int = 1,
        format: str | None = None,
        categories: Iterable[str] = (),
        allow_title_only: bool = False,
    ) -> LoadResult:
        """Read, extract and merge source files (listings, arXiv JSON lines, HF daily-papers JSON,
        BibTeX, CSV; gzip or not) and folders of them; nothing is written unless every file parses.

        ``format`` forces a format (:data:`loaders.formats.BY_NAME`); ``categories`` keeps only
        arXiv records in one of them; ``allow_title_only`` takes a file whose entries have no
        abstract (a list of titles) for a source. ``jobs`` processes extract at once (the graph is
        the same for any number); the store merges the facts a batch at a time as they come."""
        options = ReadOptions(format=format, categories=frozenset(categories), allow_title_only=allow_title_only)
        read = read_sources([Path(p) for p in paths], options)
        summary = self.store.merge_all(load_batches(read.entries, self._known_papers(), progress=progress, jobs=jobs))
        report = report_of(read)
        return LoadResult(files=report.files, entries=report.entries, papers=report.papers, summary=summary,
                          skipped=report.skipped, filtered=report.filtered)

    def _known_papers(self) -> KnownPapers:
        """How the store names the papers it holds by title (:mod:`graph.store.identity`)."""
        return self.store.paper_keys

    def unload(self, paths: Iterable[str | Path]) -> UnloadSummary:
        """Take listing files back out of the graph: what only they cited goes (:mod:`graph.store.unload`).

        Files are named as loaded (their file names); a name the graph never cited changes nothing."""
        return self.store.unload({Path(p).name for p in paths})

    def stats(self) -> Stats:
        return self.store.stats()

    def queries(self) -> tuple[CannedQuery, ...]:
        return canned_queries()

    def query(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run a canned query; a name or title parameter that matches nothing raises NameNotFound."""
        query = get_query(query_name)
        bound = query.bind(params)  # unknown names and bad parameters fail the same on every backend
        for p in query.parameters:
            if p.is_name:
                self._check_name(p.type, bound[p.name])
        return self.store.run_query(query_name, bound)

    def cypher(self, statement: str, params: dict[str, Any] | None = None, *, write: bool = False,
               timeout: float | None = None, max_rows: int | None = None, internal: bool = False) -> Rows[dict[str, Any]]:
        """Rows of one ad-hoc Cypher statement as plain Python (needs the Neo4j backend).

        Read-only unless ``write=True``: a statement the server plans as anything but a read is
        refused with :class:`graph.store.cypher.CypherError`. Values travel as ``params``. The server
        stops it after ``timeout`` seconds; only the first ``max_rows`` rows are read. Nodes and
        relationships come with the graph's own properties; ``internal=True`` adds the lookup
        properties the stores derive (``lookup``, ``fold``, ``search_head``, ``search_body``)."""
        from graph.store.neo4j import Neo4jStore

        if not isinstance(self.store, Neo4jStore):
            raise CypherNeedsNeo4j()
        rows = self.store.run_cypher(statement, dict(params or {}), write=write, timeout=timeout, max_rows=max_rows, internal=internal)
        return Rows(rows, list(rows[0]) if rows else [])

    def resolve(self, name: str) -> Rows[NodeRef]:
        """The systems, hardware and techniques ``name`` names, spelt any way the extractor folds."""
        return Rows(self.store.resolve(name), list(NodeRef.model_fields))

    def find(self, name_or_title: str, limit: int = 50) -> Rows[NodeRef]:
        """Entities named ``name_or_title``, else papers whose title contains it (exact titles first)."""
        return Rows(self.store.resolve(name_or_title) or self._papers(name_or_title, limit), list(NodeRef.model_fields))

    def show(self, name_or_title: str, per_group: int | None = None) -> Profile:
        """Everything the graph knows about the best match for ``name_or_title``, with citations
        (at most ``per_group`` facts of each direction and type, the rest counted: see :meth:`profile`)."""
        found = self.find(name_or_title, limit=1)
        if not found:
            raise self.not_found("nothing in the graph is named", name_or_title)
        return self.profile(found[0], per_group=per_group)

    def profile(self, ref: NodeRef, per_group: int | None = None) -> Profile:
        """A node's properties and cited facts: all of them, or at most ``per_group`` of each
        direction and type (the first by the other end's key), with how many more in ``Profile.more``."""
        hood = self.store.neighbourhood(ref.key, ref.label, per_group=per_group)
        if hood is None:
            raise QueryError(f"no {ref.label} with key {ref.key!r}")
        return profile(hood)

    def _papers(self, part: str, limit: int) -> list[NodeRef]:
        if len(fold_name(part)) < MIN_TITLE_PART:
            return []
        return self.store.papers_titled(part, limit)

    def _check_name(self, kind: str, value: str) -> None:
        if kind == "paper":
            if not self._papers(value, 1):
                raise self.not_found("no paper's title contains", value, papers=True)
            return
        found = self.store.resolve(value)
        if kind == "hardware":
            found = [r for r in found if r.label == Label.HARDWARE.value]
        if not found:
            what = "no hardware is named" if kind == "hardware" else "no system, hardware or technique is named"
            raise self.not_found(what, value)

    def not_found(self, what: str, value: str, papers: bool = False) -> NameNotFound:
        """The error for a name or title that matches nothing, with the closest known names (and
        titles holding its words of three letters or more: 'e' suggests nothing)."""
        suggestions = suggest(value, self.store.entity_names())
        if papers or not suggestions:
            wanted = " ".join(w for w in words(value) if len(w) >= 3)
            found = [r["name"] for r in self.query("search", q=wanted, limit=5)] if wanted else []
            suggestions = list(dict.fromkeys([*suggestions, *found]))[:5]
        return NameNotFound(f"{what} {value!r}", suggestions)

    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph as a networkx MultiDiGraph: nodes by key with ``label`` and their
        properties, edges keyed by relationship type with ``type`` and their properties.

        >>> import tempfile
        >>> kg = KnowledgeGraph.open(Settings(store=tempfile.mkdtemp()))
        >>> _ = kg.load(["loaders/examples/example_listing.txt"])
        >>> g = kg.to_networkx()
        >>> g.nodes["system:vllm"]["label"], g.nodes["system:vllm"]["name"]
        ('System', 'vLLM')
        >>> sorted({d["type"] for _, _, d in g.edges(data=True)}) >= ["COMPARES_TO"]
        True
        """
        import networkx as nx

        g = nx.MultiDiGraph()
        for node in self.store.nodes():
            g.add_node(node.key, label=node.label.value, **node.properties)
        for rel in self.store.relationships():
            g.add_edge(rel.start, rel.end, key=rel.type.value, type=rel.type.value, **rel.properties)
        return g

    def visualize(
        self,
        name: str | None = None,
        *,
        depth: int = 2,
        rels: str | Sequence[str] | None = None,
        labels: str | Sequence[str] | None = None,
        max_nodes: int | None = None,
    ) -> GraphView:
        """A picture of ``name``'s neighbourhood, or without a name an overview of the most connected
        nodes; it renders inline in Jupyter and ``.save(path)`` writes a self-contained page.

        ``name`` resolves like :meth:`show` (an entity's name or alias, or part of a paper's title);
        ``rels`` and ``labels`` keep only those relationship types and node labels ("COMPARES_TO,TARGETS").

        >>> import tempfile
        >>> kg = KnowledgeGraph.open(Settings(store=tempfile.mkdtemp()))
        >>> _ = kg.load(["loaders/examples/example_listing.txt"])
        >>> view = kg.visualize("vllm", rels="COMPARES_TO,TARGETS")
        >>> view.nodes[0].caption, sorted({r.type for r in view.relationships})
        ('vLLM', ['COMPARES_TO', 'TARGETS'])
        >>> kg.visualize().counts.startswith("showing ")
        True
        """
        types = parse_types([rels] if isinstance(rels, str) else rels)
        kinds = parse_labels([labels] if isinstance(labels, str) else labels)
        focus = None
        if name is not None:
            found = self.find(name, limit=1)
            if not found:
                raise self.not_found("nothing in the graph is named", name)
            focus = found[0].key
        # the counts of graph-stats, kept per graph version: not stats(), whose stub count reads every paper
        nodes, rels = counted(self.store.run_query("graph-stats", {}))
        if focus is None:
            return overview_of(self.store, nodes, sum(rels.values()), types=types, labels=kinds,
                               max_nodes=max_nodes or OVERVIEW_NODES)
        totals = (sum(nodes.values()), sum(rels.values()))
        return neighbourhood_of(self.store, focus, totals, depth=depth, types=types, labels=kinds,
                                max_nodes=max_nodes or NEIGHBOURHOOD_NODES)

    def claims(self, name: str, variants: bool = True) -> Rows[ClaimRow]:
        """Every claim the graph holds against the baseline ``name`` (spelt any way; with its
        variants unless ``variants=False``): one row per number, sorted by paper, and one row with
        ``value`` None for each comparison that states no number.

        >>> import tempfile
        >>> kg = KnowledgeGraph.open(Settings(store=tempfile.mkdtemp()))
        >>> _ = kg.load(["loaders/examples/example_listing.txt"])
        >>> rows = kg.claims("vllm")
        >>> rows[0].baseline, rows[0].claim, rows[0].cited_at
        ('vLLM', '1.8× throughput', 'example_listing.txt:15')
        """
        keys = self._baselines(name, variants)
        names = {n.key: _display(n) for n in self.store.nodes_keyed(keys)}
        comparisons = self.store.comparisons(keys)
        papers = {n.key: _display(n) for n in self.store.nodes_keyed([r.start for r in comparisons])}
        rows = [row for r in comparisons for row in claim_rows(r, papers[r.start], names[r.end])]
        rows.sort(key=lambda c: (c.paper.lower(), c.paper_key, c.baseline, c.value is None, c.claim or ""))
        return Rows(rows, list(ClaimRow.model_fields))

    def count_claims(self, name: str, variants: bool = True) -> int:
        """How many rows :meth:`claims` gives, counted by the store without reading them."""
        return self.store.count_claims(self._baselines(name, variants))

    def _baselines(self, name: str, variants: bool) -> list[str]:
        """The keys ``name`` resolves to, with their variants' (and theirs) unless ``variants=False``."""
        found = self.store.resolve(name)
        if not found:
            raise self.not_found("no system, hardware or technique is named", name)
        keys = [ref.key for ref in found]
        todo = list(keys) if variants else []
        while todo:
            links = self.store.neighbours(todo, {RelType.VARIANT_OF.value}, None, limit=VARIANTS_READ).links
            todo = [s for s, _, e in links if e in todo and s not in keys]
            todo = list(dict.fromkeys(todo))
            keys.extend(todo)
        return keys

    def chart(self, name: str, variants: bool = True) -> ClaimsChart:
        """A chart of :meth:`claims`: renders inline in Jupyter; ``.save(path)`` writes .html, .png or .svg."""
        found = self.store.resolve(name)
        title = found[0].name if found else name
        return ClaimsChart(baseline=title, rows=self.claims(name, variants=variants))

    def visualize_cypher(self, statement: str, params: dict[str, Any] | None = None, title: str | None = None) -> GraphView:
        """A picture of the nodes and relationships a read-only Cypher statement returns (Neo4j backend).

        ``kg.visualize_cypher("MATCH (p:Paper)-[r:COMPARES_TO]->(s:System {name: 'vLLM'}) RETURN p, r, s")``"""
        from graph.store.neo4j import Neo4jStore
        from graph.pictures.view import from_neo4j

        if not isinstance(self.store, Neo4jStore):
            raise CypherNeedsNeo4j()
        return from_neo4j(self.store.run_graph(statement, dict(params or {})), title=title or statement)

    def protected(self) -> list[Path]:
        """Directories an output file must not be written into: the embedded store's own."""
        return [self.store.directory] if isinstance(self.store, EmbeddedStore) else []

    def export(self, fh: IO[str]) -> int:
        return write_export(self.store.nodes(), self.store.relationships(), fh)


class Fact(BaseModel):
    """One relationship seen from a node: direction, type, the node at the other end, the citation."""

    direction: str  # "out" (this node -> other) or "in"
    type: str
    other: str  # name or title of the node at the other end
    other_key: str
    evidence: str | None = None
    source: str | None = None
    line: int | None = None
    claims: list[str] = []


class MoreFacts(BaseModel):
    """How many facts of one direction and type a profile counts but does not list, and the canned
    query that lists them (with its parameters), if one does."""

    direction: str
    type: str
    count: int
    query: str | None = None
    params: dict[str, str] = {}


#: The canned query that lists a node's facts of one direction and type, and its name parameter.
LISTED_BY = {("in", "TARGETS"): ("papers-targeting", "hardware"), ("in", "COMPARES_TO"): ("papers-comparing-to", "name"),
             ("in", "USES"): ("papers-using", "name")}


class Profile(BaseModel):
    """A node's properties and its cited facts (``kg show``); ``to_dataframe()`` tabulates the facts.
    ``more`` counts the facts of each direction and type left unlisted by a bound on them."""

    key: str
    label: str
    name: str
    properties: dict[str, Any]
    facts: list[Fact]
    more: list[MoreFacts] = []

    def __repr__(self) -> str:
        kinds = Counter(f"{f.type} {'out' if f.direction == 'out' else 'in'}" for f in self.facts)
        shown = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
        return f"<Profile {self.label} {self.name!r}: {len(self.facts)} facts ({shown or 'none'})>"

    def to_dataframe(self) -> pandas.DataFrame:
        """The facts as a pandas DataFrame, one row each with its citation."""
        return Rows(self.facts, list(Fact.model_fields)).to_dataframe()


def _display(node: Node) -> str:
    return str(node.properties.get("name") or node.properties.get("title") or node.key)


def profile(hood: Neighbourhood) -> Profile:
    """The node's visible properties and one cited fact per relationship read (a class's products
    left out), and how many more of each direction and type the store counted."""
    node = hood.node
    facts = []
    for r in hood.relationships:
        if r.type.value == "IS_A" and r.start != node.key:
            continue
        out = r.start == node.key
        other = hood.others[r.end if out else r.start]
        p = r.properties
        facts.append(Fact(
            direction="out" if out else "in", type=r.type.value, other=_display(other), other_key=other.key,
            evidence=p.get("evidence"), source=p.get("source"), line=p.get("line"), claims=list(p.get("claims") or []),
        ))
    facts.sort(key=lambda f: (f.direction, f.type, f.other))
    listed = Counter((f.direction, f.type) for f in facts)
    more = []
    for group, count in sorted(hood.counts.items()):
        direction, kind = group.split()
        if count > listed[direction, kind] and not (kind == "IS_A" and direction == "in"):
            query, param = LISTED_BY.get((direction, kind), (None, ""))
            more.append(MoreFacts(direction=direction, type=kind, count=count - listed[direction, kind], query=query,
                                  params={param: _display(node)} if query else {}))
    return Profile(key=node.key, label=node.label.value, name=_display(node), properties=visible(node.properties), facts=facts, more=more)
