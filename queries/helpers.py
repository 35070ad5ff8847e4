"""Python query helpers: one typed function per canned query, returning pydantic rows.

Each function runs the canned query of the same name through :meth:`graph.api.KnowledgeGraph.query`
(so names resolve, and unknown ones raise :class:`queries.catalog.NameNotFound`, exactly as in
``kg query``) and returns a :class:`graph.rows.Rows` list, which turns into a pandas DataFrame and,
when its rows are edges (a paper and its baseline, two hardware targeted together), a networkx graph.

>>> import tempfile
>>> from graph.api import KnowledgeGraph
>>> from graph.config import Settings
>>> kg = KnowledgeGraph.open(Settings(store=tempfile.mkdtemp()))
>>> _ = kg.load(["loaders/examples/example_listing.txt"])
>>> rows = papers_comparing_to(kg, "vllm")
>>> rows[0].baseline, type(rows[0]).__name__
('vLLM', 'Comparison')
>>> top = most_compared(kg, limit=3)
>>> [r.papers for r in top] == sorted((r.papers for r in top), reverse=True)
True
>>> df = top.to_dataframe()  # needs pandas: pip install 'mlsys-kg[pandas]'
>>> list(df.columns)
['baseline', 'label', 'papers']
>>> g = papers_comparing_to(kg, "vllm").to_networkx()
>>> sorted({b for _, b in g.edges()})
['vLLM']
>>> hits = search(kg, "serving")
>>> all(h.label in ("Paper", "System", "Hardware", "Technique") for h in hits)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from graph.rows import EdgeRow, Rows  # noqa: F401 - Rows is re-exported for the helpers' users

if TYPE_CHECKING:
    from graph.api import KnowledgeGraph

R = TypeVar("R", bound=BaseModel)


class Cited(BaseModel):
    """Where a fact was read: the sentence, the listing file and its line."""

    evidence: str | None = None
    source: str | None = None
    line: int | None = None


class Baseline(BaseModel):
    baseline: str
    label: str
    papers: int


class Comparison(Cited, EdgeRow):
    ends = ('paper', 'baseline')

    paper: str
    baseline: str
    claims: list[str]


class BeatsProposed(Cited, EdgeRow):
    ends = ('paper', 'system')

    proposed_by: str
    system: str
    paper: str
    claims: list[str]


class BestClaim(Cited, EdgeRow):
    ends = ('paper', 'baseline')

    metric: str | None
    unit: str | None
    best: float | None
    bound: str | None = None  # "up to", "average", "range", "at least" or "plain"
    measured_on: str | None = None  # the hardware the best number was measured on, when the sentence says
    paper: str
    baseline: str
    claim: str | None


class Use(Cited, EdgeRow):
    ends = ('paper', 'used')

    paper: str
    used: str


class Target(Cited, EdgeRow):
    ends = ('paper', 'hardware')

    paper: str
    hardware: str


class PaperHardware(Target):
    kind: str | None = None


class PaperFact(Cited, EdgeRow):
    ends = ('paper', 'name')

    paper: str
    relation: str
    name: str | None
    label: str
    claims: list[str]


class Proposal(EdgeRow):
    ends = ('proposed', 'hardware')

    paper: str
    proposed: str | None
    hardware: str


class TechniqueOnHardware(EdgeRow):
    ends = ('technique', 'hardware')

    technique: str
    hardware: str
    papers: int


class Chain(EdgeRow):
    """Baselines in a chain: each compared against the next by one of ``papers``."""

    chain: list[str]
    papers: list[str]
    steps: int

    def edges(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [(a, b, {"chain": self.chain, "papers": self.papers}) for a, b in zip(self.chain, self.chain[1:])]


class LaterBaseline(BaseModel):
    system: str
    label: str
    baseline_in: int
    proposed_by: list[str]
    compared_by: list[str]


class Pair(EdgeRow):
    ends = ('first', 'second')

    first: str
    second: str
    papers: int


class Discovered(BaseModel):
    name: str
    label: str
    kind: str | None
    papers: int
    relations: list[str]
    example: str
    evidence: str | None


class Hit(BaseModel):
    label: str
    name: str
    key: str
    in_name: int


class NearbyFact(Cited, EdgeRow):
    ends = ('start', 'end')

    distance: int
    start: str
    type: str
    end: str


class Count(BaseModel):
    kind: str
    name: str
    count: int


def _rows(kg: KnowledgeGraph, query: str, model: type[R], **params: Any) -> Rows[R]:
    raw = kg.query(query, **params)
    return Rows([model.model_validate(row) for row in raw], list(raw[0]) if raw else list(model.model_fields))


def most_compared(kg: KnowledgeGraph, limit: int = 10) -> Rows[Baseline]:
    """The baselines compared against most often."""
    return _rows(kg, "most-compared", Baseline, limit=limit)


def papers_comparing_to(kg: KnowledgeGraph, name: str, variants: bool = True, limit: int = 100) -> Rows[Comparison]:
    """Papers that compare against ``name`` (any spelling), with their claims and citation; the
    first ``limit`` rows by title."""
    return _rows(kg, "papers-comparing-to", Comparison, name=name, variants=variants, limit=limit)


def leaderboard(kg: KnowledgeGraph, name: str, metric: str = "any", variants: bool = True,
                limit: int = 100) -> Rows[BestClaim]:
    """Each paper's best stated factor per metric against ``name``; the first ``limit`` rows."""
    return _rows(kg, "leaderboard", BestClaim, name=name, metric=metric, variants=variants, limit=limit)


def papers_using(kg: KnowledgeGraph, name: str, variants: bool = True, limit: int = 100) -> Rows[Use]:
    """Papers built on or about a system or technique; the first ``limit`` rows by title."""
    return _rows(kg, "papers-using", Use, name=name, variants=variants, limit=limit)


def paper_comparisons(kg: KnowledgeGraph, title: str) -> Rows[Comparison]:
    """What the papers whose title contains ``title`` compare against."""
    return _rows(kg, "paper-comparisons", Comparison, title=title)


def beats_proposed_by(kg: KnowledgeGraph, title: str) -> Rows[BeatsProposed]:
    """Papers that compare against what the papers whose title contains ``title`` propose (the
    paper that introduced vLLM, say), with their claims."""
    return _rows(kg, "beats-proposed-by", BeatsProposed, title=title)


def paper_hardware(kg: KnowledgeGraph, title: str) -> Rows[PaperHardware]:
    """The hardware the papers whose title contains ``title`` run on."""
    return _rows(kg, "paper-hardware", PaperHardware, title=title)


def paper(kg: KnowledgeGraph, title: str) -> Rows[PaperFact]:
    """Everything the papers whose title contains ``title`` propose, compare against, target and use."""
    return _rows(kg, "paper", PaperFact, title=title)


def papers_targeting(kg: KnowledgeGraph, hardware: str, limit: int = 100) -> Rows[Target]:
    """Papers that target a hardware product or class (a class includes its products); the first
    ``limit`` rows by title."""
    return _rows(kg, "papers-targeting", Target, hardware=hardware, limit=limit)


def systems_for_hardware(kg: KnowledgeGraph, hardware: str, limit: int = 100) -> Rows[Proposal]:
    """What papers targeting ``hardware`` propose; the first ``limit`` rows by paper title."""
    return _rows(kg, "systems-for-hardware", Proposal, hardware=hardware, limit=limit)


def techniques_by_hardware(kg: KnowledgeGraph, limit: int = 20) -> Rows[TechniqueOnHardware]:
    """Technique families by hardware class, by number of papers."""
    return _rows(kg, "techniques-by-hardware", TechniqueOnHardware, limit=limit)


def baseline_chains(kg: KnowledgeGraph, name: str, limit: int = 25) -> Rows[Chain]:
    """Chains of baselines ending at ``name``."""
    return _rows(kg, "baseline-chains", Chain, name=name, limit=limit)


def proposed_then_baseline(kg: KnowledgeGraph, limit: int = 20) -> Rows[LaterBaseline]:
    """Systems one paper proposes and others compare against."""
    return _rows(kg, "proposed-then-baseline", LaterBaseline, limit=limit)


def compared_together(kg: KnowledgeGraph, limit: int = 20) -> Rows[Pair]:
    """Pairs of baselines compared in the same paper most often."""
    return _rows(kg, "compared-together", Pair, limit=limit)


def hardware_together(kg: KnowledgeGraph, limit: int = 20) -> Rows[Pair]:
    """Hardware targeted together most often."""
    return _rows(kg, "hardware-together", Pair, limit=limit)


def curation_queue(kg: KnowledgeGraph, limit: int = 25) -> Rows[Discovered]:
    """Discovered names the catalogue does not know yet, most cited first."""
    return _rows(kg, "curation-queue", Discovered, limit=limit)


def search(kg: KnowledgeGraph, q: str, limit: int = 20) -> Rows[Hit]:
    """Nodes whose title, abstract, name or aliases contain every word of ``q``, best first."""
    return _rows(kg, "search", Hit, q=q, limit=limit)


def neighbourhood(kg: KnowledgeGraph, name: str, depth: int = 1, limit: int = 100) -> Rows[NearbyFact]:
    """The relationships within ``depth`` steps of a system, hardware or technique."""
    return _rows(kg, "neighbourhood", NearbyFact, name=name, depth=depth, limit=limit)


def graph_stats(kg: KnowledgeGraph) -> Rows[Count]:
    """Nodes by label and relationships by type."""
    return _rows(kg, "graph-stats", Count)


#: canned query name -> its helper; a test checks every canned query has one.
HELPERS = {
    fn.__name__.replace("_", "-"): fn
    for fn in (
        most_compared, papers_comparing_to, leaderboard, papers_using, paper_comparisons, paper_hardware, paper,
        papers_targeting, systems_for_hardware, techniques_by_hardware, baseline_chains, proposed_then_baseline,
        compared_together, hardware_together, curation_queue, search, neighbourhood, graph_stats, beats_proposed_by,
    )
}
