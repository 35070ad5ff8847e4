"""``kg serve``: the graph read-only over HTTP, pages for people and JSON for programs."""

from graph.serve.app import ServeError, ServeSettings, check_binding, create_app

__all__ = ["ServeError", "ServeSettings", "check_binding", "create_app"]
