"""Files the command line writes (exports, pages, charts): whole or not at all, never into a store.

The content goes to a temp file in the target's folder, which replaces the target only once it is
complete and flushed; on any failure the temp file is removed and the old target is untouched.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_output(d / "out.txt") as fh:
...     _ = fh.write("done")
>>> (d / "out.txt").read_text(), sorted(p.name for p in d.iterdir())
('done', ['out.txt'])
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO


class OutputError(RuntimeError):
    """The file cannot or may not be written; the message is one line for the user."""


def refuse_store_paths(path: Path, store: Path | None) -> None:
    """Writing into the store's own folder would replace or corrupt the graph itself."""
    if store is None:
        return
    target = path.resolve().parent
    home = store.resolve()
    if target == home or home in target.parents:
        raise OutputError(f"{path}: inside the store {store}; write it somewhere else")


@contextmanager
def atomic_output(path: Path, store: Path | None = None, binary: bool = False) -> Iterator[IO]:
    """A handle whose content becomes ``path`` when the block ends without an error."""
    refuse_store_paths(path, store)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        with suppress(OSError):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
