"""Processes of the local Neo4j server: Java, the JVM command, pids, ports and logs."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from graph.neo4j_local.config import HEAP_INITIAL, HEAP_MAX, JVM_ADDITIONAL, Layout, LocalNeo4jError, LocalSettings

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"  # what `neo4j-admin` runs
STOP_TIMEOUT = 60.0
RUN_BANNER = "=== kg neo4j up"


def info(message: str) -> None:
    print(f"kg neo4j: {message}", flush=True)


def tail_text(text: str, lines: int) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def find_java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        raise LocalNeo4jError("Java 17 or 21 is needed to run Neo4j 5 and 'java' was not found "
                              "(install a JDK, e.g. apt-get install openjdk-17-jre-headless, or set JAVA_HOME)")
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LocalNeo4jError(f"could not run {java} -version: {exc}") from None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if match:
        major = int(match.group(1))
        if major == 1 and match.group(2):
            major = int(match.group(2))
        if major < 17:
            raise LocalNeo4jError(f"Neo4j 5 needs Java 17 or 21, but {java} is Java {major}")
    return java


def classpath(layout: Layout) -> str:
    # The order of Neo4j's own launcher: plugins, conf, lib.
    return os.pathsep.join(str(directory / "*") for directory in (layout.plugins, layout.conf, layout.lib))


def server_command(java: str, layout: Layout, settings: LocalSettings) -> list[str]:
    return [
        java, f"-Xms{HEAP_INITIAL}", f"-Xmx{HEAP_MAX}", *JVM_ADDITIONAL, "-Dfile.encoding=UTF-8",
        *shlex.split(settings.java_opts),
        "-cp", classpath(layout), ENTRY_POINT, f"--home-dir={layout.home}", f"--config-dir={layout.conf}",
    ]


def set_initial_password(java: str, layout: Layout, password: str) -> None:
    """``neo4j-admin dbms set-initial-password``, from the server's own classpath.

    It writes data/dbms/auth.ini, which the server applies when it creates the system database on
    its first start; afterwards the password lives in that database.
    """
    env = dict(os.environ, NEO4J_HOME=str(layout.home), NEO4J_CONF=str(layout.conf))
    command = [java, "-Xmx256m", *JVM_ADDITIONAL, "-cp", classpath(layout), ADMIN_TOOL,
               "dbms", "set-initial-password", password]
    result = subprocess.run(command, env=env, cwd=layout.home, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise LocalNeo4jError(f"neo4j-admin dbms set-initial-password failed (exit {result.returncode})",
                              detail=tail_text(result.stdout + result.stderr, 20))
    private_auth_files(layout)


def private_auth_files(layout: Layout) -> None:
    """data/dbms/auth*: the initial password's hash, the owner's alone as .env is (servers
    set up before this was done are fixed at their next start)."""
    for auth in (layout.data / "dbms").glob("auth*"):
        auth.chmod(0o600)


def _cmdline(pid: int) -> list[str] | None:
    """The process's arguments (whole tokens: ``.cache/neo4j`` must not match ``.cache/neo4j-test``)."""
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
    try:  # a zombie (an exited child not yet reaped) is not a running server
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _is_server_of(pid: int, layout: Layout) -> bool:
    command = _cmdline(pid)
    if command is None:  # no /proc (e.g. macOS): trust the pid file
        return pid_alive(pid)
    return ENTRY_POINT in command and f"--home-dir={layout.home}" in command and pid_alive(pid)


def read_pid(layout: Layout) -> int | None:
    try:
        return int(layout.pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


def server_pids(layout: Layout) -> list[int]:
    """The running servers of this home: the pid file's, and any found in /proc (a lost pid file)."""
    pids = []
    pid = read_pid(layout)
    if pid is not None and _is_server_of(pid, layout):
        pids.append(pid)
    proc = Path("/proc")
    if proc.is_dir():
        pids += sorted(int(e.name) for e in proc.iterdir()
                       if e.name.isdigit() and int(e.name) not in pids and _is_server_of(int(e.name), layout))
    return pids


def port_open(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def stop_pid(pid: int, timeout: float = STOP_TIMEOUT) -> bool:
    """SIGTERM, wait, then SIGKILL. True if it had to be killed."""
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


def log_tail(layout: Layout, neo4j_log_offset: int = 0, lines: int = 30) -> str:
    """The JVM's output of the last start, and what neo4j.log gained since ``neo4j_log_offset``."""
    parts = []
    if layout.console_log.exists():
        text = layout.console_log.read_text(encoding="utf-8", errors="replace")
        last_run = text.rsplit(RUN_BANNER, 1)[-1].split("\n", 1)[-1].strip()
        if last_run:
            parts.append(f"--- JVM output ({layout.console_log}) ---\n{tail_text(last_run, lines)}")
    neo4j_log = layout.logs / "neo4j.log"
    if neo4j_log.exists() and neo4j_log.stat().st_size > neo4j_log_offset:
        with neo4j_log.open("rb") as fh:
            fh.seek(neo4j_log_offset)
            text = fh.read().decode("utf-8", errors="replace")
        parts.append(f"--- last lines of {neo4j_log} ---\n{tail_text(text, lines)}")
    return "\n".join(parts)
