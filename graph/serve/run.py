"""Start the server: check the binding, open the graph, bind the socket, run uvicorn until Ctrl-C."""

from __future__ import annotations

import socket
import sys

import uvicorn

from graph.config import Settings, redact
from graph.serve.app import ServeError, ServeSettings, check_binding, create_app


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a port in use is one line, before anything is announced."""
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def serve(settings: Settings, serve: ServeSettings, announce: bool = True) -> None:
    check_binding(serve)
    app = create_app(settings, serve)  # a Neo4j that cannot be reached fails here, in one line
    sock = bind(serve.host, serve.port)
    planned, seconds = app.state.pool.plan_queries()
    if planned:
        done = "planned the {} canned queries" if settings.backend == "neo4j" else "kept the answers of the {} whole-graph queries"
        print(f"kg serve: {done.format(planned)} in {seconds:.1f} s", file=sys.stderr, flush=True)
    sys.setswitchinterval(0.001)  # the event loop waits less for the GIL while a worker thread computes
    where = redact(settings.neo4j_uri) if settings.backend == "neo4j" else str(settings.store)
    if announce:
        host = f"[{serve.host}]" if ":" in serve.host else serve.host
        print(f"Serving {where} ({settings.backend}) read-only at http://{host}:{serve.port}/  "
              f"(API docs at /docs{'; token required' if serve.token else ''}); Ctrl-C stops.", flush=True)
    config = uvicorn.Config(app, log_level="warning", server_header=False, limit_concurrency=200,
                            timeout_keep_alive=5, timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])
