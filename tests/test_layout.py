"""The layout shows the architecture: every module sits in a layer, imports go one way (the faces →
the facade → pictures, loaders → the stores → the model), and no module imports itself back
through another, even inside a function. Imports under ``if TYPE_CHECKING:`` never run and are
not counted."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("graph", "loaders", "queries")

#: Higher layers may import lower ones (and their own), never higher. The longest prefix decides.
LAYERS: dict[str, int] = {
    # the faces
    "graph.cli": 6, "graph.serve": 6, "queries.helpers": 6,
    # the facade
    "graph.api": 5,
    # what the facade draws with, and the local server the CLI runs
    "graph.pictures": 4, "graph.neo4j_local": 4,
    # the way in; files the faces and pictures write
    "loaders": 3, "graph.outfile": 3,
    # the stores, and the embedded store's twins of the canned Cypher
    "graph.store": 2, "queries.embedded": 2,
    # the model, settings, names, typed rows, and the catalogue of canned queries
    "graph": 1, "queries": 1,
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _layer(module: str) -> int:
    prefixes = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return LAYERS[max(prefixes, key=len)]


def _target(name: str) -> str | None:
    """The project module ``name`` is, or is inside (``graph.store.StoreError`` -> ``graph.store``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _run_time_imports(tree: ast.AST) -> list[str]:
    names: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.extend(f"{node.module}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


def _imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = {_target(name) for name in _run_time_imports(ast.parse(path.read_text(encoding="utf-8")))}
        graph[module] = {t for t in targets if t and t != module}
    return graph


IMPORTS = _imports()


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_every_import_goes_down_or_across_never_up() -> None:
    upward = [f"{m} (layer {_layer(m)}) imports {t} (layer {_layer(t)})"
              for m, targets in sorted(IMPORTS.items()) for t in sorted(targets) if _layer(t) > _layer(m)]
    assert not upward, "\n".join(upward)


def test_no_module_imports_itself_back() -> None:
    assert _cycles(IMPORTS) == []


def test_the_checks_see_an_upward_import_and_a_cycle() -> None:
    """The checks above find what they look for (a check that cannot fail proves nothing)."""
    tree = ast.parse("import graph.api\nif TYPE_CHECKING:\n    import graph.cli\ndef f():\n    from graph.store import StoreError\n")
    assert {_target(n) for n in _run_time_imports(tree)} == {"graph.api", "graph.store"}
    assert _layer("graph.model") < _layer("graph.store.embedded") < _layer("loaders.pipeline") < _layer("graph.api") < _layer("graph.cli.commands")
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", sorted(m for m, p in MODULES.items() if p.name == "__init__.py"))
def test_every_package_says_what_it_owns_and_what_it_may_import(package: str) -> None:
    doc = ast.get_docstring(ast.parse(MODULES[package].read_text(encoding="utf-8"))) or ""
    assert len(doc.split()) >= 20, f"{package}/__init__.py: say what the package owns and what it may import"


@pytest.mark.parametrize("name", ["graph.api:KnowledgeGraph", "graph.config:Settings", "queries.helpers:papers_comparing_to",
                                  "graph.store:StoreError", "graph.cli:main", "graph.neo4j_local:LocalNeo4j"])
def test_the_public_imports_the_docs_show_still_work(name: str) -> None:
    module, attr = name.split(":")
    assert hasattr(importlib.import_module(module), attr)


def test_the_load_pipeline_lives_with_the_loaders() -> None:
    assert "loaders.pipeline" in MODULES and not (ROOT / "graph" / "build.py").exists()
    assert {m.rpartition(".")[0] for m in MODULES if m.startswith("graph.") and m.count(".") == 2} >= {
        "graph.store", "graph.pictures", "graph.neo4j_local", "graph.cli", "graph.serve"}


def test_every_module_imports_in_a_fresh_interpreter() -> None:
    """A name imported from a package that no longer holds it (``from graph import build``) fails here."""
    import subprocess
    import sys

    code = "import importlib\nfor m in %r:\n    importlib.import_module(m)\n" % sorted(MODULES)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
