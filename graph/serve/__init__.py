"""``kg serve``: the graph read-only over HTTP, pages for people and JSON for programs.

A face, like the command line: it may import the facade (:mod:`graph.api`) and everything below
it, and :mod:`graph.output`; never :mod:`graph.cli`.
"""

from graph.serve.app import ServeError, ServeSettings, check_binding, create_app

__all__ = ["ServeError", "ServeSettings", "check_binding", "create_app"]
