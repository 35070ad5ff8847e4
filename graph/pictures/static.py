"""Static pictures drawn offline (matplotlib, no display and no network) and how any picture is
written: ``.html`` (interactive), ``.png`` or ``.svg`` (static), chosen by the file's suffix.

Text from the graph is drawn as written: matplotlib's mathtext is off, so a title holding ``$``
stays plain text; SVG text is drawn as paths, so the file looks the same without the fonts.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> save_by_suffix(d / "x.pdf", "chart", lambda: "", lambda fmt: b"")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.outfile.OutputError: cannot write .../x.pdf: the chart is written as .html, .png or .svg
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from graph.outfile import OutputError, refuse_protected, write_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SUFFIXES = (".html", ".htm", ".png", ".svg")
DPI = 150
STYLE = {"text.parse_math": False, "svg.fonttype": "path", "font.size": 10}


@contextmanager
def drawing() -> Iterator[None]:
    """matplotlib's settings for a static picture (figures made inside it keep them)."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        yield


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """``fig`` as PNG or SVG bytes."""
    out = io.BytesIO()
    with drawing():
        fig.savefig(out, format=fmt, dpi=DPI)
    return out.getvalue()


def image_format(path: Path, what: str) -> str:
    """``html``, ``png`` or ``svg`` by ``path``'s suffix; a one-line error for any other."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise OutputError(f"cannot write {path}: the {what} is written as .html, .png or .svg")
    return "html" if suffix in (".html", ".htm") else suffix[1:]


def save_by_suffix(path: Path, what: str, html: Callable[[], str], image: Callable[[str], bytes],
                   protect: Iterable[Path] = ()) -> Path:
    """Write ``html()`` or ``image(fmt)`` to ``path`` atomically, by its suffix (never into ``protect``)."""
    refuse_protected(path, protect)
    fmt = image_format(path, what)
    return write_atomic(path, html() if fmt == "html" else image(fmt), protect=protect)
