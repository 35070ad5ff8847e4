"""Files the library and command line write (exports, pages, charts): whole or not at all, and
never into the embedded store's own folder.

The content goes to a temp file in the target's folder, which replaces the target only once it is
complete and flushed; on any failure the temp file is removed and the old target is untouched.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_output(d / "out.txt") as fh:
...     _ = fh.write("done")
>>> (d / "out.txt").read_text(), sorted(p.name for p in d.iterdir())
('done', ['out.txt'])
>>> write_atomic(d / "kg" / "graph.json", "{}", protect=[d / "kg"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.outfile.OutputError: ...graph.json: inside the store ...; write it somewhere else
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from graph.store import StoreError


class OutputError(StoreError):
    """The file cannot or may not be written; the message is one line for the user."""


def refuse_protected(path: Path, protect: Iterable[Path]) -> None:
    """Writing into the store's own folder would replace or corrupt the graph itself."""
    target = Path(path).expanduser().resolve()
    for directory in protect:
        home = Path(directory).expanduser().resolve()
        if target == home or home in target.parents:
            raise OutputError(f"{path}: inside the store {directory}; write it somewhere else")
    if target.is_dir():
        raise OutputError(f"cannot write {path}: it is a directory")
    if target.exists() and not target.is_file():  # renaming over /dev/null would replace the device
        raise OutputError(f"cannot write {path}: not a regular file")


@contextmanager
def atomic_output(path: Path, protect: Iterable[Path] = (), binary: bool = False) -> Iterator[IO[Any]]:
    """A handle whose content becomes ``path`` when the block ends without an error."""
    path = Path(path)
    refuse_protected(path, protect)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        with suppress(OSError):
            os.unlink(tmp)


def write_atomic(path: Path, data: str | bytes, protect: Iterable[Path] = ()) -> Path:
    """Write ``data`` to ``path`` with :func:`atomic_output`; returns ``path``."""
    with atomic_output(Path(path), protect, binary=isinstance(data, bytes)) as fh:
        fh.write(data)
    return Path(path)
