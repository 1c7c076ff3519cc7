"""A worker process: loads ONE framework's apps, then answers the orchestrator's commands.

Protocol: one JSON object per line on stdin, one JSON reply per line on the original stdout
(the apps' own prints are sent to stderr so they cannot corrupt it). A worker only computes
while it handles a command and the orchestrator sends one command at a time, so the workers
of all frameworks take turns on the CPU: that is the interleaving.

    {"op": "check"}                                  -> {"errors": {scenario: message}}
    {"op": "calibrate", "scenario": s, "seconds": t} -> {"count": calls taking about t}
    {"op": "time", "scenario": s, "count": n}        -> {"seconds": elapsed}
    {"op": "profile", "scenario": s, "count": n}     -> {"text": profile report}
    {"op": "quit"}

Usage: python -m benchmarks.worker FRAMEWORK
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
from typing import Any, TextIO

from benchmarks import driver
from benchmarks.frameworks import BY_NAME, load_apps, supports
from benchmarks.scenarios import BY_NAME as SCENARIOS
from benchmarks.scenarios import Scenario

# Calibration stops growing the call count once a batch takes this share of the target.
_CALIBRATION_FLOOR = 0.2


class Worker:
    """One framework's apps on one event loop, driven by commands."""

    def __init__(self, name: str, loop: asyncio.AbstractEventLoop) -> None:
        self.name = name
        self.framework = BY_NAME[name]
        self.loop = loop
        self.apps = load_apps(name)
        self.lifespans = [driver.Lifespan(app) for app in self.apps.values()]
        for lifespan in self.lifespans:
            loop.run_until_complete(lifespan.startup())

    def close(self) -> None:
        """Shut the apps down as a server does on exit."""
        for lifespan in self.lifespans:
            self.loop.run_until_complete(lifespan.shutdown())

    def app_for(self, scenario: Scenario) -> Any:
        return self.apps[scenario.app]

    def check(self) -> dict[str, str]:
        """Run every implemented scenario once and return the wrong answers."""
        errors: dict[str, str] = {}
        for scenario in SCENARIOS.values():
            if not supports(self.framework, scenario.name):
                continue
            expected = scenario.expected_for(self.name)
            coro = driver.check(self.app_for(scenario), scenario, expected)
            error = self.loop.run_until_complete(coro)
            if error is not None:
                errors[scenario.name] = error
        return errors

    def time(self, scenario: Scenario, count: int) -> float:
        """Return the seconds `count` calls take (after a full collection, GC left on)."""
        gc.collect()
        coro = driver.time_calls(self.app_for(scenario), scenario, count)
        return self.loop.run_until_complete(coro)

    def calibrate(self, scenario: Scenario, seconds: float) -> int:
        """Return a call count that takes about `seconds`."""
        count = 1
        while True:
            elapsed = self.time(scenario, count)
            if elapsed >= seconds * _CALIBRATION_FLOOR or count >= 1_000_000:
                return max(1, round(count * seconds / max(elapsed, 1e-9)))
            count *= 4

    def profile(self, scenario: Scenario, count: int) -> str:
        """Profile `count` calls; pyinstrument's call tree if installed, else cProfile."""
        try:
            from pyinstrument import Profiler
        except ImportError:
            return self._cprofile(scenario, count)
        profiler = Profiler(interval=0.0002, async_mode="disabled")
        profiler.start()
        self.time(scenario, count)
        profiler.stop()
        return str(profiler.output_text(unicode=False, color=False, show_all=False))

    def _cprofile(self, scenario: Scenario, count: int) -> str:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        self.time(scenario, count)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(40)
        return out.getvalue()

    def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        """Execute one command and return its reply."""
        op = command["op"]
        if op == "check":
            return {"errors": self.check()}
        scenario = SCENARIOS[command["scenario"]]
        if op == "calibrate":
            return {"count": self.calibrate(scenario, float(command["seconds"]))}
        if op == "time":
            return {"seconds": self.time(scenario, int(command["count"]))}
        if op == "profile":
            return {"text": self.profile(scenario, int(command["count"]))}
        raise ValueError(f"unknown op {op!r}")


def new_loop() -> tuple[asyncio.AbstractEventLoop, str]:
    """Return uvloop's loop (what uvicorn uses) when installed, else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop(), "asyncio"
    return uvloop.new_event_loop(), "uvloop"


def protocol_stream() -> TextIO:
    """Keep stdout for replies and point fd 1 (prints, warnings) at stderr."""
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return replies


def main(name: str) -> None:
    replies = protocol_stream()
    loop, loop_name = new_loop()
    asyncio.set_event_loop(loop)
    try:
        worker = Worker(name, loop)
    except Exception as exc:
        replies.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
        raise
    replies.write(json.dumps({"ready": True, "loop": loop_name}) + "\n")
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "quit":
            worker.close()
            break
        try:
            reply = worker.handle(command)
        except Exception as exc:
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        replies.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
