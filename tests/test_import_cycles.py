"""The grader's modules import each other without a cycle (issue 24, point 7).

Imports are read with `ast` from every module of edf_autograder/, at any depth: an import
inside a function is a dependency too, so a cycle cannot be hidden by importing late.
Only imports under `if TYPE_CHECKING:` (never run) are left out. `from package import
module` depends on that module; the package's own __init__ that Python runs first is not
counted (a package that imports its submodules would otherwise be a cycle with each).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "edf_autograder"


def module_names(root: Path = PACKAGE) -> dict[str, Path]:
    names = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _runtime_nodes(tree: ast.AST):
    """Every node but those under `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def _imported(node: ast.AST, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parent = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(parent + ([base] if base else []))
        return [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return []


def import_graph(names: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the grader's modules it imports (by the most specific name that is a module)."""
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            named = _imported(node, package)
            if isinstance(node, ast.ImportFrom):  # the submodules named after `import`, else the module
                named = [t for t in named[1:] if t in names] or named[:1]
            found.update(t for t in named if t in names)
        graph[name] = found - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules (depth-first search, in name order)."""
    found, done = [], set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            found.append(path[path.index(name):] + [name])
            return
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    return found


def test_the_graders_modules_import_each_other_without_a_cycle():
    graph = import_graph(module_names())
    assert "edf_autograder.kernel.sandbox" in graph and "edf_autograder.kernel.memory_cap" in graph
    assert cycles(graph) == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles(graph))


def test_memory_cap_and_sandbox_share_their_error_without_importing_each_other():
    graph = import_graph(module_names())
    assert "edf_autograder.kernel.sandbox" not in graph["edf_autograder.kernel.memory_cap"]
    assert "edf_autograder.errors" in graph["edf_autograder.kernel.memory_cap"]


@pytest.mark.parametrize("late", [False, True], ids=["top", "inside a function"])
def test_the_cycle_finder_sees_a_cycle_at_any_depth(tmp_path, late):
    """The test above can fail: a made-up package whose two modules import each other."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("def f():\n    from pkg.a import g\n" if late else "import pkg.a\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n")
    graph = import_graph(module_names(package))
    assert graph["pkg.c"] == set()
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.a"]]
