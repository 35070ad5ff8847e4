"""Shared paths and fixtures: the project's own listings, the shared seeds and gold when present,
and a real Neo4j server for the tests marked ``neo4j``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "eval" / "dev_gold.jsonl"
SCORE = SHARED / "eval" / "score.py"

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the checkout")
needs_gold = pytest.mark.skipif(not (GOLD.is_file() and SCORE.is_file()), reason="../shared/eval is not beside the checkout")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read a developer's KG_* settings; Neo4j settings stay for the neo4j tests."""
    for var in ("KG_BACKEND", "KG_STORE"):
        monkeypatch.delenv(var, raising=False)
