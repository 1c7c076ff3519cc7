"""pytest plugin that records every test's outcome for tools/compat.

It runs inside the compat venv, not in Zephyr's own venv: the runner copies this file next to the
unpacked FastAPI suite and loads it with ``-p zephyr_compat_plugin``. It therefore imports nothing
from the repository. Under pytest-xdist only the controller writes the file; workers forward
their reports to it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

# Worse outcomes win when a test reports several phases (e.g. a passing call whose teardown fails).
_RANK = {
    "passed": 0,
    "xpassed": 0,
    "skipped": 1,
    "xfailed": 1,
    "failed": 2,
    "error": 2,
    "timeout": 3,
    "crashed": 3,
}
_TIMEOUT_MARK = "from pytest-timeout"
_CRASH_MARK = "crashed while running"  # pytest-xdist's report for a test whose worker died.
_MESSAGE_LIMIT = 300


class _Recorder:
    """Collect per-test and per-collector outcomes during one session."""

    def __init__(self) -> None:
        self.tests: dict[str, dict[str, str]] = {}
        self.collection: dict[str, dict[str, str]] = {}
        self.collected: list[str] = []


_recorder = _Recorder()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the options naming the JSON output file and the hard per-test limit."""
    parser.addoption("--zephyr-compat-json", default=None, help="write outcomes as JSON here")
    parser.addoption(
        "--zephyr-compat-hard-limit",
        type=float,
        default=0,
        help="seconds after which a still-running test kills its process (0: never)",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    """Kill the process if one test outlives the hard limit.

    pytest-timeout's signal fires once; code that then hangs again (a task that ignores
    cancellation while anyio closes its loop, a blocked thread join) would stall the whole run.
    Under xdist the dead worker's test is reported as crashed and a new worker takes over.
    """
    limit = float(item.config.getoption("--zephyr-compat-hard-limit"))
    if limit <= 0:
        return (yield)
    timer = threading.Timer(limit, _hard_stop, args=(item, limit))
    timer.daemon = True
    timer.start()
    try:
        return (yield)
    finally:
        timer.cancel()


def _hard_stop(item: pytest.Item, limit: float) -> None:
    print(f"\nzephyr-compat: {item.nodeid} still running after {limit:g}s; killing the process",
          file=sys.stderr, flush=True)  # fmt: skip
    if not hasattr(item.config, "workerinput"):
        # Single process: nobody else will report; save what we have before dying.
        message = f"hung for {limit:g}s; the run was stopped here"
        _recorder.tests[item.nodeid] = {"outcome": "crashed", "message": message}
        _write(item.config, exitstatus=3)
    os._exit(1)


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to run a Zephyr run whose ``fastapi`` alias is not armed."""
    if os.environ.get("ZEPHYR_COMPAT_ALIAS") != "1":
        return
    # Checked without importing Zephyr, which must load only when the suite imports fastapi.
    bootstrap = sys.modules.get("zephyr_compat_bootstrap")
    if bootstrap is None or not bootstrap.active():
        raise pytest.UsageError("the zephyr.compat alias is not armed; check the compat venv .pth")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Remember the collected test ids (used from a --collect-only run of the baseline)."""
    _recorder.collected = [item.nodeid for item in session.items]


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """Record files (or packages) that failed to collect, or skipped themselves whole."""
    if report.failed:
        outcome = "collection_error"
    elif report.skipped:
        outcome = "skipped"
    else:
        return
    _recorder.collection[report.nodeid] = {"outcome": outcome, "message": _message(report)}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Fold one phase (setup, call, teardown) into the test's outcome."""
    outcome = _phase_outcome(report)
    if outcome is None:
        return
    previous = _recorder.tests.get(report.nodeid)
    if previous is None or _RANK[outcome] > _RANK[previous["outcome"]]:
        message = "" if outcome in ("passed", "xpassed") else _message(report)
        _recorder.tests[report.nodeid] = {"outcome": outcome, "message": message}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the JSON file (controller process only)."""
    _write(session.config, int(exitstatus))


def _write(config: pytest.Config, exitstatus: int) -> None:
    path = config.getoption("--zephyr-compat-json")
    if path is None or hasattr(config, "workerinput"):
        return
    data: dict[str, Any] = {
        "exitstatus": exitstatus,
        "tests": _recorder.tests,
        "collection": _recorder.collection,
        "collected": _recorder.collected,
    }
    Path(path).write_text(json.dumps(data, indent=1, sort_keys=True))


def _phase_outcome(report: pytest.TestReport) -> str | None:
    xfail = hasattr(report, "wasxfail")
    if report.passed:
        if report.when != "call":
            return None  # A passing setup or teardown says nothing on its own.
        return "xpassed" if xfail else "passed"
    if report.skipped:
        return "xfailed" if xfail else "skipped"
    if _TIMEOUT_MARK in report.longreprtext:
        return "timeout"
    if _CRASH_MARK in report.longreprtext:
        return "crashed"
    return "failed" if report.when == "call" else "error"


def _message(report: pytest.CollectReport | pytest.TestReport) -> str:
    """Return the one line that best says why: the first ``E`` line, or the skip reason."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # Skips: (path, lineno, reason).
        return str(longrepr[2])[:_MESSAGE_LIMIT]
    lines = report.longreprtext.splitlines()
    for line in lines:
        if line.startswith("E "):
            return line[1:].strip()[:_MESSAGE_LIMIT]
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message)[:_MESSAGE_LIMIT]
    useful = [line for line in lines if line.strip()]
    return useful[-1].strip()[:_MESSAGE_LIMIT] if useful else ""
