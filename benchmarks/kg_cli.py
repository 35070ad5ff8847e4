"""The ``kg`` command as the benchmarks drive it: loads, queries and exports, run as subprocesses."""

from __future__ import annotations

import os
import statistics
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.measure import CommandRun, timed_command


class BenchError(RuntimeError):
    """A step of the benchmark failed; the message is one line."""


@dataclass(frozen=True)
class Kg:
    """One ``kg`` executable with the environment it runs in (backend settings travel as env)."""

    exe: Path
    env: Mapping[str, str]

    def argv(self, *args: str) -> list[str]:
        return [str(self.exe), *args]

    def run(self, *args: str, check: bool = True) -> CommandRun:
        run = timed_command(self.argv(*args), env=self.env)
        if check and not run.ok:
            raise BenchError(f"kg {' '.join(args[:3])}: {run.error()}")
        return run

    def load_options(self) -> str:
        """The text of ``kg load --help``, to tell which options this version has."""
        return subprocess.run(self.argv("load", "--help"), capture_output=True, text=True, env=dict(self.env)).stdout

    def has_jobs(self) -> bool:
        return "--jobs" in self.load_options()

    def load(self, store: Path | None, paths: Sequence[Path], jobs: int | None = None, backend: str = "embedded") -> CommandRun:
        args = ["--backend", backend] + (["--store", str(store)] if store else []) + ["load", "-q"]
        args += ["--jobs", str(jobs)] if jobs else []
        return self.run(*args, *map(str, paths))

    def query_wall(self, store: Path, name: str, runs: int = 3) -> float:
        """Median wall seconds of ``kg --store S query NAME``, process start included."""
        times = [self.run("--store", str(store), "query", name).seconds for _ in range(runs)]
        return statistics.median(times)

    def export(self, store: Path, out: Path) -> Path:
        self.run("--store", str(store), "export", "-o", str(out))
        return out


def kg_for(project: Path, extra_env: Mapping[str, str] | None = None, exe: Path | None = None) -> Kg:
    """``exe`` (default: the project's ``.venv/bin/kg``) with the current environment plus ``extra_env``."""
    exe = exe or project / ".venv" / "bin" / "kg"
    if not exe.exists():
        raise BenchError(f"{exe} not found: run `make install` first")
    env = dict(os.environ)
    env.update(extra_env or {})
    return Kg(exe, env)
