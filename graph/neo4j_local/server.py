"""A local Neo4j Community server for development and CI, without Docker (``kg neo4j …``).

Neo4j's own release artifacts from Maven Central, with the Neo4j Browser and APOC core, fetched
once into a git-ignored cache and started directly on the JVM, as Neo4j's launcher would::

    server = LocalNeo4j.from_env()   # ./.cache/neo4j (or $KG_NEO4J_HOME), ./.env
    server.up()                      # fetch if needed, start, wait until the credentials work
    server.status().running          # True
    server.down()

Settings (the environment, then ``./.env``): NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD,
NEO4J_DATABASE, NEO4J_BOLT_PORT, NEO4J_HTTP_PORT, KG_NEO4J_HOME, KG_NEO4J_START_TIMEOUT,
KG_NEO4J_JAVA_OPTS, KG_NEO4J_UNRESTRICTED. See docs/neo4j.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.neo4j_local.config import NEO4J_VERSION, Layout, LocalNeo4jError, LocalSettings, write_config
from graph.neo4j_local.fetch import fetch
from graph.neo4j_local.process import (
    RUN_BANNER,
    find_java,
    info,
    log_tail,
    pid_alive,
    port_open,
    private_auth_files,
    server_command,
    server_pids,
    set_initial_password,
    stop_pid,
)

EXIT_NOT_RUNNING = 3


@dataclass(frozen=True)
class ServerStatus:
    pid: int | None
    uri: str
    http_url: str
    home: Path
    bolt_answering: bool = False

    @property
    def running(self) -> bool:
        return self.pid is not None

    def describe(self) -> str:
        if self.pid is None:
            return f"stopped ({self.uri}, cache {self.home})"
        answering = "answering" if self.bolt_answering else "NOT answering yet"
        return f"running pid={self.pid} uri={self.uri} (Bolt {answering}) browser={self.http_url}/browser/ cache={self.home}"


class LocalNeo4j:
    """One local server: its home directory (``.cache/neo4j`` or ``$KG_NEO4J_HOME``) and settings."""

    def __init__(self, project: Path, layout: Layout) -> None:
        self.project = project
        self.layout = layout

    @classmethod
    def from_env(cls, project: Path | None = None) -> LocalNeo4j:
        project = (project or Path.cwd()).resolve()
        return cls(project, Layout.from_env(project))

    def settings(self, create_env: bool = False) -> LocalSettings:
        return LocalSettings.from_env(self.project, create_env=create_env)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise up/down/fetch/reset of one home against each other."""
        self.layout.home.mkdir(parents=True, exist_ok=True)
        with self.layout.lockfile.open("a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def fetch(self) -> None:
        with self._locked():
            fetch(self.layout)

    def status(self) -> ServerStatus:
        settings = self.settings()
        pids = server_pids(self.layout)
        if not pids:
            self.layout.pidfile.unlink(missing_ok=True)  # stale
        pid = pids[0] if pids else None
        return ServerStatus(pid, settings.local_uri, settings.http_url, self.layout.home,
                            bolt_answering=pid is not None and port_open(settings.bolt_port))

    def up(self) -> None:
        settings = self.settings(create_env=True)
        settings.check_for_local_server()
        with self._locked():
            pids = server_pids(self.layout)
            if pids:
                if port_open(settings.bolt_port):
                    info(f"already running (pid {pids[0]}) at {settings.local_uri}; Browser at {settings.http_url}/browser/")
                    return
                raise LocalNeo4jError(f"a server of {self.layout.home} runs (pid {pids[0]}) but nothing answers on port "
                                      f"{settings.bolt_port}; run `kg neo4j down` first (was the port changed?)")
            for port, variable in ((settings.bolt_port, "NEO4J_BOLT_PORT / NEO4J_URI"), (settings.http_port, "NEO4J_HTTP_PORT")):
                if port_open(port):
                    raise LocalNeo4jError(f"port {port} is already in use by another program; stop it or choose "
                                          f"another port with {variable}")
            fetch(self.layout, quiet=True)
            java = find_java()
            write_config(self.layout, settings)
            if not (self.layout.data / "databases" / "system").is_dir():
                info("new database: setting the initial password of user 'neo4j' from NEO4J_PASSWORD")
                set_initial_password(java, self.layout, settings.password)
            private_auth_files(self.layout)
            self._start(java, settings)

    def _start(self, java: str, settings: LocalSettings) -> None:
        neo4j_log = self.layout.logs / "neo4j.log"
        log_offset = neo4j_log.stat().st_size if neo4j_log.exists() else 0
        started = time.monotonic()
        with self.layout.console_log.open("ab") as log:
            log.write(f"{RUN_BANNER} {time.strftime('%Y-%m-%d %H:%M:%S')} ===\n".encode())
            log.flush()
            proc = subprocess.Popen(server_command(java, self.layout, settings), cwd=self.layout.home,
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        self.layout.pidfile.write_text(f"{proc.pid}\n")
        info(f"starting Neo4j {NEO4J_VERSION} (pid {proc.pid}); waiting for Bolt on {settings.local_uri} ...")
        try:
            agent = _wait_until_ready(proc, settings, started)
        except BaseException as exc:  # Ctrl-C included: leave no half-started server behind
            if proc.poll() is None:
                stop_pid(proc.pid, timeout=20)
            self.layout.pidfile.unlink(missing_ok=True)
            if isinstance(exc, LocalNeo4jError):
                exc.detail = log_tail(self.layout, log_offset)
            raise
        info(f"{agent} is up at {settings.local_uri} after {time.monotonic() - started:.1f}s; "
             f"Browser at {settings.http_url}/browser/; logs in {self.layout.logs}")

    def down(self) -> None:
        with self._locked():
            pids = server_pids(self.layout)
            if not pids:
                info("not running")
            for pid in pids:
                info(f"stopping Neo4j (pid {pid}) ...")
                killed = stop_pid(pid)
                if pid_alive(pid):
                    raise LocalNeo4jError(f"could not stop pid {pid}")
                info(f"stopped (pid {pid}{', killed after timeout' if killed else ''})")
            self.layout.pidfile.unlink(missing_ok=True)

    def reset(self) -> None:
        self.down()
        with self._locked():
            for directory in (self.layout.data, self.layout.logs, self.layout.run):
                shutil.rmtree(directory, ignore_errors=True)
        info(f"deleted the database, logs and run files under {self.layout.home} "
             "(the downloaded server is kept); the next `up` starts afresh")


def check_login(settings: LocalSettings, timeout: float = 5.0) -> str:
    """Log in with the configured credentials and run ``RETURN 1``; the server's agent string."""
    from neo4j import GraphDatabase  # here, not at the top: `kg` starts faster without the driver

    with GraphDatabase.driver(settings.local_uri, auth=(settings.username, settings.password),
                              connection_timeout=timeout, connection_acquisition_timeout=timeout) as driver:
        with driver.session(database=settings.database) as session:
            result = session.run("RETURN 1 AS one")
            if result.single(strict=True)["one"] != 1:
                raise LocalNeo4jError("RETURN 1 did not return 1")
            return str(result.consume().server.agent)


def _wait_until_ready(proc: subprocess.Popen[bytes], settings: LocalSettings, started: float) -> str:
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    deadline = started + settings.start_timeout
    last_error = "no answer on the Bolt port yet"
    while True:
        code = proc.poll()
        if code is not None:
            raise LocalNeo4jError(f"the Neo4j server exited with code {code} while starting")
        if port_open(settings.bolt_port):
            try:
                return check_login(settings)
            except AuthError:
                raise LocalNeo4jError(
                    "the server is up but rejects NEO4J_USERNAME/NEO4J_PASSWORD: the database was created with "
                    "another password; use that one, or run `kg neo4j reset` to start afresh"
                ) from None
            except (Neo4jError, DriverError, OSError) as exc:  # e.g. the database is still starting
                if "AuthenticationRateLimit" in str(getattr(exc, "code", "")):
                    raise LocalNeo4jError("the server refuses logins after too many wrong passwords; "
                                          "check NEO4J_PASSWORD or run `kg neo4j reset`") from None
                last_error = str(exc) or type(exc).__name__
        if time.monotonic() >= deadline:
            raise LocalNeo4jError(f"Neo4j did not become ready on {settings.local_uri} within "
                                  f"{settings.start_timeout:.0f}s ({last_error})")
        time.sleep(0.5)
