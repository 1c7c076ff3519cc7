"""Find the private FastAPI names that FastAPI's test suite reaches into, test by test.

The suite mostly uses the public API, but some tests import ``fastapi._compat``, patch
``fastapi.routing._something`` or poke at private attributes of FastAPI's objects
(``app.router._low_priority_routes``). Such a test checks FastAPI's internals, not behaviour a
user relies on, so it is excluded from the count (see ``excluded.py``). This module finds them:

- dotted ``fastapi...`` names with an underscore-private part, from imports, attribute chains
  rooted in an imported name, ``mock.patch("fastapi.x._y")`` strings and
  ``monkeypatch.setattr(module, "_y")`` calls;
- private attributes of objects (``something._name``) whose name FastAPI's own source defines
  (a function, class, module global or ``self._name`` attribute) and the test file does not.

Uses are attributed to the smallest node that owns them: a test function (through the helper
functions, classes and fixtures it references, transitively), or the whole file when the use
is at module level or in an autouse fixture.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

_DOTTED = re.compile(r"^fastapi(\.[A-Za-z_]\w*)+$")
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
DefNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def is_private(dotted: str) -> bool:
    """Tell whether a dotted name has a ``_single``-underscore part (dunders are public)."""
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def defined_privates(tree: ast.AST) -> set[str]:
    """Return the private identifiers a module defines or assigns (functions, classes,
    globals, attributes set through ``self._x = ...``, import aliases)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
    return {name for name in names if is_private(name)}


def source_privates(source_root: Path) -> frozenset[str]:
    """Return every private identifier defined anywhere in FastAPI's own source folder."""
    names: set[str] = set()
    for path in source_root.rglob("*.py"):
        names |= defined_privates(ast.parse(path.read_text(), filename=str(path)))
    return frozenset(names)


def local_names(tree: ast.AST) -> dict[str, str]:
    """Map names bound by imports (``from fastapi import routing``) to dotted paths."""
    local = {"fastapi": "fastapi"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                local[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    local[alias.asname] = alias.name
    return local


class _Finder:
    """Collect the private names used inside one AST subtree of one test file."""

    def __init__(self, tree: ast.Module, fastapi_privates: frozenset[str]) -> None:
        self.local = local_names(tree)
        # A private attribute the test file defines itself is the test's own business.
        self.attributes = fastapi_privates - defined_privates(tree)

    def uses(self, subtree: ast.AST, *, with_modules: bool = True) -> set[str]:
        """Return the private names used in ``subtree``.

        Args:
            subtree: The code to look at.
            with_modules: Also report the module of a ``from module import name`` (for the
                usage report; an exclusion judges the imported names themselves).
        """
        found: set[str] = set()
        for node in ast.walk(subtree):
            found.update(self._node_uses(node, with_modules))
        return {name for name in found if is_private(name)}

    def _node_uses(self, node: ast.AST, with_modules: bool) -> Iterator[str]:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if _is_fastapi(alias.name))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if _is_fastapi(node.module):
                if with_modules:
                    yield node.module
                yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # mock.patch("fastapi.routing._x") and monkeypatch.setattr("fastapi...") targets.
            if _DOTTED.match(node.value):
                yield node.value
        elif isinstance(node, ast.Attribute):
            dotted = self._dotted(node)
            if dotted is not None and _is_fastapi(dotted):
                yield dotted
            elif node.attr in self.attributes:
                yield f"<object>.{node.attr}"
        elif isinstance(node, ast.Call):
            yield from self._patched_attribute(node)

    def _dotted(self, node: ast.expr) -> str | None:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.local:
            return ".".join([self.local[node.id], *reversed(parts)])
        return None

    def _patched_attribute(self, call: ast.Call) -> list[str]:
        """Return ``X.name`` for ``monkeypatch.setattr(X, "name", ...)``, ``patch.object``..."""
        func = call.func
        method = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if method not in ("setattr", "delattr", "getattr", "object"):
            return []
        if len(call.args) < 2 or not isinstance(call.args[1], ast.Constant):
            return []
        name = call.args[1].value
        if not isinstance(name, str):
            return []
        owner = self._dotted(call.args[0])
        if owner is not None and _is_fastapi(owner):
            return [f"{owner}.{name}"]
        return [f"<object>.{name}"] if name in self.attributes else []


def _is_fastapi(dotted: str) -> bool:
    return dotted.split(".")[0] == "fastapi"


def scan(root: Path, fastapi_privates: frozenset[str] = frozenset()) -> Counter[str]:
    """Count, for each private ``fastapi`` name, the files under tests/ and docs_src/ using it."""
    counts: Counter[str] = Counter()
    for folder in ("tests", "docs_src"):
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            counts.update(_Finder(tree, fastapi_privates).uses(tree))
    return counts


def report(root: Path, fastapi_modules: frozenset[str], fastapi_privates: frozenset[str]) -> str:
    """Return the printed table: private modules first, then private names, by file count.

    Args:
        root: The unpacked sdist.
        fastapi_modules: Dotted names of FastAPI's own modules, to tell modules from names.
        fastapi_privates: Private identifiers FastAPI's source defines (for attributes).
    """
    counts = scan(root, fastapi_privates)
    modules = Counter({n: c for n, c in counts.items() if n in fastapi_modules})
    names = Counter({n: c for n, c in counts.items() if n not in fastapi_modules})
    lines = [f"private fastapi modules used by the suite ({len(modules)}), files using each:"]
    lines += [f"  {count:4d}  {name}" for name, count in modules.most_common()]
    lines.append(f"private fastapi names used by the suite ({len(names)}), files using each:")
    lines += [f"  {count:4d}  {name}" for name, count in names.most_common()]
    return "\n".join(lines)


# -- attributing uses to tests ------------------------------------------------------------


def _is_test_def(node: ast.stmt) -> bool:
    if isinstance(node, ast.ClassDef):
        return node.name.startswith("Test")
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(
        "test"
    )


def _is_autouse_fixture(node: ast.stmt) -> bool:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return any(
        isinstance(decorator, ast.Call)
        and any(
            keyword.arg == "autouse"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is True
            for keyword in decorator.keywords
        )
        for decorator in node.decorator_list
    )


def _references(node: DefNode, known: Iterable[str]) -> set[str]:
    """Return the module-level definitions ``node`` refers to: by name, or as a fixture
    (a parameter named like a fixture function)."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    for sub in ast.walk(node):
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.update(arg.arg for arg in sub.args.args + sub.args.kwonlyargs)
    return names.intersection(known) - {node.name}


def private_uses(
    relative: str, tree: ast.Module, fastapi_privates: frozenset[str]
) -> dict[str, set[str]]:
    """Return {node id prefix: private names used} for one test file (see `uses_by_node`)."""
    finder = _Finder(tree, fastapi_privates)
    return uses_by_node(relative, tree, lambda node: finder.uses(node, with_modules=False))


def private_uses_anywhere(tree: ast.Module, fastapi_privates: frozenset[str]) -> set[str]:
    """Return every private name one file uses, wherever it is used."""
    return _Finder(tree, fastapi_privates).uses(tree, with_modules=False)


def uses_by_node(
    relative: str, tree: ast.Module, uses: Callable[[ast.AST], set[str]]
) -> dict[str, set[str]]:
    """Return {node id prefix: what ``uses`` found} for one test file.

    The node is the file itself (``tests/x.py``) for module-level uses and autouse fixtures,
    otherwise each test (``tests/x.py::test_y``, ``tests/x.py::TestX``) with uses of its own
    or through the module's helper functions, classes and fixtures.
    """
    definitions: dict[str, DefNode] = {}
    file_uses: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            definitions[statement.name] = statement
        else:
            file_uses |= uses(statement)
    direct = {name: uses(node) for name, node in definitions.items()}
    graph = {name: _references(node, definitions) for name, node in definitions.items()}
    result: dict[str, set[str]] = {}
    for name, node in definitions.items():
        total = _closure(name, direct, graph)
        if not total:
            continue
        if _is_autouse_fixture(node):
            file_uses |= total
        elif _is_test_def(node):
            result[f"{relative}::{name}"] = total
    if file_uses:
        return {relative: file_uses}
    return result


def _closure(start: str, direct: dict[str, set[str]], graph: dict[str, set[str]]) -> set[str]:
    seen = {start}
    pending = [start]
    found: set[str] = set()
    while pending:
        name = pending.pop()
        found |= direct[name]
        for other in graph[name] - seen:
            seen.add(other)
            pending.append(other)
    return found
