"""The console's pieces that need no server: where history lives, when Enter runs, what Tab offers."""

from __future__ import annotations

from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from graph.cli.console import CypherCompleter, history_path, is_complete


def test_history_lives_in_the_users_data_folder_unless_kg_history_says(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KG_HISTORY", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert history_path() == tmp_path / ".local" / "share" / "mlsys-kg" / "cypher_history"
    monkeypatch.setenv("KG_HISTORY", str(tmp_path / "h"))
    assert history_path() == tmp_path / "h"


@pytest.mark.parametrize("text, complete", [
    ("MATCH (n)", False), ("MATCH (n)\nRETURN n;", True), ("RETURN 1;  ", True), (":run most-compared", True), ("", True),
])
def test_enter_runs_commands_and_statements_ending_in_a_semicolon(text: str, complete: bool) -> None:
    assert is_complete(text) is complete


def _offered(completer: CypherCompleter, text: str) -> list[str]:
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]


def test_tab_offers_schema_names_keywords_commands_and_query_names() -> None:
    completer = CypherCompleter(["Paper", "Hardware", "COMPARES_TO", "title"], ["most-compared", "papers-targeting"])
    assert _offered(completer, "MATCH (h:Hardw") == ["Hardware"]
    assert _offered(completer, "MATCH (p)-[:COMP") == ["COMPARES_TO"]
    assert "MATCH" in _offered(completer, "mat")
    assert _offered(completer, ":pa") == [":param", ":params"]
    assert _offered(completer, ":run pa") == ["papers-targeting"]
