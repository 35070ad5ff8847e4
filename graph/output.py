"""Rows of dicts printed as a table, JSON, JSON lines or CSV: the output of `kg query`, `kg cypher`, `kg show`.

>>> import io
>>> out = io.StringIO()
>>> write_rows([{"name": "vLLM", "aliases": ["vllm", "v-LLM"], "papers": 3}], "csv", out)
>>> out.getvalue().splitlines()
['name,aliases,papers', 'vLLM,vllm; v-LLM,3']
"""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

FORMATS = ("table", "json", "jsonl", "csv")
COLUMN_GAP = 3  # the blank divider and its padding between two columns of the table
LIST_SEPARATOR = "; "


def columns_of(rows: list[dict[str, Any]]) -> list[str]:
    """Every key of every row, in the order first seen."""
    return list(dict.fromkeys(key for row in rows for key in row))


def cell_text(value: Any) -> str:
    """One value as flat text: lists joined with ``; ``, maps (nodes, relationships) as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_rows(rows: list[dict[str, Any]], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        cols = columns_of(rows)
        writer.writerow(cols)
        writer.writerows([cell_text(row.get(c)) for c in cols] for row in rows)
    elif fmt == "table":
        write_table(rows, out)
    else:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def write_table(rows: list[dict[str, Any]], out: TextIO) -> None:
    """On a terminal, a table no wider than it (or ``COLUMNS``), long cells ending in ``…``, with
    colour; anywhere else (a pipe, a file, a log) every cell whole and no colour."""
    from rich import box  # rich takes a while to import: only tables need it
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=out, markup=False, emoji=False, highlight=False)
    if not rows:
        console.print("(no rows)")
        return
    cols = columns_of(rows)
    cells = [[cell_text(row.get(c)) for c in cols] for row in rows]
    natural = [max(cell_len(col), *(cell_len(r[i]) for r in cells)) for i, col in enumerate(cols)]
    gaps = COLUMN_GAP * (len(cols) - 1)
    if console.is_terminal:
        widths = fit_widths(natural, console.width - gaps)
    else:
        widths = natural
        console = Console(file=out, markup=False, emoji=False, highlight=False, width=sum(natural) + gaps)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for i, col in enumerate(cols):
        numeric = all(isinstance(r.get(col), (int, float)) and not isinstance(r.get(col), bool) for r in rows)
        table.add_column(col, justify="right" if numeric else "left", overflow="ellipsis", no_wrap=True, width=widths[i])
    for row in cells:
        table.add_row(*map(Text, row))
    if console.is_terminal:
        console.print(table)
        return
    with console.capture() as captured:
        console.print(table)
    out.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def fit_widths(natural: list[int], budget: int) -> list[int]:
    """Column widths within ``budget``: narrow columns keep their width, the widest share what is left.

    >>> fit_widths([5, 40, 60], 70)
    [5, 33, 32]
    >>> fit_widths([5, 10], 70)
    [5, 10]
    """
    if sum(natural) <= budget:
        return natural
    widths = [1] * len(natural)
    left = max(budget, len(natural)) - len(natural)
    # Water-filling: raise every column together, one character at a time, until the budget is spent.
    while left > 0:
        growing = [i for i, w in enumerate(widths) if w < natural[i]]
        if not growing:
            break
        for i in growing[:left]:
            widths[i] += 1
        left -= min(left, len(growing))
    return widths
