#!/usr/bin/env python3
"""Run a local Neo4j Community server for development and CI, without Docker.

The server is Neo4j's own release artifacts from Maven Central (``org.neo4j:neo4j``
and its dependencies), fetched once with Maven into a git-ignored cache and
started directly on the JVM, the way Neo4j's launcher starts it.

    python3 scripts/neo4j_local.py fetch    # download the server (first time only)
    python3 scripts/neo4j_local.py up       # fetch if needed, start, wait for Bolt
    python3 scripts/neo4j_local.py status   # exit 0 if running, 3 if not
    python3 scripts/neo4j_local.py down     # stop (SIGTERM, then SIGKILL)
    python3 scripts/neo4j_local.py reset    # stop and delete the database files

Standard library only: it runs before any virtualenv exists.  Needs Java 17+
(``java`` on PATH or ``$JAVA_HOME``) and, for ``fetch``, Maven (``mvn``).

Environment (each also read from ``.env`` in the repo root; the environment wins):
  NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE
                        credentials; the Bolt port is taken from NEO4J_URI
  NEO4J_BOLT_PORT       Bolt port (overrides the port in NEO4J_URI; default 7687)
  NEO4J_HTTP_PORT       HTTP port (default 7474)
  KG_NEO4J_HOME         cache directory (default: <repo>/.cache/neo4j)
  KG_NEO4J_START_TIMEOUT  seconds `up` waits for the server (default 120)
  KG_NEO4J_JAVA_OPTS    extra JVM options for the server (e.g. "-Xmx2g")
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

NEO4J_VERSION = "5.26.30"  # keep in step with the image tag in docker-compose.yml
DEPENDENCY_PLUGIN = "3.8.1"  # org.apache.maven.plugins:maven-dependency-plugin

REPO_ROOT = Path(__file__).resolve().parent.parent
HEAP_INITIAL = "512m"
HEAP_MAX = "1g"
PAGECACHE = "256m"
DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474
DEFAULT_START_TIMEOUT = 120.0
STOP_TIMEOUT = 60.0
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
EXIT_NOT_RUNNING = 3

# JVM options of Neo4j's default neo4j.conf (server.jvm.additional), which its
# launcher passes to the server JVM; a server started directly needs them too.
# -XX:+AlwaysPreTouch is left out: it only slows the start of a small dev heap.
JVM_ADDITIONAL = [
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
]
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"  # what `neo4j-admin` runs

POM_TEMPLATE = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/neo4j_local.py: the Neo4j server, as Maven artifacts. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.mlsys-kg</groupId>
  <artifactId>neo4j-local-server</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
  <build>
    <pluginManagement>
      <plugins>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-dependency-plugin</artifactId>
          <version>{plugin}</version>
        </plugin>
      </plugins>
    </pluginManagement>
  </build>
</project>
"""


class Fail(Exception):
    """An error reported as one line on stderr."""

    def __init__(self, message: str, code: int = 1, detail: str = ""):
        super().__init__(message)
        self.code = code
        self.detail = detail  # printed before the one-line message (e.g. a log tail)


def info(message: str) -> None:
    print(f"neo4j-local: {message}", flush=True)


# --------------------------------------------------------------------------- paths


class Layout:
    def __init__(self) -> None:
        home = os.environ.get("KG_NEO4J_HOME")
        self.home = Path(home).expanduser().resolve() if home else REPO_ROOT / ".cache" / "neo4j"
        self.lib = self.home / "lib"
        self.conf = self.home / "conf"
        self.data = self.home / "data"
        self.logs = self.home / "logs"
        self.run = self.home / "run"
        self.plugins = self.home / "plugins"
        self.imports = self.home / "import"
        self.marker = self.home / "FETCHED"
        self.pidfile = self.run / "neo4j.pid"
        self.console_log = self.logs / "console.log"
        self.lockfile = self.home / ".lock"

    @contextlib.contextmanager
    def locked(self):
        """Serialise up/down/fetch/reset against each other (best effort on non-POSIX)."""
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.lockfile, "a+") as fh:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - Windows
                yield
                return
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- settings


def parse_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, sep, value = line.partition("=")
        if not sep:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = re.sub(r"\s+#.*$", "", value)
        values[key.strip()] = value
    return values


class Settings:
    def __init__(self, create_env: bool) -> None:
        env_file = REPO_ROOT / ".env"
        example = REPO_ROOT / ".env.example"
        if create_env and not env_file.exists() and example.exists():
            shutil.copyfile(example, env_file)
            info(f"created {env_file.name} from {example.name} (local dev credentials)")
        dotenv = parse_dotenv(env_file) if env_file.exists() else {}

        def get(key: str, default: str) -> str:
            value = os.environ.get(key)
            if value is None or value == "":
                value = dotenv.get(key, "")
            return value or default

        self.uri = get("NEO4J_URI", f"bolt://127.0.0.1:{DEFAULT_BOLT_PORT}")
        self.username = get("NEO4J_USERNAME", "neo4j")
        self.password = get("NEO4J_PASSWORD", "")
        self.database = get("NEO4J_DATABASE", "neo4j")
        self.start_timeout = _number(get("KG_NEO4J_START_TIMEOUT", str(DEFAULT_START_TIMEOUT)),
                                     "KG_NEO4J_START_TIMEOUT")

        parts = urllib.parse.urlsplit(self.uri)
        self.scheme = parts.scheme
        self.host = parts.hostname or ""
        try:
            uri_port = parts.port
        except ValueError:
            raise Fail(f"NEO4J_URI has an invalid port: {self.uri!r}") from None
        self.bolt_port = _port(get("NEO4J_BOLT_PORT", str(uri_port or DEFAULT_BOLT_PORT)),
                               "NEO4J_BOLT_PORT")
        self.http_port = _port(get("NEO4J_HTTP_PORT", str(DEFAULT_HTTP_PORT)), "NEO4J_HTTP_PORT")
        self.local_uri = f"bolt://127.0.0.1:{self.bolt_port}"

    def check_for_local_server(self) -> None:
        """The local server only makes sense when NEO4J_* point at it."""
        if self.scheme not in ("bolt", "neo4j") or self.host not in LOCAL_HOSTS:
            raise Fail(f"NEO4J_URI={self.uri} is not a plain bolt:// or neo4j:// address on "
                       "this machine; the local server would not be the one in use "
                       "(set NEO4J_URI=bolt://127.0.0.1:7687, or use your own server)")
        if self.username != "neo4j":
            raise Fail(f"NEO4J_USERNAME={self.username!r}: the local Community server's "
                       "initial user is 'neo4j'; set NEO4J_USERNAME=neo4j")
        if len(self.password) < 8:
            raise Fail("NEO4J_PASSWORD must be set (in the environment or .env) and be at "
                       "least 8 characters, as Neo4j 5 requires")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9.-]{2,62}", self.database):
            raise Fail(f"NEO4J_DATABASE={self.database!r} is not a valid database name")


def _port(text: str, name: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise Fail(f"{name}={text!r} is not a port number") from None
    if not 0 < port < 65536:
        raise Fail(f"{name}={text!r} is not a port number")
    return port


def _number(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise Fail(f"{name}={text!r} is not a number") from None
    if value <= 0:
        raise Fail(f"{name} must be positive")
    return value


# --------------------------------------------------------------------------- fetch


def is_fetched(layout: Layout) -> bool:
    try:
        return layout.marker.read_text().strip() == NEO4J_VERSION and any(layout.lib.glob("*.jar"))
    except OSError:
        return False


def fetch(layout: Layout, quiet: bool = False) -> None:
    if is_fetched(layout):
        if not quiet:
            info(f"Neo4j {NEO4J_VERSION} already fetched into {layout.home}")
        return
    mvn = shutil.which("mvn")
    if not mvn:
        raise Fail("Maven ('mvn') is not on PATH; it is needed once to fetch Neo4j "
                   "(e.g. apt-get install maven)")
    find_java()  # fail early, before a long download, if Java is missing
    layout.home.mkdir(parents=True, exist_ok=True)
    (layout.home / "pom.xml").write_text(
        POM_TEMPLATE.format(version=NEO4J_VERSION, plugin=DEPENDENCY_PLUGIN), encoding="utf-8")
    staging = layout.home / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    info(f"fetching Neo4j {NEO4J_VERSION} Community from Maven Central "
         "(about 125 MB, first time only) ...")
    started = time.monotonic()
    cmd = [mvn, "-q", "-B", "-f", str(layout.home / "pom.xml"),
           "dependency:copy-dependencies", "-DincludeScope=runtime",
           f"-DoutputDirectory={staging}"]
    result = subprocess.run(cmd, cwd=layout.home, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise Fail(f"Maven could not fetch org.neo4j:neo4j:{NEO4J_VERSION} "
                   f"(exit {result.returncode}); see Maven's output above",
                   detail=_tail_text(result.stdout, 30))
    jars = list(staging.glob("*.jar"))
    if not any(j.name == f"neo4j-{NEO4J_VERSION}.jar" for j in jars):
        raise Fail(f"Maven finished but {staging} has no neo4j-{NEO4J_VERSION}.jar")
    layout.marker.unlink(missing_ok=True)
    shutil.rmtree(layout.lib, ignore_errors=True)
    staging.rename(layout.lib)
    layout.marker.write_text(NEO4J_VERSION + "\n")
    info(f"fetched {len(jars)} jars into {layout.lib} in {time.monotonic() - started:.0f}s")


# --------------------------------------------------------------------------- java


def find_java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        raise Fail("Java 17 or 21 is needed to run Neo4j 5 and 'java' was not found "
                   "(install a JDK, e.g. apt-get install openjdk-17-jre-headless, or set JAVA_HOME)")
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Fail(f"could not run {java} -version: {exc}") from None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if match:
        major = int(match.group(1))
        if major == 1 and match.group(2):
            major = int(match.group(2))
        if major < 17:
            raise Fail(f"Neo4j {NEO4J_VERSION} needs Java 17 or 21, but {java} is Java {major}")
    return java


def classpath(layout: Layout) -> str:
    # Same order as Neo4j's launcher: plugins, conf, lib.
    return os.pathsep.join(str(p / "*") for p in (layout.plugins, layout.conf, layout.lib))


# --------------------------------------------------------------------------- config


def write_config(layout: Layout, settings: Settings) -> None:
    for d in (layout.conf, layout.data, layout.logs, layout.run, layout.plugins, layout.imports):
        d.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Written by scripts/neo4j_local.py on every `up`; edits here are overwritten.",
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
        "# Network: loopback only.",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{settings.bolt_port}",
        "server.bolt.tls_level=DISABLED",
        "server.http.enabled=true",
        f"server.http.listen_address=127.0.0.1:{settings.http_port}",
        "server.https.enabled=false",
        "",
        "# Security.",
        "dbms.security.auth_enabled=true",
        f"initial.dbms.default_database={settings.database}",
        "",
        "# Memory, sized for a laptop or a CI runner.  The heap settings are read by",
        "# Neo4j's launcher; the script passes the same values to the JVM itself.",
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
        "# Stop without Bolt's 5 s graceful quiet period (as Neo4j's own test harness does).",
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
        "",
        "# JVM options of Neo4j's default neo4j.conf (also passed by the script).",
        *(f"server.jvm.additional={opt}" for opt in JVM_ADDITIONAL),
        "",
    ]
    conf = layout.conf / "neo4j.conf"
    tmp = conf.with_suffix(".conf.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.replace(conf)


def server_command(java: str, layout: Layout) -> list[str]:
    return [
        java,
        f"-Xms{HEAP_INITIAL}",
        f"-Xmx{HEAP_MAX}",
        *JVM_ADDITIONAL,
        "-Dfile.encoding=UTF-8",
        *shlex.split(os.environ.get("KG_NEO4J_JAVA_OPTS", "")),
        "-cp", classpath(layout),
        ENTRY_POINT,
        f"--home-dir={layout.home}",
        f"--config-dir={layout.conf}",
    ]


def set_initial_password(java: str, layout: Layout, settings: Settings) -> None:
    """`neo4j-admin dbms set-initial-password`, run from the same classpath.

    It writes data/dbms/auth.ini, which the server applies when it creates the
    system database on its first start; afterwards the password lives in there.
    """
    env = dict(os.environ, NEO4J_HOME=str(layout.home), NEO4J_CONF=str(layout.conf))
    cmd = [java, "-Xmx256m", *JVM_ADDITIONAL, "-cp", classpath(layout), ADMIN_TOOL,
           "dbms", "set-initial-password", settings.password]
    result = subprocess.run(cmd, env=env, cwd=layout.home, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise Fail(f"neo4j-admin dbms set-initial-password failed (exit {result.returncode})",
                   detail=_tail_text(result.stdout + result.stderr, 20))


def system_db_exists(layout: Layout) -> bool:
    return (layout.data / "databases" / "system").is_dir()


# --------------------------------------------------------------------------- process


def _cmdline(pid: int) -> list[str] | None:
    """The process's arguments (exact tokens: ``.cache/neo4j`` must not match ``.cache/neo4j-test``)."""
    try:
        raw = (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return None
    return [arg.decode("utf-8", "replace") for arg in raw.split(b"\0") if arg]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited child not yet reaped) is not a running server.
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    except (OSError, IndexError):
        pass
    return True


def is_our_server(pid: int, layout: Layout) -> bool:
    if not pid_alive(pid):
        return False
    cmd = _cmdline(pid)
    if cmd is None:  # no /proc (e.g. macOS): trust the pid file
        return True
    return ENTRY_POINT in cmd and f"--home-dir={layout.home}" in cmd  # whole arguments


def read_pid(layout: Layout) -> int | None:
    try:
        return int(layout.pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


def running_pid(layout: Layout) -> int | None:
    """The pid of this cache dir's server if it runs; a stale pid file is removed."""
    pid = read_pid(layout)
    if pid is not None and is_our_server(pid, layout):
        return pid
    if pid is not None:
        layout.pidfile.unlink(missing_ok=True)
    strays = stray_pids(layout)
    return strays[0] if strays else None


def stray_pids(layout: Layout) -> list[int]:
    """Servers of this cache dir found in /proc (e.g. after the pid file was deleted)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    found = []
    needle = f"--home-dir={layout.home}"
    for entry in proc.iterdir():
        if entry.name.isdigit():
            cmd = _cmdline(int(entry.name))
            if cmd and ENTRY_POINT in cmd and needle in cmd and pid_alive(int(entry.name)):
                found.append(int(entry.name))
    return sorted(found)


def port_open(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def stop_pid(pid: int, timeout: float = STOP_TIMEOUT) -> bool:
    """SIGTERM, wait, then SIGKILL.  Returns True if it had to be killed."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pid)
        if not pid_alive(pid):
            return False
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    for _ in range(50):
        _reap(pid)
        if not pid_alive(pid):
            break
        time.sleep(0.1)
    return True


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _tail_text(text: str, lines: int) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


RUN_BANNER = "=== neo4j_local.py up"


def log_tail(layout: Layout, neo4j_log_offset: int = 0, lines: int = 30) -> str:
    """The JVM's output of the last start and what neo4j.log gained since the offset."""
    parts = []
    if layout.console_log.exists():
        text = layout.console_log.read_text(encoding="utf-8", errors="replace")
        last_run = text.rsplit(RUN_BANNER, 1)[-1].split("\n", 1)[-1].strip()
        if last_run:
            parts.append(f"--- JVM output ({layout.console_log}) ---\n{_tail_text(last_run, lines)}")
    neo4j_log = layout.logs / "neo4j.log"
    if neo4j_log.exists() and neo4j_log.stat().st_size > neo4j_log_offset:
        with open(neo4j_log, "rb") as fh:
            fh.seek(neo4j_log_offset)
            text = fh.read().decode("utf-8", errors="replace")
        parts.append(f"--- last lines of {neo4j_log} ---\n{_tail_text(text, lines)}")
    return "\n".join(parts)


# --------------------------------------------------------------------------- bolt


class BoltError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code


def _pack(value) -> bytes:
    """PackStream encoding of None, bool, int, str, list and dict (all Bolt needs here)."""
    if value is None:
        return b"\xC0"
    if value is True:
        return b"\xC3"
    if value is False:
        return b"\xC2"
    if isinstance(value, int):
        if -16 <= value < 128:
            return struct.pack(">b", value)
        for marker, fmt, lo, hi in ((0xC8, ">b", -2**7, 2**7), (0xC9, ">h", -2**15, 2**15),
                                    (0xCA, ">i", -2**31, 2**31), (0xCB, ">q", -2**63, 2**63)):
            if lo <= value < hi:
                return bytes([marker]) + struct.pack(fmt, value)
        raise ValueError("integer out of range")
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _header(len(data), 0x80, 0xD0) + data
    if isinstance(value, list):
        return _header(len(value), 0x90, 0xD4) + b"".join(_pack(v) for v in value)
    if isinstance(value, dict):
        return _header(len(value), 0xA0, 0xD8) + b"".join(
            _pack(k) + _pack(v) for k, v in value.items())
    raise TypeError(f"cannot pack {type(value).__name__}")


def _header(size: int, tiny: int, marker8: int) -> bytes:
    if size < 16:
        return bytes([tiny + size])
    if size < 2**8:
        return bytes([marker8, size])
    if size < 2**16:
        return bytes([marker8 + 1]) + struct.pack(">H", size)
    return bytes([marker8 + 2]) + struct.pack(">I", size)


class _Unpacker:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos:self.pos + n]
        if len(chunk) != n:
            raise ValueError("truncated PackStream data")
        self.pos += n
        return chunk

    def size(self, marker: int, base: int) -> int:
        return struct.unpack((">B", ">H", ">I")[marker - base], self.take(1 << (marker - base)))[0]

    def value(self):
        m = self.take(1)[0]
        if m < 0x80:
            return m
        if m >= 0xF0:
            return m - 0x100
        if m == 0xC0:
            return None
        if m in (0xC2, 0xC3):
            return m == 0xC3
        if m == 0xC1:
            return struct.unpack(">d", self.take(8))[0]
        if 0xC8 <= m <= 0xCB:
            fmt = (">b", ">h", ">i", ">q")[m - 0xC8]
            return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]
        if 0xCC <= m <= 0xCE:
            return self.take(self.size(m, 0xCC))
        if 0x80 <= m <= 0x8F or 0xD0 <= m <= 0xD2:
            n = m - 0x80 if m <= 0x8F else self.size(m, 0xD0)
            return self.take(n).decode("utf-8", "replace")
        if 0x90 <= m <= 0x9F or 0xD4 <= m <= 0xD6:
            n = m - 0x90 if m <= 0x9F else self.size(m, 0xD4)
            return [self.value() for _ in range(n)]
        if 0xA0 <= m <= 0xAF or 0xD8 <= m <= 0xDA:
            n = m - 0xA0 if m <= 0xAF else self.size(m, 0xD8)
            return {self.value(): self.value() for _ in range(n)}
        if 0xB0 <= m <= 0xBF:
            signature = self.take(1)[0]
            return (signature, [self.value() for _ in range(m - 0xB0)])
        raise ValueError(f"unknown PackStream marker 0x{m:02X}")


class BoltClient:
    """Just enough Bolt (4.4 / 5.0) to log in and run a query, standard library only."""

    SUCCESS, RECORD, IGNORED, FAILURE = 0x70, 0x71, 0x7E, 0x7F

    def __init__(self, port: int, timeout: float = 10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        # Magic preamble, then four version proposals: 5.0, 4.4, none, none.
        self.sock.sendall(b"\x60\x60\xB0\x17" + bytes([0, 0, 0, 5, 0, 0, 4, 4]) + bytes(8))
        agreed = self._recv(4)
        if agreed == bytes(4):
            raise BoltError("Handshake", "the server speaks none of Bolt 5.0 / 4.4")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.sendall(self._chunk(b"\xB0\x02"))  # GOODBYE
        self.sock.close()

    def _recv(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            part = self.sock.recv(n - len(buf))
            if not part:
                raise ConnectionError("the server closed the connection")
            buf += part
        return buf

    @staticmethod
    def _chunk(message: bytes) -> bytes:
        out = b""
        for i in range(0, len(message), 0xFFFF):
            piece = message[i:i + 0xFFFF]
            out += struct.pack(">H", len(piece)) + piece
        return out + b"\x00\x00"

    def _send(self, signature: int, *fields) -> None:
        body = bytes([0xB0 + len(fields), signature]) + b"".join(_pack(f) for f in fields)
        self.sock.sendall(self._chunk(body))

    def _receive(self):
        data = b""
        while True:
            (size,) = struct.unpack(">H", self._recv(2))
            if size == 0:
                if data:
                    break
                continue  # NOOP keep-alive
            data += self._recv(size)
        signature, fields = _Unpacker(data).value()
        return signature, fields

    def _summary(self):
        """Read messages up to a summary; return (records, metadata) or raise on FAILURE."""
        records = []
        while True:
            signature, fields = self._receive()
            if signature == self.RECORD:
                records.append(fields[0])
                continue
            if signature == self.FAILURE:
                meta = fields[0] if fields else {}
                raise BoltError(meta.get("code", "Failure"), meta.get("message", ""))
            if signature == self.IGNORED:
                raise BoltError("Ignored", "the server ignored the request")
            return records, (fields[0] if fields else {})

    def hello(self, user: str, password: str) -> dict:
        self._send(0x01, {"user_agent": "mlsys-kg-neo4j-local/1", "scheme": "basic",
                          "principal": user, "credentials": password})
        return self._summary()[1]

    def query(self, text: str, database: str) -> list:
        self._send(0x10, text, {}, {"db": database})  # RUN
        self._send(0x3F, {"n": -1})  # PULL
        self._summary()
        return self._summary()[0]


def bolt_check(settings: Settings) -> str:
    """Log in with the configured credentials and run RETURN 1; returns the server agent."""
    client = BoltClient(settings.bolt_port)
    try:
        meta = client.hello(settings.username, settings.password)
        rows = client.query("RETURN 1", settings.database)
        if rows != [[1]]:
            raise BoltError("Unexpected", f"RETURN 1 gave {rows!r}")
        return str(meta.get("server", "Neo4j"))
    finally:
        client.close()


# --------------------------------------------------------------------------- commands


def cmd_fetch(layout: Layout, _args) -> int:
    with layout.locked():
        fetch(layout)
    return 0


def cmd_up(layout: Layout, _args) -> int:
    settings = Settings(create_env=True)
    settings.check_for_local_server()
    with layout.locked():
        pid = running_pid(layout)
        if pid is not None:
            if port_open(settings.bolt_port):
                info(f"already running (pid {pid}) at {settings.local_uri}")
                return 0
            raise Fail(f"a server of {layout.home} runs (pid {pid}) but nothing answers on "
                       f"port {settings.bolt_port}; run `down` first (was the port changed?)")
        if port_open(settings.bolt_port):
            raise Fail(f"port {settings.bolt_port} is already in use by another program; stop "
                       "it or choose another port with NEO4J_BOLT_PORT / NEO4J_URI")
        if port_open(settings.http_port):
            raise Fail(f"port {settings.http_port} is already in use by another program; stop "
                       "it or choose another port with NEO4J_HTTP_PORT")
        fetch(layout, quiet=True)
        java = find_java()
        write_config(layout, settings)
        if not system_db_exists(layout):
            info("new database: setting the initial password of user 'neo4j' from "
                 "NEO4J_PASSWORD")
            set_initial_password(java, layout, settings)

        neo4j_log = layout.logs / "neo4j.log"
        log_offset = neo4j_log.stat().st_size if neo4j_log.exists() else 0
        started = time.monotonic()
        with open(layout.console_log, "ab") as log:
            log.write(f"{RUN_BANNER} {time.strftime('%Y-%m-%d %H:%M:%S')} ===\n"
                      .encode())
            log.flush()
            proc = subprocess.Popen(server_command(java, layout), cwd=layout.home,
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    start_new_session=True)
        layout.pidfile.write_text(f"{proc.pid}\n")
        info(f"starting Neo4j {NEO4J_VERSION} (pid {proc.pid}); waiting for Bolt on "
             f"{settings.local_uri} ...")
        try:
            agent = wait_until_ready(proc, settings, started)
        except BaseException as exc:  # incl. Ctrl-C: leave no half-started server behind
            if proc.poll() is None:
                stop_pid(proc.pid, timeout=20)
            layout.pidfile.unlink(missing_ok=True)
            if isinstance(exc, Fail):
                exc.detail = log_tail(layout, log_offset)
            raise
        info(f"{agent} is up at {settings.local_uri} (HTTP http://127.0.0.1:{settings.http_port}) "
             f"after {time.monotonic() - started:.1f}s; logs in {layout.logs}")
    return 0


def wait_until_ready(proc: subprocess.Popen, settings: Settings, started: float) -> str:
    deadline = started + settings.start_timeout
    last_error = "no answer on the Bolt port yet"
    while True:
        code = proc.poll()
        if code is not None:
            raise Fail(f"the Neo4j server exited with code {code} while starting")
        if port_open(settings.bolt_port, timeout=1.0):
            try:
                return bolt_check(settings)
            except BoltError as exc:
                if "Unauthorized" in exc.code or "AuthenticationRateLimit" in exc.code:
                    raise Fail("the server is up but rejects NEO4J_USERNAME/NEO4J_PASSWORD: the "
                               "database was created with another password; use that one, or "
                               "run `python3 scripts/neo4j_local.py reset` to start afresh") \
                        from None
                last_error = str(exc)  # e.g. the database is still starting
            except (OSError, ValueError) as exc:
                last_error = str(exc) or type(exc).__name__
        if time.monotonic() >= deadline:
            raise Fail(f"Neo4j did not become ready on {settings.local_uri} within "
                       f"{settings.start_timeout:.0f}s ({last_error})")
        time.sleep(0.5)


def cmd_down(layout: Layout, _args) -> int:
    with layout.locked():
        pids = []
        pid = read_pid(layout)
        if pid is not None and is_our_server(pid, layout):
            pids.append(pid)
        pids += [p for p in stray_pids(layout) if p not in pids]
        if not pids:
            layout.pidfile.unlink(missing_ok=True)
            info("not running")
            return 0
        for p in pids:
            info(f"stopping Neo4j (pid {p}) ...")
            killed = stop_pid(p)
            if pid_alive(p):
                raise Fail(f"could not stop pid {p}")
            info(f"stopped (pid {p}{', killed after timeout' if killed else ''})")
        layout.pidfile.unlink(missing_ok=True)
    return 0


def cmd_status(layout: Layout, _args) -> int:
    settings = Settings(create_env=False)
    pid = running_pid(layout)
    if pid is None:
        print(f"stopped ({settings.local_uri}, cache {layout.home})")
        return EXIT_NOT_RUNNING
    answering = "answering" if port_open(settings.bolt_port) else "NOT answering yet"
    print(f"running pid={pid} uri={settings.local_uri} (Bolt {answering}) "
          f"http=http://127.0.0.1:{settings.http_port} cache={layout.home}")
    return 0


def cmd_reset(layout: Layout, args) -> int:
    cmd_down(layout, args)
    with layout.locked():
        for d in (layout.data, layout.logs, layout.run):
            shutil.rmtree(d, ignore_errors=True)
    info(f"deleted the database, logs and run files under {layout.home} "
         "(the downloaded server is kept); the next `up` starts afresh")
    return 0


COMMANDS = {"up": cmd_up, "down": cmd_down, "status": cmd_status, "fetch": cmd_fetch,
            "reset": cmd_reset}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="neo4j_local.py", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    parser.add_argument("command", choices=list(COMMANDS))
    args = parser.parse_args(argv)
    layout = Layout()
    try:
        return COMMANDS[args.command](layout, args)
    except Fail as exc:
        if exc.detail:
            print(exc.detail, file=sys.stderr)
        print(f"neo4j-local: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("neo4j-local: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"neo4j-local: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
