"""Settings, paths and configuration files of the local Neo4j server (``kg neo4j up``).

Settings come from the environment, then ``./.env`` (the environment wins), as for ``kg`` itself.
The config writer is pure: it turns settings and paths into the text of ``neo4j.conf`` and
``apoc.conf``, so what the server is told can be checked without starting it.

>>> s = LocalSettings.from_values({"NEO4J_URI": "bolt://127.0.0.1:7688", "NEO4J_HTTP_PORT": "7475"})
>>> (s.bolt_port, s.http_port, s.unrestricted)
(7688, 7475, 'apoc.*')
"""

from __future__ import annotations

import os
import re
import shutil
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from graph.config import read_dotenv
from queries.catalog import browser_declaration

NEO4J_VERSION = "5.26.30"  # keep in step with the image tag in docker-compose.yml
# The newest Neo4j Browser on Maven Central. Neo4j's 5.26 tarballs bundle later, calendar-versioned
# builds (5.26.27: lib/neo4j-browser-2026.06.08+0) that Neo4j does not publish there; the Browser is
# a static web app that speaks Bolt, so any 5.x server serves it.
BROWSER_VERSION = "5.24.0"
# APOC core's newest 5.26 release on Maven Central (the tarballs' labs/ has one per patch release);
# APOC's major.minor must match the server's.
APOC_VERSION = "5.26.19"

DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474
DEFAULT_START_TIMEOUT = 120.0
DEFAULT_UNRESTRICTED = "apoc.*"
HEAP_INITIAL = "512m"
HEAP_MAX = "1g"
PAGECACHE = "256m"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# JVM options of Neo4j's default neo4j.conf (server.jvm.additional), which its launcher passes to
# the server JVM; a server started directly needs them too. -XX:+AlwaysPreTouch is left out: it
# only slows the start of a small dev heap.
JVM_ADDITIONAL = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
)


class LocalNeo4jError(Exception):
    """An error reported as one line; ``detail`` (e.g. a log tail) is printed before it."""

    def __init__(self, message: str, code: int = 1, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Layout:
    """Where everything of one local server lives: its home (the cache) and what is in it."""

    home: Path

    @classmethod
    def from_env(cls, project: Path, environ: Mapping[str, str] | None = None) -> Layout:
        home = (os.environ if environ is None else environ).get("KG_NEO4J_HOME")
        return cls(Path(home).expanduser().resolve() if home else (project / ".cache" / "neo4j").resolve())

    @property
    def lib(self) -> Path:
        return self.home / "lib"

    @property
    def plugins(self) -> Path:
        return self.home / "plugins"

    @property
    def conf(self) -> Path:
        return self.home / "conf"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def run(self) -> Path:
        return self.home / "run"

    @property
    def imports(self) -> Path:
        return self.home / "import"

    @property
    def marker(self) -> Path:
        return self.home / "FETCHED"

    @property
    def pidfile(self) -> Path:
        return self.run / "neo4j.pid"

    @property
    def console_log(self) -> Path:
        return self.logs / "console.log"

    @property
    def lockfile(self) -> Path:
        return self.home / ".lock"


@dataclass(frozen=True)
class LocalSettings:
    uri: str = f"bolt://127.0.0.1:{DEFAULT_BOLT_PORT}"
    username: str = "neo4j"
    password: str = ""
    database: str = "neo4j"
    bolt_port: int = DEFAULT_BOLT_PORT
    http_port: int = DEFAULT_HTTP_PORT
    start_timeout: float = DEFAULT_START_TIMEOUT
    java_opts: str = ""
    unrestricted: str = DEFAULT_UNRESTRICTED

    @classmethod
    def from_env(cls, project: Path, create_env: bool) -> LocalSettings:
        """The environment over ``project/.env`` (made from ``.env.example`` first if asked)."""
        env_file, example = project / ".env", project / ".env.example"
        if create_env and not env_file.exists() and example.exists():
            create_private_copy(example, env_file)
            print(f"kg neo4j: created {env_file.name} from {example.name} (local dev credentials)", flush=True)
        values = read_dotenv(env_file)
        values.update({k: v for k, v in os.environ.items() if v != ""})
        return cls.from_values(values)

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> LocalSettings:
        def get(key: str, default: str) -> str:
            return values.get(key) or default

        uri = get("NEO4J_URI", cls.uri)
        try:
            uri_port = urllib.parse.urlsplit(uri).port
        except ValueError:
            raise LocalNeo4jError(f"NEO4J_URI has an invalid port: {uri!r}") from None
        return cls(
            uri=uri,
            username=get("NEO4J_USERNAME", cls.username),
            password=get("NEO4J_PASSWORD", ""),
            database=get("NEO4J_DATABASE", cls.database),
            bolt_port=_port(get("NEO4J_BOLT_PORT", str(uri_port or DEFAULT_BOLT_PORT)), "NEO4J_BOLT_PORT"),
            http_port=_port(get("NEO4J_HTTP_PORT", str(DEFAULT_HTTP_PORT)), "NEO4J_HTTP_PORT"),
            start_timeout=_positive(get("KG_NEO4J_START_TIMEOUT", str(DEFAULT_START_TIMEOUT)), "KG_NEO4J_START_TIMEOUT"),
            java_opts=get("KG_NEO4J_JAVA_OPTS", ""),
            # "none" turns it off: an empty value would mean "not set" here, as everywhere in .env.
            unrestricted=_procedure_globs(get("KG_NEO4J_UNRESTRICTED", DEFAULT_UNRESTRICTED)),
        )

    @property
    def local_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def check_for_local_server(self) -> None:
        """The local server only makes sense when the NEO4J_* settings point at it."""
        parts = urllib.parse.urlsplit(self.uri)
        if parts.scheme not in ("bolt", "neo4j") or (parts.hostname or "") not in LOCAL_HOSTS:
            raise LocalNeo4jError(
                f"NEO4J_URI={self.uri} is not a plain bolt:// or neo4j:// address on this machine; the local "
                "server would not be the one in use (set NEO4J_URI=bolt://127.0.0.1:7687, or use your own server)"
            )
        if self.username != "neo4j":
            raise LocalNeo4jError(
                f"NEO4J_USERNAME={self.username!r}: the local Community server's initial user is 'neo4j'; "
                "set NEO4J_USERNAME=neo4j"
            )
        if len(self.password) < 8:
            raise LocalNeo4jError(
                "NEO4J_PASSWORD must be set (in the environment or .env) and be at least 8 characters, "
                "as Neo4j 5 requires"
            )
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9.-]{2,62}", self.database):
            raise LocalNeo4jError(f"NEO4J_DATABASE={self.database!r} is not a valid database name")


def create_private_copy(source: Path, target: Path) -> None:
    """Copy ``source`` to a new ``target`` readable by its owner only (it holds a password)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, source.open("rb") as src:
        shutil.copyfileobj(src, out)


def _port(text: str, name: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise LocalNeo4jError(f"{name}={text!r} is not a port number")
    return int(text)


def _positive(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise LocalNeo4jError(f"{name}={text!r} is not a number") from None
    if value <= 0:
        raise LocalNeo4jError(f"{name} must be positive")
    return value


def _procedure_globs(text: str) -> str:
    """A comma-separated list of procedure name globs (``apoc.*,gds.*``), or ``none``: ''."""
    if text.strip().lower() == "none":
        return ""
    globs = [g.strip() for g in text.split(",") if g.strip()]
    for glob in globs:
        if not re.fullmatch(r"[A-Za-z0-9_.*]+", glob):
            raise LocalNeo4jError(
                f"KG_NEO4J_UNRESTRICTED={text!r}: expected procedure names or globs separated by commas "
                "(e.g. apoc.*), or none"
            )
    return ",".join(globs)


def neo4j_conf(layout: Layout, settings: LocalSettings) -> str:
    """The text of ``conf/neo4j.conf``: loopback only, advertised on the ports really listened on."""
    lines = [
        "# Written by `kg neo4j up` on every start; edits here are overwritten (see docs/neo4j.md).",
        f"# Neo4j {NEO4J_VERSION} Community for local development and CI.",
        "",
        "# Paths: everything lives in the cache directory.",
        f"server.directories.data={layout.data}",
        f"server.directories.logs={layout.logs}",
        f"server.directories.run={layout.run}",
        f"server.directories.lib={layout.lib}",
        f"server.directories.plugins={layout.plugins}",
        f"server.directories.import={layout.imports}",
        "",
        "# Network: loopback only. The advertised addresses are what the discovery document at",
        "# http://127.0.0.1:<http port>/ tells clients such as the Neo4j Browser to connect to.",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{settings.bolt_port}",
        f"server.bolt.advertised_address=127.0.0.1:{settings.bolt_port}",
        "server.bolt.tls_level=DISABLED",
        "server.http.enabled=true",
        f"server.http.listen_address=127.0.0.1:{settings.http_port}",
        f"server.http.advertised_address=127.0.0.1:{settings.http_port}",
        "server.https.enabled=false",
        "",
        "# Security.",
        "dbms.security.auth_enabled=true",
        f"initial.dbms.default_database={settings.database}",
        "# Procedures allowed full access (KG_NEO4J_UNRESTRICTED; APOC needs it for some of its own).",
        *([f"dbms.security.procedures.unrestricted={settings.unrestricted}"] if settings.unrestricted else []),
        "",
        "# Memory, sized for a laptop or a CI runner (the same values are passed to the JVM).",
        f"server.memory.heap.initial_size={HEAP_INITIAL}",
        f"server.memory.heap.max_size={HEAP_MAX}",
        f"server.memory.pagecache.size={PAGECACHE}",
        "# Small transaction logs, not preallocated (the default preallocates 256 MB per database).",
        "db.tx_log.rotation.size=64M",
        "db.tx_log.preallocate=false",
        "db.tx_log.rotation.retention_policy=2 days 256M",
        "",
        "# No phoning home.",
        "dbms.usage_report.enabled=false",
        "",
        "# Neo4j Browser, on connecting: every canned query's parameter unset (null), so that a pasted",
        "# queries/*.cypher file runs with its examples (Neo4j refuses a query naming a parameter it is not sent).",
        f"browser.post_connect_cmd={browser_declaration().removeprefix(':')}",
        "",
        "# Stop without Bolt's 5 s graceful quiet period (as Neo4j's own test harness does).",
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
        "",
        "# JVM options of Neo4j's default neo4j.conf (also passed to the JVM by `kg neo4j up`).",
        *(f"server.jvm.additional={opt}" for opt in JVM_ADDITIONAL),
        "",
    ]
    return "\n".join(lines)


def apoc_conf() -> str:
    """The text of ``conf/apoc.conf``: apoc.export.* and apoc.import.* within the import directory."""
    return "\n".join([
        "# Written by `kg neo4j up` on every start; edits here are overwritten.",
        "apoc.export.file.enabled=true",
        "apoc.import.file.enabled=true",
        "# File names are relative to server.directories.import and cannot leave it.",
        "apoc.import.file.use_neo4j_config=true",
        "",
    ])


def write_config(layout: Layout, settings: LocalSettings) -> None:
    for directory in (layout.conf, layout.data, layout.logs, layout.run, layout.plugins, layout.imports):
        directory.mkdir(parents=True, exist_ok=True)
    _write_atomically(layout.conf / "neo4j.conf", neo4j_conf(layout, settings))
    _write_atomically(layout.conf / "apoc.conf", apoc_conf())


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
