"""The frameworks compared, and how a worker process loads each one's applications.

FastAPI and Zephyr serve the same FastAPI-API files; they can never share a process, because
after `zephyr.compat.install()` every `import fastapi` is Zephyr. So each framework is loaded
by its own worker process (see worker.py), and `load_apps` is only ever called once per
process. The orchestrator itself imports nothing from here but the names.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from typing import Any

# `Framework.scenarios` for a framework that implements every scenario.
ALL_SCENARIOS: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Framework:
    """One column of the results.

    Attributes:
        name: Identifier (worker argument, table column).
        label: Column heading.
        main: Module holding the scenario app (`app`).
        routes: Module and attribute of the 300-route app, or None.
        scenarios: The scenarios it implements (None: all of them).
        floor: A hand-written reference, not a framework under comparison.
        e2e: Measured end to end too.
        package: The distribution whose version the report shows.
    """

    name: str
    label: str
    main: str
    routes: tuple[str, str] | None
    scenarios: frozenset[str] | None
    floor: bool
    e2e: bool
    package: str


FRAMEWORKS: tuple[Framework, ...] = (
    Framework(
        "fastapi",
        "FastAPI",
        "benchmarks.apps.fastapi_app",
        ("benchmarks.apps.fastapi_routes", "app"),
        ALL_SCENARIOS,
        floor=False,
        e2e=True,
        package="fastapi",
    ),
    Framework(
        "zephyr",
        "Zephyr",
        "benchmarks.apps.fastapi_app",
        ("benchmarks.apps.fastapi_routes", "app"),
        ALL_SCENARIOS,
        floor=False,
        e2e=True,
        package="zephyr",
    ),
    Framework(
        "litestar",
        "Litestar",
        "benchmarks.apps.litestar_app",
        ("benchmarks.apps.litestar_routes", "app"),
        ALL_SCENARIOS,
        floor=False,
        e2e=True,
        package="litestar",
    ),
    Framework(
        "starlette",
        "Starlette (hand-written)",
        "benchmarks.apps.starlette_app",
        ("benchmarks.apps.starlette_app", "routes_app"),
        ALL_SCENARIOS,
        floor=True,
        e2e=True,
        package="starlette",
    ),
    Framework(
        "bare",
        "bare ASGI",
        "benchmarks.apps.bare_app",
        None,
        frozenset(
            {"hello", "path_query", "body_model", "models_100", "not_found", "websocket", "stream"}
        ),
        floor=True,
        e2e=True,
        package="",
    ),
)

BY_NAME = {framework.name: framework for framework in FRAMEWORKS}


def supports(framework: Framework, scenario: str) -> bool:
    """Whether `framework` implements `scenario`."""
    return framework.scenarios is None or scenario in framework.scenarios


def prepare(name: str) -> None:
    """Set up the import system for `name` before any app module is imported.

    Raises:
        RuntimeError: the process already imported the other FastAPI-API framework.
    """
    if name == "zephyr":
        import zephyr.compat

        zephyr.compat.install()  # raises if real fastapi was imported already
    elif name == "fastapi" and "zephyr" in sys.modules:
        raise RuntimeError("the FastAPI worker must not import zephyr")


def verify(name: str) -> None:
    """Check that `import fastapi` resolved to the framework this worker measures."""
    if name not in {"fastapi", "zephyr"}:
        return
    fastapi = sys.modules["fastapi"]
    is_zephyr = fastapi.__name__ == "zephyr"  # the alias is the zephyr module itself
    if is_zephyr != (name == "zephyr"):
        raise RuntimeError(f"worker {name!r} got the wrong fastapi module: {fastapi!r}")


def load_apps(name: str, only_routes: bool = False) -> dict[str, Any]:
    """Import the framework's apps: {"main": app, "routes": 300-route app (if any)}.

    Args:
        name: The framework.
        only_routes: Import only the 300-route app (startup measurements).
    """
    framework = BY_NAME[name]
    prepare(name)
    apps: dict[str, Any] = {}
    if not only_routes:
        apps["main"] = importlib.import_module(framework.main).app
    if framework.routes is not None:
        module, attribute = framework.routes
        apps["routes"] = getattr(importlib.import_module(module), attribute)
    verify(name)
    return apps


def version_of(framework: Framework) -> str:
    """The installed version of the framework's distribution ("" for the bare floor)."""
    if not framework.package:
        return ""
    from importlib.metadata import version

    return version(framework.package)
