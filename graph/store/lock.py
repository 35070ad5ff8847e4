"""One writer at a time for a store directory: an exclusive ``flock`` on ``DIR/.lock``.

The kernel releases the lock when its holder exits, however it exits (``kill -9`` included), so a
crashed load never leaves the store locked. A writer that finds the lock taken says so once and
waits, up to a timeout (``KG_LOCK_TIMEOUT`` seconds, 600 by default).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with exclusive(d):
...     try:  # another writer cannot have it meanwhile: with no time to wait, it gives up
...         with exclusive(d, timeout=0, on_wait=lambda d: None):
...             pass
...     except LockTimeout:
...         print("taken")
taken
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".lock"


class LockTimeout(RuntimeError):
    """The lock stayed taken for the whole timeout."""


def default_timeout() -> float:
    try:
        return float(os.environ.get("KG_LOCK_TIMEOUT", "600"))
    except ValueError:
        return 600.0


def _say_waiting(directory: Path) -> None:
    print(f"waiting for another kg process writing {directory} ...", file=sys.stderr, flush=True)


def _open(directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    return os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)


@contextmanager
def exclusive(directory: Path, timeout: float | None = None, on_wait: Callable[[Path], None] = _say_waiting) -> Iterator[None]:
    """Hold the directory's lock for the ``with`` block, waiting for it if another process has it."""
    timeout = default_timeout() if timeout is None else timeout
    fd = _open(directory)
    try:
        if not _take(fd):
            on_wait(directory)
            deadline = time.monotonic() + timeout
            while not _take(fd):
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{directory} is still being written by another kg process after {timeout:g} s; try again when it has finished")
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def _take(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
