"""Run a command as a user would and measure it: wall time and the child's own peak RSS.

>>> run = timed_command(["true"])
>>> run.ok, run.seconds < 5, run.peak_mib >= 0
(True, True, True)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

GNU_TIME = "/usr/bin/time"


@dataclass(frozen=True)
class CommandRun:
    """One finished command: wall seconds, peak resident MiB of the process, exit status, output."""

    seconds: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def error(self) -> str:
        """The last line the command printed on stderr (or stdout), for a one-line note."""
        lines = (self.stderr or self.stdout).strip().splitlines()
        return lines[-1] if lines else f"exit status {self.returncode}"


def timed_command(argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | None = None) -> CommandRun:
    """Run ``argv`` to completion; its peak RSS comes from GNU time where there is one, else ``wait4``.

    ``wait4`` alone overstates it: a child started from this process records this process's own
    peak RSS as its own when it calls exec (Linux keeps the larger of the two), and this process
    may hold a whole exported graph. GNU time is small, so what it reports is the command's own."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        timed = [GNU_TIME, "-f", "%M", "-o", rss.name, *argv] if os.access(GNU_TIME, os.X_OK) else list(argv)
        t0 = time.perf_counter()
        proc = subprocess.Popen(timed, stdout=out, stderr=err, text=True,
                                env=dict(env) if env is not None else None, cwd=cwd)
        try:
            _, raw, usage = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted or stopped: take the child down too
            proc.kill()
            proc.wait()
            raise
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(raw)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        lines = [line for line in rss.read().splitlines() if line.strip()]
        peak_kib = int(lines[-1]) if lines and lines[-1].strip().isdigit() else usage.ru_maxrss
        return CommandRun(seconds, peak_kib / 1024, proc.returncode, out.read(), err.read())


def timings(call: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of each of ``runs`` calls of ``call``."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def p50_p95(times: list[float]) -> tuple[float, float]:
    """
    >>> p50_p95([5.0, 1.0, 2.0, 3.0, 4.0])
    (3.0, 5.0)
    """
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
