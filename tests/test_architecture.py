"""The package's shape: no import cycles, and no module longer than a reader can hold.

The import graph is read from the source (every module parsed, nothing imported), so a cycle
shows here even where Python happens to tolerate it at run time because one side imports
inside a function. An import under ``if TYPE_CHECKING:`` does NOT count: it never runs, and
it is how a module names another's types without depending on it at run time.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

SRC = Path(__file__).parent.parent / "src"
PACKAGE = "stethoscope"
MAX_LINES = 600


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that runs: at top level, in functions, in classes, in try/if
    blocks; not the body of an ``if TYPE_CHECKING:`` (its ``else`` does run)."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph(root: Path = SRC, package: str = PACKAGE) -> dict[str, set[str]]:
    """Each module of the package (in folder ``root``) -> the modules of the package it
    imports.

    ``from a.b import c`` is an edge to ``a.b.c`` where that is a module, else to ``a.b``;
    ``import a.b.c`` is an edge to ``a.b.c``. Relative imports resolve against the module's
    package. (As import-linter counts them, the packages' ``__init__`` modules that Python runs
    on the way are not edges: they would make every module that imports a sibling depend on
    the package's public API, and every cycle run through ``stethoscope/__init__.py``.)
    """
    files = {_module_name(p, root): p for p in (root / package).rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = here.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    module = ".".join([*base, node.module] if node.module else base)
                else:
                    module = node.module or ""
                targets = [
                    f"{module}.{alias.name}" if f"{module}.{alias.name}" in files else module
                    for alias in node.names
                ]
            for target in targets:
                # `import a.b.c` where a.b.c is not ours (or is a name in a.b): its nearest
                # module of the package
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def groups(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, each sorted (strongly connected
    components of more than one module; a module importing itself is not one)."""

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in graph[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reach = {m: reachable(m) for m in graph}
    found: list[list[str]] = []
    placed: set[str] = set()
    for start in sorted(graph):
        if start not in placed and start in reach[start]:
            group = sorted(m for m in reach[start] if start in reach[m])
            if len(group) == 1:
                continue
            placed.update(group)
            found.append(group)
    return found


def shortest_cycle(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A shortest cycle from the group's first module back to it, as ``[a, b, ..., a]``."""
    start, members = group[0], set(group)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if start in graph[here]:
            path = [here]
            while path[-1] != start:
                path.append(came_from[path[-1]])
            return [*reversed(path), start]
        for nxt in sorted(graph[here] & members):
            if nxt != start and nxt not in came_from:
                came_from[nxt] = here
                queue.append(nxt)
    raise AssertionError(f"{group} is not a group of modules that import each other")


def describe(graph: dict[str, set[str]]) -> list[str]:
    """Each cycle as a line a reader can act on: one shortest path, then the whole group."""
    lines = []
    for group in groups(graph):
        cycle = shortest_cycle(graph, group)
        line = " -> ".join(cycle)
        if len(group) > len(cycle) - 1:
            line += f"  (one of {len(group)} modules that import each other: {', '.join(group)})"
        lines.append(line)
    return lines


def test_the_graph_counts_what_runs(tmp_path: Path) -> None:
    """On a package made here: imports in functions, classes and ``else`` branches count,
    relative ones resolve, names resolve to their module, and neither an import under
    ``TYPE_CHECKING`` nor one of another package is an edge."""
    files = {
        "__init__.py": "from pkg.api import f\n",
        "api.py": (
            "import os.path\nfrom typing import TYPE_CHECKING\nimport typing\n"
            "from .sub import deep\n"
            "if TYPE_CHECKING:\n    from pkg import hidden\n"
            "if typing.TYPE_CHECKING:\n    import pkg.hidden\nelse:\n    import pkg.shown\n"
            "def f():\n    from pkg.sub.deep import g\n"
        ),
        "hidden.py": "",
        "shown.py": "class C:\n    from . import api\n",
        "sub/__init__.py": "from . import deep\n",
        "sub/deep.py": "from ..shown import C\ndef g():\n    import pkg\n",
    }
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    graph = import_graph(tmp_path, "pkg")
    assert graph == {
        "pkg": {"pkg.api"},
        "pkg.api": {"pkg.shown", "pkg.sub.deep"},
        "pkg.hidden": set(),
        "pkg.shown": {"pkg.api"},
        "pkg.sub": {"pkg.sub.deep"},
        "pkg.sub.deep": {"pkg", "pkg.shown"},
    }
    # api -> sub.deep -> shown -> api, and pkg -> api -> sub.deep -> pkg
    assert groups(graph) == [["pkg", "pkg.api", "pkg.shown", "pkg.sub.deep"]]
    assert describe(graph) == [
        "pkg -> pkg.api -> pkg.sub.deep -> pkg  (one of 4 modules that import each other: "
        "pkg, pkg.api, pkg.shown, pkg.sub.deep)"
    ]
    # a module importing itself is no cycle; two apart from the rest are a group of their own
    assert groups({"a": {"a", "b"}, "b": {"c"}, "c": {"b"}}) == [["b", "c"]]


def test_no_import_cycles() -> None:
    found = describe(import_graph())
    assert not found, "import cycles:\n" + "\n".join(found)


def test_no_module_is_longer_than_600_lines() -> None:
    long = {
        str(path.relative_to(SRC)): n
        for path in sorted(SRC.rglob("*.py"))
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them by concept): {long}"
