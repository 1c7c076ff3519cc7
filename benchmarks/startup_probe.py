"""Measure one framework's 300-route app in a fresh process: build time, memory, OpenAPI.

Prints one JSON object: import + build seconds (importing the framework and the app module,
then the lifespan startup and the first request, which is when FastAPI builds its middleware
stack and Zephyr compiles its plans), resident memory after that, the time of the first
(uncached) OpenAPI document, and that of a 501-route app built the same way (issue 4 asks
for a 500-route document). Usage: python -m benchmarks.startup_probe FRAMEWORK
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import time
from typing import Any

from benchmarks import driver
from benchmarks.frameworks import BY_NAME as FRAMEWORKS
from benchmarks.frameworks import load_apps
from benchmarks.scenarios import BY_NAME as SCENARIOS


def rss_megabytes() -> float:
    """The process's resident set size now (not the peak), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def build(lifespan: driver.Lifespan) -> str | None:
    """Start the app and serve the last route once; return a wrong answer, if any."""
    await lifespan.startup()
    scenario = SCENARIOS["last_route"]
    return await driver.check(lifespan.app, scenario, scenario.expected_for(""))


# The larger document: 167 resources of 3 routes (2 paths) each.
LARGE_RESOURCES = 167


def openapi(name: str, app: Any, paths_expected: int = 200) -> tuple[float | None, str]:
    """Time the first OpenAPI document; (seconds, "") or (None, why not)."""
    started = time.perf_counter()
    try:
        if name == "litestar":
            document = app.openapi_schema.to_schema()
        elif name in {"fastapi", "zephyr"}:
            document = app.openapi()
        else:
            return None, "no OpenAPI"
    except NotImplementedError:
        return None, "n/a (not implemented)"
    elapsed = time.perf_counter() - started
    paths = len(document.get("paths", {}))
    if paths != paths_expected:
        return elapsed, f"{paths} paths, expected {paths_expected}"
    return elapsed, ""


def large_openapi(name: str) -> tuple[float | None, str]:
    """Build the 501-route app (not timed) and time its first OpenAPI document."""
    routes = FRAMEWORKS[name].routes
    if routes is None or name not in {"fastapi", "zephyr", "litestar"}:
        return None, "no OpenAPI"
    app = importlib.import_module(routes[0]).build_app(LARGE_RESOURCES)
    return openapi(name, app, 2 * LARGE_RESOURCES)


def main(name: str) -> None:
    loop = asyncio.new_event_loop()
    baseline = rss_megabytes()
    started = time.perf_counter()
    app = load_apps(name, only_routes=True)["routes"]
    lifespan = driver.Lifespan(app)
    wrong = loop.run_until_complete(build(lifespan))
    build_seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "build_seconds": build_seconds,
        "rss_mb": rss_megabytes(),
        "rss_baseline_mb": baseline,
        "wrong": wrong,
    }
    result["openapi_seconds"], result["openapi_note"] = openapi(name, app)
    result["openapi_large_seconds"], result["openapi_large_note"] = large_openapi(name)
    loop.run_until_complete(lifespan.shutdown())
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
