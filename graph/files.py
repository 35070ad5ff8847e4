"""Writing an output file (a page, a chart) atomically, and never over the store's own files.

The data goes to a temporary file in the target's directory, which is then renamed over the
target: a reader sees the old file or the new one, never half of one, and a failure leaves no
temporary file behind.

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(d / "out" / "page.html", "<p>hi</p>").read_text()
'<p>hi</p>'
>>> write_atomic(d / "kg" / "graph.json", "{}", protect=[d / "kg"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.store.StoreError: refusing to write ... inside the store directory ...
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from graph.store import StoreError


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def write_atomic(path: Path, data: str | bytes, protect: Iterable[Path] = ()) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename; returns ``path``.

    Refuses (:class:`StoreError`, one line) a path inside any directory of ``protect`` (the
    embedded store's directory) and reports an unwritable place the same way."""
    target = Path(path).expanduser().resolve()
    for directory in protect:
        if _inside(target, Path(directory).expanduser().resolve()):
            raise StoreError(f"refusing to write {path} inside the store directory {directory}: choose another file")
    if target.is_dir():
        raise StoreError(f"cannot write {path}: it is a directory")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return Path(path)
