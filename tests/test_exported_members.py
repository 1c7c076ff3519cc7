"""Pin the public face of the modules that mirror FastAPI's import paths.

For each mirrored module, every public name FastAPI 0.165's module defines or re-exports must exist
in Zephyr's. Names FastAPI takes from elsewhere (Starlette, Pydantic, the stdlib) must be the very
same objects, so ``isinstance`` and ``except`` work across the two libraries; names FastAPI
defines itself must be Zephyr's own.
"""

import ast
import importlib
import inspect
import subprocess
import sys
import warnings
from types import ModuleType

import pytest
import starlette.status

MIRRORED_MODULES = [
    "background",
    "concurrency",
    "datastructures",
    "exception_handlers",
    "exceptions",
    "logger",
    "middleware",
    "middleware.cors",
    "middleware.gzip",
    "middleware.httpsredirect",
    "middleware.trustedhost",
    "middleware.wsgi",
    "requests",
    "responses",
    "staticfiles",
    "templating",
    "testclient",
    "types",
    "utils",
    "websockets",
]

# FastAPI public names Zephyr deliberately leaves out, with the reason.
NOT_MIRRORED = {
    # Lives in zephyr.sse, added by a later issue together with its re-export here.
    ("responses", "EventSourceResponse"): "pending zephyr.sse",
    # FastAPI keeps module handles for the optional libraries; Zephyr imports them on first
    # render so the core never needs them.
    ("responses", "orjson"): "imported lazily",
    ("responses", "ujson"): "imported lazily",
    # Needs the ModelField adapters, which the engine provides later.
    ("utils", "create_model_field"): "pending ModelField adapters",
}

# Names FastAPI builds from foreign parts that Zephyr builds itself: equal, not identical.
BUILT_AGAIN = {
    ("logger", "logger"),  # a logger named "zephyr"
    ("types", "DecoratedCallable"),
    ("types", "DependencyCacheKey"),
    ("types", "ModelNameMap"),
}


def _import_quietly(name: str) -> ModuleType:
    # The WSGI and test-client modules import Starlette modules that warn at import time.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(name)


def _public_names(module: ModuleType) -> set[str]:
    """Return the public names a module defines or explicitly re-exports (``import X as X``)."""
    names: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names.update(
                    alias.asname
                    for alias in node.names
                    if alias.asname and alias.asname == alias.name.rpartition(".")[2]
                )
            elif isinstance(node, ast.If | ast.Try):
                visit(node.body)
                visit(node.orelse)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)

    visit(ast.parse(inspect.getsource(module)).body)
    return {name for name in names if not name.startswith("_")}


def _fastapi_public(module_name: str) -> set[str]:
    module = _import_quietly(f"fastapi.{module_name}")
    return _public_names(module) - {name for mod, name in NOT_MIRRORED if mod == module_name}


def _defined_by_fastapi(value: object) -> bool:
    return (getattr(value, "__module__", None) or "").split(".")[0] == "fastapi"


@pytest.mark.parametrize("module_name", MIRRORED_MODULES)
def test_module_covers_fastapi_public_names(module_name: str) -> None:
    zephyr_module = _import_quietly(f"zephyr.{module_name}")
    missing = _fastapi_public(module_name) - set(dir(zephyr_module))
    assert not missing, f"zephyr.{module_name} lacks {sorted(missing)}"


@pytest.mark.parametrize("module_name", MIRRORED_MODULES)
def test_foreign_names_are_the_same_objects(module_name: str) -> None:
    fastapi_module = _import_quietly(f"fastapi.{module_name}")
    zephyr_module = _import_quietly(f"zephyr.{module_name}")
    for name in sorted(_fastapi_public(module_name)):
        theirs = getattr(fastapi_module, name)
        ours = getattr(zephyr_module, name)
        if _defined_by_fastapi(theirs) or isinstance(theirs, ModuleType | str | int):
            continue
        if (module_name, name) in BUILT_AGAIN:
            continue
        assert ours is theirs, f"zephyr.{module_name}.{name} is not {theirs!r}"


@pytest.mark.parametrize("module_name", MIRRORED_MODULES)
def test_fastapi_own_names_are_zephyr_own(module_name: str) -> None:
    fastapi_module = _import_quietly(f"fastapi.{module_name}")
    zephyr_module = _import_quietly(f"zephyr.{module_name}")
    for name in sorted(_fastapi_public(module_name)):
        if not _defined_by_fastapi(getattr(fastapi_module, name)):
            continue
        ours = getattr(zephyr_module, name)
        assert ours.__module__ == f"zephyr.{module_name}", (name, ours.__module__)


def test_type_aliases_match_fastapi() -> None:
    import fastapi.types

    import zephyr.types

    for name in ["DependencyCacheKey", "ModelNameMap"]:
        assert getattr(zephyr.types, name) == getattr(fastapi.types, name), name
    assert zephyr.types.DecoratedCallable.__bound__ == fastapi.types.DecoratedCallable.__bound__


def test_subclasses_keep_starlette_bases() -> None:
    import starlette.background
    import starlette.datastructures
    import starlette.exceptions

    import zephyr.background
    import zephyr.datastructures
    import zephyr.exceptions

    pairs = [
        (zephyr.exceptions.HTTPException, starlette.exceptions.HTTPException),
        (zephyr.exceptions.WebSocketException, starlette.exceptions.WebSocketException),
        (zephyr.datastructures.UploadFile, starlette.datastructures.UploadFile),
        (zephyr.background.BackgroundTasks, starlette.background.BackgroundTasks),
    ]
    for ours, base in pairs:
        assert issubclass(ours, base), ours


def test_status_reexports_every_starlette_code() -> None:
    import zephyr.status

    assert set(starlette.status.__all__) <= set(dir(zephyr.status))
    for name in starlette.status.__all__:
        assert getattr(zephyr.status, name) == getattr(starlette.status, name), name
    assert zephyr.status.__all__ == starlette.status.__all__
    assert zephyr.status.WS_1008_POLICY_VIOLATION == 1008


def test_status_deprecated_names_resolve_and_warn() -> None:
    import zephyr.status

    for name, code in starlette.status.__deprecated__.items():
        assert name in dir(zephyr.status)
        with pytest.warns(UserWarning, match=name) as record:
            assert getattr(zephyr.status, name) == code
        # The warning points at this file, not at zephyr.status or Starlette.
        assert record[0].filename == __file__


def test_status_unknown_name_raises_attribute_error() -> None:
    import zephyr.status

    with pytest.raises(AttributeError, match="zephyr.status"):
        zephyr.status.HTTP_999_NOT_A_CODE  # noqa: B018


def test_logger_is_named_after_the_package() -> None:
    from zephyr.logger import logger

    assert logger.name == "zephyr"


def test_modules_never_import_fastapi_or_optional_json_libraries() -> None:
    modules = ", ".join(f"zephyr.{name}" for name in MIRRORED_MODULES + ["status"])
    code = (
        "import sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        f"import {modules}\n"
        "roots = {'fastapi', 'orjson', 'ujson'}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in roots)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
