"""`kg serve`'s JSON API and pages through the ASGI test client, on the embedded store and on a real
Neo4j: the canned queries answer with the rows `kg query NAME --format json` prints, errors are
one line with the status the CLI's exit code stands for, and the guard holds (token, sizes, time)."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import given, settings as hsettings, strategies as st

from conftest import FIXTURES, HOSTILE_TITLE, SEEDS, kg_serve, write_hostile_listing
from graph.api import KnowledgeGraph
from graph.cli import main
from graph.config import Settings
from graph.serve import ServeError, ServeSettings, check_binding, create_app
from graph.serve.api_routes import query_url
from graph.serve.pool import GraphPool
from graph.store.neo4j import Neo4jStore
from queries.catalog import CannedQuery, MissingParameter, canned_queries, get_query

INPUTS = [SEEDS] if SEEDS.is_dir() else sorted(FIXTURES.glob("*.txt"))


def cli(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def cli_params(values: dict[str, Any]) -> list[str]:
    return [a for k, v in values.items() for a in ("-p", f"{k}={'true' if v is True else 'false' if v is False else v}")]


def api_params(values: dict[str, Any]) -> dict[str, str]:
    return {k: "true" if v is True else "false" if v is False else str(v) for k, v in values.items()}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "kg"
    KnowledgeGraph.open(Settings(store=path)).load(INPUTS)
    return path


@pytest.fixture(scope="module")
def client(store: Path) -> Any:
    with TestClient(create_app(Settings(store=store))) as c:
        yield c


# ---- the canned queries answer as the CLI does ---------------------------------------------------


@pytest.mark.parametrize("query", canned_queries(), ids=lambda q: q.name)
def test_every_canned_query_answers_with_the_cli_rows(client: TestClient, store: Path, query: CannedQuery) -> None:
    answer = client.get(f"/api/queries/{query.name}", params=api_params(query.example))
    assert answer.status_code == 200, answer.text
    printed = cli("--store", str(store), "query", query.name, *cli_params(query.example), "--format", "json")
    assert printed.exit_code == 0, printed.output
    assert answer.json()["rows"] == json.loads(printed.stdout)
    assert answer.json()["params"] == query.bind(api_params(query.example))


def test_rows_carry_their_citation(client: TestClient) -> None:
    rows = client.get("/api/queries/papers-targeting", params={"hardware": "TPU"}).json()["rows"]
    assert rows and all(r["evidence"] and r["source"].endswith(".txt") and r["line"] > 0 for r in rows)
    facts = client.get("/api/show/vllm").json()["match"]["facts"]
    assert facts and all(f["evidence"] and f["source"] and f["line"] for f in facts if f["type"] == "COMPARES_TO")
    claims = client.get("/api/claims/vLLM").json()
    assert claims and all(c["evidence"] and c["source"] and c["line"] for c in claims)
    hood = client.get("/api/neighbourhood/vLLM", params={"depth": "2"}).json()
    assert hood["params"]["depth"] == 2 and {r["distance"] for r in hood["rows"]} == {1, 2}
    assert all(r["evidence"] for r in hood["rows"] if r["type"] != "IS_A")


def test_queries_search_and_stats_list_what_the_cli_lists(client: TestClient, store: Path) -> None:
    listed = client.get("/api/queries").json()
    assert [q["name"] for q in listed] == [q.name for q in canned_queries()]
    assert listed[0]["url"].startswith("/api/queries/") and client.get(listed[0]["url"]).status_code == 200
    stats = cli("--store", str(store), "stats", "--format", "json")
    assert client.get("/api/stats").json() == json.loads(stats.stdout)
    found = client.get("/api/search", params={"q": "vllm"}).json()["rows"]
    assert found[0]["name"] == "vLLM" and found[0]["label"] == "System"



def assert_rows_tell_when_they_stopped_at_the_limit(client: TestClient) -> None:
    """``truncated`` and ``limit`` say the rows reached the limit, and a Link asks for the same
    query with ten times the limit (no offset: the first rows again, then more)."""
    for path, params, more in (("/api/queries/most-compared", {"limit": "2"}, "/api/queries/most-compared?limit=20"),
                               ("/api/queries/papers-comparing-to", {"name": "vLLM", "limit": "1"},
                                "/api/queries/papers-comparing-to?name=vLLM&limit=10"),
                               ("/api/search", {"q": "vllm", "limit": "1"}, "/api/search?q=vllm&limit=10"),
                               ("/api/neighbourhood/flash attention 2", {"limit": "1"}, "/api/neighbourhood/flash%20attention%202?limit=10")):
        capped = client.get(path, params=params)
        body = capped.json()
        assert (len(body["rows"]), body["truncated"], body["limit"]) == (int(params["limit"]), True, int(params["limit"])), path
        assert capped.headers["link"] == f'<{more}>; rel="related"; title="more rows: the same query with a larger limit"', path
        assert client.get(more).json()["rows"][: len(body["rows"])] == body["rows"], path
        whole = client.get(path, params={**params, "limit": "100000"})
        assert whole.json()["truncated"] is False and whole.json()["limit"] == 100000 and "link" not in whole.headers, path
    stats = client.get("/api/queries/graph-stats")
    assert (stats.json()["truncated"], stats.json()["limit"], stats.headers.get("link")) == (False, None, None)


def test_the_json_api_tells_when_rows_stopped_at_the_limit(client: TestClient) -> None:
    assert_rows_tell_when_they_stopped_at_the_limit(client)


# ---- errors: one line, the right status, never a traceback ---------------------------------------


@pytest.mark.parametrize("path, params, status, line, parameter", [
    ("/api/queries/most-compared", {"limit": "x"}, 400, "parameter 'limit' of 'most-compared' must be a whole number, not 'x'", "limit"),
    ("/api/queries/most-compared", {"limt": "3"}, 400, "query 'most-compared' has no parameter 'limt'", "limt"),
    ("/api/queries/papers-comparing-to", {"name": "vLMM"}, 404, "closest: vLLM", None),
    ("/api/neighbourhood/vLLM", {"depth": "7"}, 400, "must be from 1 to 2, not 7", "depth"),
    ("/api/search", {"q": "!!"}, 400, "needs at least one word", "q"),
])
def test_a_bad_parameter_is_the_cli_error_as_json(client: TestClient, store: Path, path: str, params: dict[str, str], status: int,
                                                  line: str, parameter: str | None) -> None:
    answer = client.get(path, params=params)
    assert answer.status_code == status and line in answer.json()["error"], answer.text
    assert answer.json()["parameter"] == parameter
    if path.startswith("/api/queries/"):
        printed = CliRunner().invoke(main, ["--store", str(store), "query", path.rsplit("/", 1)[1], *cli_params(params)])
        assert printed.exit_code == 1 and printed.stderr.strip() == f"error: {answer.json()['error']}"


def test_a_missing_parameter_is_told_in_the_terms_of_each_face(client: TestClient, store: Path) -> None:
    """The API names the query parameter, the CLI its -p option, Python the keyword: one error, three wordings."""
    hint = "(a product (A100, TPU v4) or a class (GPU, FPGA), any spelling; e.g. hardware=TPU)"
    answer = client.get("/api/queries/papers-targeting", params={"limit": "5"})
    assert answer.status_code == 400 and answer.json() == {
        "error": f"query 'papers-targeting' needs the query parameter 'hardware' {hint}", "suggestions": [], "parameter": "hardware"}
    page = client.get("/queries/papers-targeting", params={"limit": "5"})
    assert page.status_code == 400 and "needs the query parameter &#39;hardware&#39;" in page.text and "-p hardware" not in page.text
    printed = CliRunner().invoke(main, ["--store", str(store), "query", "papers-targeting", "-p", "limit=5"])
    assert printed.exit_code == 1 and printed.stderr == f"error: query 'papers-targeting' needs -p hardware=… {hint}\n"
    with pytest.raises(MissingParameter, match=r"needs hardware=… \(") as raised:
        KnowledgeGraph.open(Settings(store=store)).query("papers-targeting", limit=5)
    assert raised.value.parameter == "hardware"


def test_unknown_names_answer_404_with_suggestions(client: TestClient) -> None:
    answer = client.get("/api/queries/papers-targetting")
    assert answer.status_code == 404 and answer.json()["suggestions"][0] == "papers-targeting"
    shown = client.get("/api/show/vLMM")
    assert shown.status_code == 404 and "vLLM" in shown.json()["suggestions"] and "\n" not in shown.json()["error"]
    assert client.get("/api/claims/vLMM").status_code == 404
    page = client.get("/entity/vLMM")
    assert page.status_code == 404 and 'href="/entity/vLLM"' in page.text


def test_cypher_on_the_embedded_store_is_501(client: TestClient) -> None:
    answer = client.post("/api/cypher", json={"statement": "RETURN 1"})
    assert answer.status_code == 501 and "Neo4j backend" in answer.json()["error"]
    assert client.post("/api/cypher", json={}).status_code == 400


@pytest.mark.parametrize("request_args, status, error, parameter", [
    ({"content": b'{"statement": "RETURN 1",}'}, 400,
     "the request body is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 26)", None),
    ({"json": {}}, 400, "JSON body field 'statement': Field required", "statement"),
    ({"json": {"statement": "RETURN 1", "params": [1]}}, 400, "JSON body field 'params': Input should be a valid dictionary", "params"),
    ({"json": {"statement": "RETURN 1", "parms": {}}}, 400, "JSON body field 'parms': Extra inputs are not permitted", "parms"),
    ({"json": [1]}, 400, "the request body: Input should be a valid dictionary or object to extract fields from", None),
    ({"content": b""}, 400, "the request has no body", None),
    ({"content": b'{"statement": "RETURN 1"}', "headers": {"content-type": "text/plain"}}, 415,
     "the request body must be JSON, sent with Content-Type: application/json", None),
    ({"data": {"statement": "RETURN 1"}}, 415, "the request body must be JSON, sent with Content-Type: application/json", None),
])
def test_a_bad_body_is_told_in_terms_of_the_json_body(client: TestClient, request_args: dict[str, Any], status: int,
                                                     error: str, parameter: str | None) -> None:
    headers = {"content-type": "application/json", **request_args.pop("headers", {})} if "content" in request_args else {}
    answer = client.post("/api/cypher", **request_args, headers=headers)
    assert (answer.status_code, answer.json()) == (status, {"error": error, "suggestions": [], "parameter": parameter})


@pytest.mark.parametrize("path, params, error", [
    ("/api/search", {"q": "vllm", "limt": "3"}, "/api/search has no query parameter 'limt' (it takes: q, limit)"),
    ("/api/stats", {"verbose": "1"}, "/api/stats has no query parameter 'verbose' (it takes none)"),
    ("/api/show/vLLM", {"depth": "2"}, "/api/show/vLLM has no query parameter 'depth' (it takes: limit)"),
    ("/api/claims/vLLM", {"variants": "maybe"}, "query parameter 'variants': Input should be a valid boolean, unable to interpret input"),
    ("/api/search", {}, "query parameter 'q': Field required"),
])
def test_an_unknown_or_bad_query_parameter_of_a_route_is_400(client: TestClient, path: str, params: dict[str, str], error: str) -> None:
    answer = client.get(path, params=params)
    assert answer.status_code == 400 and answer.json()["error"] == error, answer.text
    assert answer.json()["parameter"] == error.split("'")[1]


class Broken(KnowledgeGraph):
    def stats(self) -> Any:
        raise RuntimeError("bolt://neo4j:s3cret@db:7687 said no")


def test_a_bug_answers_500_without_its_message_or_traceback(store: Path) -> None:
    pool = GraphPool(Settings(store=store), opener=lambda s: Broken(KnowledgeGraph.open(s).store))
    with TestClient(create_app(Settings(store=store), pool=pool), raise_server_exceptions=False) as c:
        for path in ("/api/stats", "/"):
            answer = c.get(path)
            assert answer.status_code == 500 and "s3cret" not in answer.text and "Traceback" not in answer.text
        assert c.get("/api/stats").json()["error"] == "internal error (RuntimeError); the server's log says more"


class Slow(KnowledgeGraph):
    def stats(self) -> Any:
        time.sleep(1.0)
        return super().stats()


@pytest.mark.parametrize("backend", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_request_over_its_time_limit_answers_503_with_retry_after(store: Path, backend: str, request: pytest.FixtureRequest) -> None:
    settings = request.getfixturevalue("neo4j_settings") if backend == "neo4j" else Settings(store=store)
    if backend == "neo4j":
        request.getfixturevalue("neo")  # a reachable, empty Neo4j, or the test is skipped
    pool = GraphPool(settings, timeout=0.2, opener=lambda s: Slow(KnowledgeGraph.open(s).store))
    with TestClient(create_app(settings, pool=pool)) as c:
        for path in ("/api/stats", "/"):
            answer = c.get(path)
            assert answer.status_code == 503 and answer.headers["retry-after"] == "5", (path, answer.headers)
        assert answer.status_code == 503 and c.get("/api/stats").json() == {
            "error": "the request took longer than 0.2 s and was stopped", "suggestions": [], "parameter": None}


# ---- HTTP as HTTP: HEAD, OPTIONS, 405 with Allow, one shape for every error -------------------------

GET_ROUTES = ["/", "/search?q=vllm", "/entity/vLLM", "/queries", "/queries/most-compared?limit=3", "/queries/most-compared.csv?limit=3",
              "/queries/most-compared.json?limit=3", "/neighbourhood/vLLM", "/claims-chart/vLLM", "/api/stats", "/api/queries",
              "/api/queries/papers-targeting?hardware=TPU", "/api/show/vLLM", "/api/search?q=vllm", "/api/neighbourhood/vLLM",
              "/api/claims/vLLM", "/docs", "/openapi.json", "/static/style.css", "/api/nowhere", "/api/queries/papers-targeting",
              "/entity/vLMM"]


@pytest.mark.parametrize("path", GET_ROUTES)
def test_head_answers_every_get_route_with_its_status_and_headers_and_no_body(client: TestClient, path: str) -> None:
    got, head = client.get(path, follow_redirects=False), client.head(path, follow_redirects=False)
    assert head.status_code == got.status_code and head.headers == got.headers and head.content == b"", (path, head.status_code)
    assert int(head.headers["content-length"]) == len(got.content)


@pytest.mark.parametrize("method, path, allow", [
    ("POST", "/api/stats", "GET, HEAD, OPTIONS"),
    ("DELETE", "/api/queries/most-compared", "GET, HEAD, OPTIONS"),
    ("GET", "/api/cypher", "POST, OPTIONS"),
    ("HEAD", "/api/cypher", "POST, OPTIONS"),
    ("PUT", "/entity/vLLM", "GET, HEAD, OPTIONS"),
    ("POST", "/static/style.css", "GET, HEAD, OPTIONS"),
])
def test_a_method_a_route_does_not_take_is_405_with_allow_and_options_lists_them(client: TestClient, method: str, path: str, allow: str) -> None:
    refused = client.request(method, path)
    assert refused.status_code == 405 and refused.headers["allow"] == allow, (refused.status_code, refused.headers)
    if path.startswith("/api/") and method != "HEAD":
        assert refused.json() == {"error": f"{path} does not answer {method}; it answers {allow}", "suggestions": [], "parameter": None}
    options = client.options(path)
    assert (options.status_code, options.headers["allow"], options.content) == (204, allow, b"")


def test_an_unknown_route_is_404_in_the_one_shape(client: TestClient) -> None:
    answer = client.get("/api/nowhere")
    assert answer.status_code == 404 and answer.json() == {
        "error": "nothing at /api/nowhere (the API's routes are listed at /docs)", "suggestions": [], "parameter": None}
    assert client.options("/api/nowhere").status_code == 404


def test_every_error_has_one_json_shape(client: TestClient, store: Path) -> None:
    """401, 413, 414 come from the guard before the app; the rest from the app: all the same three keys."""
    answers = [
        client.get("/api/queries/most-compared", params={"limit": "x"}), client.get("/api/queries/papers-targetting"),
        client.post("/api/stats"), client.post("/api/cypher", json={"statement": "RETURN 1"}),
        client.post("/api/cypher", json={"statement": "RETURN 1", "params": {"x": "a" * 70_000}}),
        client.get("/api/search", params={"q": "a" * 5000}), client.post("/api/cypher", content=b"{", headers={"content-type": "application/json"}),
        client.get("/queries/most-compared.json", params={"limit": "x"}),
    ]
    with TestClient(create_app(Settings(store=store), ServeSettings(token="t0ken-xyz"))) as guarded:
        answers.append(guarded.get("/api/stats"))
    assert [a.status_code for a in answers] == [400, 404, 405, 501, 413, 414, 400, 400, 401]
    for answer in answers:
        assert answer.headers["content-type"] == "application/json" and set(answer.json()) == {"error", "suggestions", "parameter"}, answer.text


# ---- safe by default ---------------------------------------------------------------------------------


def test_a_token_guards_every_request(store: Path) -> None:
    app = create_app(Settings(store=store), ServeSettings(token="t0ken-xyz"))
    with TestClient(app) as c:
        assert c.get("/api/stats").status_code == 401 and c.get("/").status_code == 401
        assert c.get("/api/stats", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/stats", headers={"Authorization": "Bearer t0ken-xyz"}).status_code == 200
        opened = c.get("/queries/most-compared?token=t0ken-xyz&limit=3", follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == "/queries/most-compared?limit=3"
        assert "HttpOnly" in opened.headers["set-cookie"] and c.get("/queries/most-compared?limit=3").status_code == 200


def test_only_the_loopback_serves_without_a_token(store: Path) -> None:
    check_binding(ServeSettings(host="127.0.0.1"))
    check_binding(ServeSettings(host="0.0.0.0", token="x"))
    with pytest.raises(ServeError, match="set KG_SERVE_TOKEN"):
        check_binding(ServeSettings(host="0.0.0.0"))
    printed = CliRunner().invoke(main, ["--store", str(store), "serve", "--host", "0.0.0.0"], env={"KG_SERVE_TOKEN": ""})
    assert printed.exit_code == 1 and len(printed.stderr.splitlines()) == 1 and "KG_SERVE_TOKEN" in printed.stderr


def test_oversized_requests_are_refused(client: TestClient) -> None:
    big = client.post("/api/cypher", json={"statement": "RETURN 1", "params": {"x": "a" * 70_000}})
    assert big.status_code == 413 and "larger than 65536 bytes" in big.json()["error"]
    assert client.get("/api/search", params={"q": "a" * 5000}).status_code == 414
    streamed = client.post("/api/cypher", content=iter([b'{"statement": "', b"x" * 40_000, b"y" * 40_000, b'"}']),
                           headers={"content-type": "application/json"})  # no Content-Length: counted as it arrives
    assert streamed.status_code == 413


def test_every_value_on_a_page_is_escaped(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    KnowledgeGraph.open(Settings(store=store)).load([write_hostile_listing(tmp_path)])
    with TestClient(create_app(Settings(store=store))) as c:
        page = c.get("/entity/SplitServe", follow_redirects=True)
        assert page.status_code == 200 and page.url.path.startswith("/paper/")
        assert "<script>alert(1)" not in page.text and "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; Merge" in page.text
        assert "script-src 'none'" in page.headers["content-security-policy"]
        search = c.get("/search", params={"q": "<b>bold</b> splitserve"})
        assert "<b>bold</b>" not in search.text and "&lt;b&gt;bold&lt;/b&gt;" in search.text
        assert HOSTILE_TITLE in c.get("/api/search", params={"q": "splitserve"}).json()["rows"][0]["name"]


def test_a_load_while_serving_shows_in_the_next_request(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    KnowledgeGraph.open(Settings(store=store)).load(["loaders/examples"])
    with TestClient(create_app(Settings(store=store))) as c:
        before = c.get("/api/stats").json()
        assert c.get("/api/show/SplitServe").status_code == 404
        printed = cli("--store", str(store), "load", "-q", str(write_hostile_listing(tmp_path)))
        assert printed.exit_code == 0
        assert c.get("/api/stats").json()["nodes"]["Paper"] == before["nodes"]["Paper"] + 1
        assert c.get("/api/show/SplitServe").status_code == 200


def test_concurrent_requests_read_consistent_answers(client: TestClient) -> None:
    expected = client.get("/api/queries/papers-comparing-to", params={"name": "vLLM"}).json()
    answers: list[Any] = []

    def ask() -> None:
        for _ in range(10):
            answers.append(client.get("/api/queries/papers-comparing-to", params={"name": "vLLM"}).json())

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 60 and all(a == expected for a in answers)


# ---- pages ----------------------------------------------------------------------------------------


def test_a_chart_page_loads_plotly_once_from_the_server_cached_for_good(client: TestClient) -> None:
    page = client.get("/claims-chart/vLLM")
    script = "/assets/plotly-" + page.text.split('src="/assets/plotly-', 1)[1].split('"', 1)[0]
    assert len(page.content) < 500_000  # plotly.js alone is 4.6 MB
    assert "'self'" in page.headers["content-security-policy"].split("script-src", 1)[1].split(";", 1)[0]
    js = client.get(script)
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript") and len(js.content) > 1_000_000
    assert "immutable" in js.headers["cache-control"]


def test_the_pages_link_entities_papers_and_queries(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and 'action="/search"' in home.text and 'href="/queries/papers-targeting"' in home.text
    entity = client.get("/entity/vllm")
    text = entity.text
    assert entity.status_code == 200 and '<h1 id="node-name">vLLM</h1>' in text
    assert 'src="/neighbourhood/vLLM"' in text and 'src="/claims-chart/vLLM"' in text
    assert 'href="/queries/papers-comparing-to?name=vLLM"' in text and 'href="/paper/' in text
    paper = client.get(text.split('href="/paper/', 1)[1].split('"', 1)[0].join(["/paper/", ""]))
    assert paper.status_code == 200 and 'href="/entity/vLLM"' in paper.text
    assert client.get("/neighbourhood/vLLM").text.count("neo4j-viz-data") >= 1
    assert "kg-claims-chart" in client.get("/claims-chart/vLLM").text
    query = client.get("/queries/papers-targeting", params={"hardware": "TPU"})
    assert query.status_code == 200 and '<table id="rows">' in query.text
    csv = client.get("/queries/papers-targeting.csv", params={"hardware": "TPU"})
    assert csv.text.splitlines()[0] == "paper,hardware,evidence,source,line" and "attachment" in csv.headers["content-disposition"]
    assert client.get("/queries/papers-targeting.json", params={"hardware": "TPU"}).json() == \
        client.get("/api/queries/papers-targeting", params={"hardware": "TPU"}).json()["rows"]
    assert client.get("/paper/nosuchpaperkey").status_code == 404
    bad = client.get("/queries/papers-targeting", params={"hardware": "TPX"})
    assert bad.status_code == 400 and "no hardware is named" in bad.text and 'value="TPX"' in bad.text


def test_docs_list_the_api_and_load_nothing_from_elsewhere(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/stats", "/api/queries", "/api/queries/{name}", "/api/show/{name}", "/api/search",
                 "/api/neighbourhood/{name}", "/api/claims/{name}", "/api/cypher"):
        assert path in paths
    docs = client.get("/docs").text
    assert "swagger-ui-bundle.js" in docs and "cdn" not in docs.lower() and "https://" not in docs


# ---- Neo4j --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def neo_client(neo: Neo4jStore, neo4j_settings: Settings) -> Any:
    neo.clear()
    KnowledgeGraph(neo).load(INPUTS)
    with TestClient(create_app(neo4j_settings, ServeSettings(cypher_rows=100, cypher_timeout=1.0))) as c:
        yield c
    neo.clear()


def _neo4j_env(settings: Settings) -> dict[str, str]:
    return {"KG_BACKEND": "neo4j", "NEO4J_URI": settings.neo4j_uri, "NEO4J_USERNAME": settings.neo4j_username,
            "NEO4J_PASSWORD": settings.neo4j_password, "NEO4J_DATABASE": settings.neo4j_database}


@pytest.mark.neo4j
def test_on_neo4j_every_canned_query_answers_with_the_cli_rows(neo_client: TestClient, neo4j_settings: Settings) -> None:
    env = _neo4j_env(neo4j_settings)
    for query in canned_queries():
        answer = neo_client.get(f"/api/queries/{query.name}", params=api_params(query.example))
        printed = cli("query", query.name, *cli_params(query.example), "--format", "json", env=env)
        assert answer.status_code == 200 and printed.exit_code == 0, (query.name, answer.text, printed.output)
        assert answer.json()["rows"] == json.loads(printed.stdout), query.name
    assert neo_client.get("/api/queries/papers-comparing-to", params={"name": "vLMM"}).status_code == 404
    assert neo_client.get("/entity/vLLM").status_code == 200



@pytest.mark.neo4j
def test_on_neo4j_the_json_api_tells_when_rows_stopped_at_the_limit(neo_client: TestClient) -> None:
    assert_rows_tell_when_they_stopped_at_the_limit(neo_client)



LISTINGS = ["papers-targeting", "papers-comparing-to", "papers-using", "leaderboard", "systems-for-hardware"]


def test_kg_serve_on_the_embedded_store_keeps_the_whole_graph_answers_before_the_first_request(tmp_path: Path) -> None:
    """The first request after a load finds the whole-graph queries' answers computed: `kg serve`
    computed them as it started, and says so in one line."""
    import sqlite3

    from graph.store.answers import kept_queries

    store = tmp_path / "kg"
    KnowledgeGraph.open(Settings(store=store)).load([FIXTURES])
    with kg_serve(["--store", str(store)], {}) as (base, proc):
        with sqlite3.connect(store / "graph.sqlite") as conn:
            kept = {name for (name,) in conn.execute("SELECT query FROM answers")}
        assert kept == set(kept_queries())
        with urllib.request.urlopen(f"{base}/api/queries/most-compared") as answer:
            assert json.load(answer)["rows"]
    lines = [line for line in proc.communicate()[1].splitlines() if "kept the answers" in line]
    assert len(lines) == 1 and re.fullmatch(rf"kg serve: kept the answers of the {len(kept_queries())} whole-graph queries in \d+\.\d s", lines[0]), lines


@pytest.mark.neo4j
def test_on_neo4j_kg_serve_plans_every_canned_query_before_the_first_request(neo_client: TestClient, neo: Neo4jStore,
                                                                            neo4j_settings: Settings) -> None:
    """Neo4j's own query statistics (db.stats, QUERIES) time each run's planning: the first request of
    each listing, with other values than the warm-up's but the same types, reuses the warm-up's plan."""
    with neo.driver.session(database=neo.database) as session:
        for call in ("CALL db.clearQueryCaches()", "CALL db.stats.stop('QUERIES')", "CALL db.stats.clear('QUERIES')",
                     "CALL db.stats.collect('QUERIES')"):
            session.run(call).consume()
        with kg_serve([], _neo4j_env(neo4j_settings)) as (base, proc):
            for name in LISTINGS:
                query = get_query(name)
                with urllib.request.urlopen(f"{base}{query_url(query, {**query.example, 'limit': 7})}") as answer:
                    assert len(json.load(answer)["rows"]) > 0, name
        runs = {r["query"]: r["invocations"] for r in session.run("CALL db.stats.retrieve('QUERIES') YIELD data RETURN data").value()}
    for name in LISTINGS:
        compiled = sorted(run["elapsedCompileTimeInUs"] for run in runs.get(get_query(name).cypher, []))
        assert len(compiled) == 2 and compiled[0] * 10 < compiled[1], (name, compiled)  # one planned (the warm-up), one not
    planned = [line for line in proc.communicate()[1].splitlines() if "planned" in line]
    assert len(planned) == 1 and re.fullmatch(rf"kg serve: planned the {len(canned_queries())} canned queries in \d+\.\d s", planned[0]), planned


@pytest.mark.neo4j
def test_on_neo4j_cypher_reads_with_a_row_cap(neo_client: TestClient) -> None:
    rows = neo_client.post("/api/cypher", json={"statement": "MATCH (h:Hardware {name: $hw}) RETURN h.name AS name", "params": {"hw": "TPU"}})
    assert rows.status_code == 200 and rows.json() == {"rows": [{"name": "TPU"}], "truncated": False, "row_cap": 100}
    capped = neo_client.post("/api/cypher", json={"statement": "UNWIND range(1, 5000) AS i RETURN i"}).json()
    assert len(capped["rows"]) == 100 and capped["truncated"] is True
    write = neo_client.post("/api/cypher", json={"statement": "CREATE (n:Paper {key: 'x'}) RETURN n"})
    assert write.status_code == 400 and "refused" in write.json()["error"]


@pytest.mark.neo4j
def test_on_neo4j_a_refused_write_is_told_in_terms_of_the_api(neo_client: TestClient) -> None:
    write = neo_client.post("/api/cypher", json={"statement": "CREATE (n:Paper {key: 'x'}) RETURN n"})
    assert write.status_code == 400 and write.json() == {
        "error": "refused: this statement reads and writes; /api/cypher only reads", "suggestions": [], "parameter": None}


@pytest.mark.neo4j
def test_on_neo4j_a_statement_over_its_time_limit_is_503_with_retry_after(neo_client: TestClient) -> None:
    slow = neo_client.post("/api/cypher", json={"statement": "UNWIND range(1, 1000000000) AS i WITH i WHERE i % 7 = 3 RETURN count(i) AS n"})
    assert slow.status_code == 503 and slow.headers["retry-after"] == "5", slow.text
    assert slow.json() == {"error": "the statement ran longer than its 1 s limit and Neo4j stopped it", "suggestions": [], "parameter": None}


@pytest.mark.neo4j
def test_on_neo4j_head_and_errors_answer_as_on_the_embedded_store(neo_client: TestClient, client: TestClient) -> None:
    for path in ("/api/stats", "/api/queries/papers-targeting?hardware=TPU", "/entity/vLLM", "/api/nowhere", "/api/queries/papers-targeting"):
        got, head = neo_client.get(path), neo_client.head(path)
        assert (head.status_code, head.headers, head.content) == (got.status_code, got.headers, b""), path
    for path in ("/api/queries/papers-targeting", "/api/queries/most-compared?limit=x", "/api/search?q=vllm&limt=3", "/api/show/vLMM"):
        assert neo_client.get(path).json() == client.get(path).json(), path


# ---- any query string: an answer or a one-line error, never a bug -----------------------------------

_values = st.one_of(st.text(max_size=12), st.integers(-5, 100_001).map(str), st.sampled_from(["true", "no", "TPU", "vLLM", "", " "]))


@hsettings(max_examples=60, deadline=None)
@given(query=st.sampled_from(canned_queries()), extra=st.dictionaries(st.sampled_from(["limit", "name", "q", "depth", "x"]), _values, max_size=3))
def test_any_parameters_get_rows_or_a_one_line_error(client: TestClient, query: CannedQuery, extra: dict[str, str]) -> None:
    params = {**api_params(query.example), **extra}
    answer = client.get(f"/api/queries/{query.name}", params=params)
    assert answer.status_code in (200, 400, 404), answer.text
    if answer.status_code != 200:
        error = answer.json()["error"]
        assert error and "\n" not in error and "Traceback" not in error
    else:
        assert answer.json()["params"] == query.bind(params)
