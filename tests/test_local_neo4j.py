"""The local server's settings and config files (`kg neo4j up` writes them), without a server."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from graph.neo4j_local.config import Layout, LocalNeo4jError, LocalSettings, apoc_conf, neo4j_conf
from queries.catalog import browser_declaration

KG = str(Path(sys.executable).with_name("kg"))


def _conf(text: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def _single(text: str) -> dict[str, str]:
    conf = _conf(text)
    assert all(len(v) == 1 for k, v in conf.items() if k != "server.jvm.additional"), "a setting given twice"
    return {k: v[0] for k, v in conf.items()}


def test_the_server_listens_and_advertises_on_the_ports_really_used(tmp_path: Path) -> None:
    settings = LocalSettings.from_values({"NEO4J_URI": "bolt://127.0.0.1:7690", "NEO4J_BOLT_PORT": "7688", "NEO4J_HTTP_PORT": "7475"})
    conf = _single(neo4j_conf(Layout(tmp_path), settings))
    assert conf["server.bolt.listen_address"] == conf["server.bolt.advertised_address"] == "127.0.0.1:7688"
    assert conf["server.http.listen_address"] == conf["server.http.advertised_address"] == "127.0.0.1:7475"
    assert conf["server.https.enabled"] == "false"


def test_the_bolt_port_comes_from_the_uri_unless_set_on_its_own() -> None:
    assert LocalSettings.from_values({"NEO4J_URI": "bolt://localhost:7999"}).bolt_port == 7999
    assert LocalSettings.from_values({}).bolt_port == 7687
    assert LocalSettings.from_values({}).http_port == 7474


@pytest.mark.parametrize(("value", "expected"), [
    (None, "apoc.*"),
    ("apoc.*, gds.*", "apoc.*,gds.*"),
    ("apoc.export.*", "apoc.export.*"),
    ("none", None),
])
def test_unrestricted_procedures_default_to_apoc_and_the_user_can_change_them(tmp_path: Path, value: str | None, expected: str | None) -> None:
    settings = LocalSettings.from_values({} if value is None else {"KG_NEO4J_UNRESTRICTED": value})
    conf = _single(neo4j_conf(Layout(tmp_path), settings))
    assert conf.get("dbms.security.procedures.unrestricted") == expected


@pytest.mark.parametrize("bad", ["apoc.*; rm -rf", "apoc.*\ndbms.security.auth_enabled=false"])
def test_an_unrestricted_value_that_is_not_procedure_names_is_refused(bad: str) -> None:
    with pytest.raises(LocalNeo4jError, match="KG_NEO4J_UNRESTRICTED"):
        LocalSettings.from_values({"KG_NEO4J_UNRESTRICTED": bad})


def test_the_browser_declares_the_canned_queries_parameters_on_connecting(tmp_path: Path) -> None:
    # Browser prefixes each command with ':'; a pasted canned file then runs with its examples
    conf = _single(neo4j_conf(Layout(tmp_path), LocalSettings()))
    assert ":" + conf["browser.post_connect_cmd"] == browser_declaration()


def test_apoc_may_read_and_write_files_only_in_the_import_directory() -> None:
    conf = _single(apoc_conf())
    assert conf == {"apoc.export.file.enabled": "true", "apoc.import.file.enabled": "true", "apoc.import.file.use_neo4j_config": "true"}


def test_every_directory_is_inside_the_home(tmp_path: Path) -> None:
    conf = _single(neo4j_conf(Layout(tmp_path), LocalSettings()))
    dirs = {k: v for k, v in conf.items() if k.startswith("server.directories.")}
    assert dirs and all(Path(v).parent == tmp_path for v in dirs.values())
    assert dirs["server.directories.import"] == str(tmp_path / "import")


def test_dotenv_is_created_from_the_example_readable_by_its_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("NEO4J_URI", "NEO4J_PASSWORD", "NEO4J_BOLT_PORT"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / ".env.example").write_text("NEO4J_URI=bolt://127.0.0.1:7777\nNEO4J_PASSWORD=example-pass\n")
    assert LocalSettings.from_env(tmp_path, create_env=False).bolt_port == 7687
    assert not (tmp_path / ".env").exists()
    settings = LocalSettings.from_env(tmp_path, create_env=True)
    assert (settings.bolt_port, settings.password) == (7777, "example-pass")
    assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600


def _kg_neo4j(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_NEO4J_"))}
    environ.update(KG_NEO4J_HOME=str(tmp_path / "home"), NEO4J_BOLT_PORT="7691", NEO4J_HTTP_PORT="7478", **env)
    return subprocess.run([KG, "neo4j", *args], capture_output=True, text=True, env=environ, cwd=tmp_path, timeout=60)


def test_status_of_a_server_that_is_not_running_exits_3(tmp_path: Path) -> None:
    result = _kg_neo4j(tmp_path, "status")
    assert result.returncode == 3
    assert result.stdout.startswith("stopped (bolt://127.0.0.1:7691")


def test_up_refuses_a_uri_that_is_not_this_machine_in_one_line(tmp_path: Path) -> None:
    result = _kg_neo4j(tmp_path, "up", NEO4J_URI="neo4j+s://example.databases.neo4j.io", NEO4J_PASSWORD="long-enough")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "is not a plain bolt:// or neo4j:// address on this machine" in result.stderr


def test_up_refuses_a_short_password_before_fetching_anything(tmp_path: Path) -> None:
    result = _kg_neo4j(tmp_path, "up", NEO4J_URI="bolt://127.0.0.1:7691", NEO4J_PASSWORD="short")
    assert result.returncode == 1 and "at least 8 characters" in result.stderr
    assert not (tmp_path / "home" / "lib").exists()


def test_an_unreadable_record_of_kg_neo4j_open_counts_as_no_copy(tmp_path: Path) -> None:
    from graph.neo4j_local.copy import RECORD, _read_record

    path = tmp_path / RECORD
    assert _read_record(path) is None
    path.write_text("{not json", encoding="utf-8")
    assert _read_record(path) is None  # the graph in the server is then of unknown origin: replaced only with --replace
    path.write_text('{"store": "/s", "generation": 3, "stats": {"nodes": {"Paper": 2}, "relationships": {}}}', encoding="utf-8")
    assert _read_record(path).generation == 3
