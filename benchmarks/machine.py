"""What the numbers were measured on: cores, memory, Python, Neo4j, commit, date."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from contextlib import suppress
from pathlib import Path
from typing import Any


def _ram_gib() -> float | None:
    with suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    return None


def _commit(project: Path) -> str:
    out = subprocess.run(["git", "-C", str(project), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def machine(project: Path, neo4j_version: str | None) -> dict[str, Any]:
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "neo4j": neo4j_version or "not measured",
        "commit": _commit(project),
    }
