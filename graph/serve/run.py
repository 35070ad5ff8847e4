"""Start the server: check the binding, open the graph, run uvicorn until Ctrl-C."""

from __future__ import annotations

import uvicorn

from graph.config import Settings, redact
from graph.serve.app import ServeSettings, check_binding, create_app


def serve(settings: Settings, serve: ServeSettings, announce: bool = True) -> None:
    check_binding(serve)
    app = create_app(settings, serve)  # a Neo4j that cannot be reached fails here, in one line
    where = redact(settings.neo4j_uri) if settings.backend == "neo4j" else str(settings.store)
    if announce:
        host = f"[{serve.host}]" if ":" in serve.host else serve.host
        print(f"Serving {where} ({settings.backend}) read-only at http://{host}:{serve.port}/  "
              f"(API docs at /docs{'; token required' if serve.token else ''}); Ctrl-C stops.", flush=True)
    config = uvicorn.Config(app, host=serve.host, port=serve.port, log_level="warning", server_header=False,
                            limit_concurrency=200, timeout_keep_alive=5, timeout_graceful_shutdown=5)
    uvicorn.Server(config).run()
