"""docker-compose.yml, as `docker compose up -d` reads it: what users get when they start Neo4j."""

from __future__ import annotations

import re

import yaml

from conftest import ROOT
from graph.neo4j_local.config import NEO4J_VERSION
from queries.catalog import browser_declaration

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
NEO4J = COMPOSE["services"]["neo4j"]


def test_the_image_is_the_pinned_community_release_the_local_server_runs() -> None:
    assert NEO4J["image"] == f"neo4j:{NEO4J_VERSION}-community"
    assert NEO4J_VERSION.startswith("5.26.")


def test_bolt_and_the_browser_listen_on_loopback_only() -> None:
    ports = NEO4J["ports"]
    assert len(ports) == 2 and all(p.startswith("127.0.0.1:") for p in ports)
    assert {p.rsplit(":", 1)[1] for p in ports} == {"7474", "7687"}


def test_the_password_comes_from_env_and_is_never_written_here() -> None:
    auth = NEO4J["environment"]["NEO4J_AUTH"]
    assert re.fullmatch(r"\$\{NEO4J_USERNAME:-neo4j\}/\$\{NEO4J_PASSWORD:\?[^}]+\}", auth)
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "NEO4J_PASSWORD=" in env_example


def test_data_survives_restarts_the_server_reports_health_and_apoc_is_on() -> None:
    assert {v.split(":")[0] for v in NEO4J["volumes"]} == set(COMPOSE["volumes"]) == {"neo4j-data", "neo4j-logs"}
    assert NEO4J["healthcheck"]["test"] and NEO4J["healthcheck"]["retries"] > 0
    assert "apoc" in NEO4J["environment"]["NEO4J_PLUGINS"]
    assert NEO4J["environment"]["NEO4J_server_memory_heap_max__size"].endswith("G")


def test_the_container_advertises_the_host_ports_it_is_reached_on() -> None:
    env = NEO4J["environment"]
    host_ports = {p.rsplit(":", 1)[1]: p.split(":", 1)[1].rsplit(":", 1)[0] for p in NEO4J["ports"]}
    assert env["NEO4J_server_bolt_advertised__address"] == f"localhost:{host_ports['7687']}"
    assert env["NEO4J_server_http_advertised__address"] == f"localhost:{host_ports['7474']}"


def test_the_browser_declares_the_canned_queries_parameters_on_connecting_as_the_local_server_does() -> None:
    assert NEO4J["environment"]["NEO4J_browser_post__connect__cmd"] == browser_declaration().removeprefix(":")
