"""Rows a helper returns: a list that turns into a pandas DataFrame, a networkx graph when its rows
are edges, and prints short.

A row model says which of its fields are an edge's ends with ``ends`` (``("paper", "baseline")``);
its other fields become the edge's attributes. A row that is a chain of names (``Chain``) gives one
edge per step.

>>> class Cmp(EdgeRow):
...     ends = ("paper", "baseline")
...     paper: str
...     baseline: str
...     claims: list[str]
>>> rows = Rows([Cmp(paper="SeeSaw", baseline="vLLM", claims=["1.78× throughput"])], ["paper", "baseline", "claims"])
>>> rows
<1 Cmp row: paper, baseline, claims>
  SeeSaw | vLLM | 1.78× throughput
>>> g = rows.to_networkx()
>>> list(g.edges(data=True))
[('SeeSaw', 'vLLM', {'claims': ['1.78× throughput']})]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    import networkx as nx
    import pandas

R = TypeVar("R")
SHOWN_ROWS = 3  # rows a repr shows
SHOWN_CHARS = 30  # characters of one value a repr shows
SHOWN_WIDTH = 120  # characters of one row a repr shows


class EdgeRow(BaseModel):
    """A row that is an edge between two named things (``ends``: the fields holding their names)."""

    ends: ClassVar[tuple[str, str]]

    def edges(self) -> list[tuple[str, str, dict[str, Any]]]:
        start, end = (getattr(self, f) for f in self.ends)
        if start is None or end is None:
            return []
        return [(str(start), str(end), {k: v for k, v in self.model_dump().items() if k not in self.ends})]


def _short(value: Any, width: int = SHOWN_CHARS) -> str:
    text = "; ".join(map(str, value)) if isinstance(value, list) else "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _as_dict(row: Any) -> dict[str, Any]:
    return row.model_dump() if isinstance(row, BaseModel) else dict(row)


class Rows(list[R], Generic[R]):
    """A list of rows (typed models, or dicts for ad-hoc Cypher), its columns in the query's order."""

    def __init__(self, rows: list[R], columns: list[str]) -> None:
        super().__init__(rows)
        self.columns = columns

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame (``pip install 'mlsys-kg[pandas]'``)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("to_dataframe needs pandas: pip install 'mlsys-kg[pandas]'") from None
        return pandas.DataFrame([_as_dict(row) for row in self], columns=self.columns)

    def to_networkx(self) -> nx.MultiDiGraph:
        """The rows as a networkx MultiDiGraph: nodes by name, one edge per row (per step of a
        chain), the row's other fields as the edge's attributes. Rows that are not edges (counts,
        search hits) raise TypeError: use :meth:`to_dataframe`."""
        import networkx as nx

        g = nx.MultiDiGraph()
        for row in self:
            if not isinstance(row, EdgeRow):
                raise TypeError(f"{type(row).__name__} rows are not edges between two names: use to_dataframe()")
            g.add_edges_from(row.edges())
        return g

    def __repr__(self) -> str:
        kind = type(self[0]).__name__ if self else "no"
        head = f"<{len(self)} {kind} row{'' if len(self) == 1 else 's'}: {', '.join(self.columns)}>"
        lines = [_short(" | ".join(_short(_as_dict(row).get(c)) for c in self.columns), SHOWN_WIDTH) for row in self[:SHOWN_ROWS]]
        more = [f"  … {len(self) - SHOWN_ROWS} more (to_dataframe() shows them all)"] if len(self) > SHOWN_ROWS else []
        return "\n".join([head, *("  " + line for line in lines), *more])

