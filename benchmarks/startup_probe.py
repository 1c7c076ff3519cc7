"""Measure one framework's 300-route app in a fresh process: build time, memory, OpenAPI.

Prints one JSON object: import + build seconds (importing the framework and the app module,
then the lifespan startup and the first request, which is when FastAPI builds its middleware
stack and Zephyr compiles its plans), resident memory after that, and the time of the first
(uncached) OpenAPI document. Usage: python -m benchmarks.startup_probe FRAMEWORK
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from benchmarks import driver
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


def openapi(name: str, app: Any) -> tuple[float | None, str]:
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
    return elapsed, "" if paths == 200 else f"{paths} paths, expected 200"


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
    loop.run_until_complete(lifespan.shutdown())
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
