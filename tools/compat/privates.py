"""List the private FastAPI modules and names that FastAPI's test suite reaches into.

The suite mostly uses the public API, but some tests import ``fastapi._compat`` or patch
``fastapi.routing._something``; Zephyr must decide, name by name, whether to provide them.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

_DOTTED = re.compile(r"^fastapi(\.[A-Za-z_]\w*)+$")


def _is_private(dotted: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def _names_in(tree: ast.AST) -> set[str]:
    """Return the private ``fastapi...`` dotted names one file imports, patches or touches."""
    local = _local_names(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # mock.patch("fastapi.routing._x") and monkeypatch.setattr("fastapi...") targets.
            if _DOTTED.match(node.value):
                found.add(node.value)
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node, local)
            if dotted is not None:
                found.add(dotted)
        elif isinstance(node, ast.Call):
            found.update(_patched_attribute(node, local))
    return {name for name in found if name.split(".")[0] == "fastapi" and _is_private(name)}


def _local_names(tree: ast.AST) -> dict[str, str]:
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


def _dotted(node: ast.expr, local: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in local:
        return ".".join([local[node.id], *reversed(parts)])
    return None


def _patched_attribute(call: ast.Call, local: dict[str, str]) -> list[str]:
    """Return ``X.name`` for ``monkeypatch.setattr(X, "name", ...)`` / ``patch.object(...)``."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("setattr", "delattr", "object")):
        return []
    if len(call.args) < 2 or not isinstance(call.args[1], ast.Constant):
        return []
    owner = _dotted(call.args[0], local)
    name = call.args[1].value
    return [f"{owner}.{name}"] if owner is not None and isinstance(name, str) else []


def scan(root: Path) -> Counter[str]:
    """Count, for each private ``fastapi`` name, the files under tests/ and docs_src/ using it."""
    counts: Counter[str] = Counter()
    for folder in ("tests", "docs_src"):
        for path in sorted((root / folder).rglob("*.py")):
            counts.update(_names_in(ast.parse(path.read_text(), filename=str(path))))
    return counts


def report(root: Path, fastapi_modules: frozenset[str]) -> str:
    """Return the printed table: private modules first, then private names, by file count.

    Args:
        root: The unpacked sdist.
        fastapi_modules: Dotted names of FastAPI's own modules, to tell modules from names.
    """
    counts = scan(root)
    modules = Counter({n: c for n, c in counts.items() if n in fastapi_modules})
    names = Counter({n: c for n, c in counts.items() if n not in fastapi_modules})
    lines = [f"private fastapi modules used by the suite ({len(modules)}), files using each:"]
    lines += [f"  {count:4d}  {name}" for name, count in modules.most_common()]
    lines.append(f"private fastapi names used by the suite ({len(names)}), files using each:")
    lines += [f"  {count:4d}  {name}" for name, count in names.most_common()]
    return "\n".join(lines)
