"""The package's public face: FastAPI's top-level names, plus Zephyr's own."""

import ast
import importlib.util
from pathlib import Path

import zephyr


def fastapi_top_level_names() -> set[str]:
    """Names FastAPI's __init__ re-exports (`from .x import Y as Y`), read from its source."""
    spec = importlib.util.find_spec("fastapi")
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname for alias in node.names if alias.asname)
    return names


def test_every_fastapi_top_level_name_is_exported() -> None:
    missing = fastapi_top_level_names() - set(zephyr.__all__)
    assert not missing


def test_zephyr_is_the_application_class() -> None:
    assert zephyr.Zephyr is zephyr.FastAPI


def test_all_is_sorted_and_complete() -> None:
    assert zephyr.__all__ == sorted(zephyr.__all__)
    assert all(hasattr(zephyr, name) for name in zephyr.__all__)


def test_status_has_starlettes_codes() -> None:
    from starlette import status

    names = {name for name in dir(status) if name.startswith(("HTTP_", "WS_"))}
    assert all(getattr(zephyr.status, name) == getattr(status, name) for name in names)
    assert zephyr.status.HTTP_404_NOT_FOUND == 404


def test_importing_zephyr_pulls_no_optional_dependency() -> None:
    import subprocess
    import sys

    code = (
        "import sys, zephyr, zephyr.responses, zephyr.routing\n"
        "heavy = {'fastapi', 'orjson', 'ujson', 'jinja2', 'httpx', 'uvicorn'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
