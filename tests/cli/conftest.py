"""Fixtures for the CLI tests: throwaway projects, the CLI in-process, servers in subprocesses.

In-process runs import the projects' modules (often all named `main`), so every test gets
`sys.modules` and `sys.path` back as they were. Servers run in their own process group; the
group is ended (and checked to be gone) when the test ends, whatever happened.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from zephyr.cli.commands import cli

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


@pytest.fixture(autouse=True)
def isolated_imports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Run each test in its own directory; forget its project's modules and sys.path entries.

    Only modules loaded from the test's directory are forgotten: a library first imported
    during the test (say httpcore, by httpx) must stay, or its exception classes would be
    imported twice and stop matching.
    """
    modules = set(sys.modules)
    path = list(sys.path)
    monkeypatch.chdir(tmp_path)
    yield
    project = str(tmp_path.resolve())
    for name in set(sys.modules) - modules:
        module = sys.modules[name]
        origins = [getattr(module, "__file__", None), *getattr(module, "__path__", [])]
        if any(origin and str(Path(origin).resolve()).startswith(project) for origin in origins):
            del sys.modules[name]
    sys.path[:] = path


@pytest.fixture(autouse=True)
def server_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Record uvicorn.run calls made in-process instead of serving (tests never block)."""
    import uvicorn

    calls: list[dict[str, object]] = []

    def run(app: object, **kwargs: object) -> None:
        calls.append({"app": app, **kwargs})

    monkeypatch.setattr(uvicorn, "run", run)
    return calls


Write = Callable[[str, str], Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write a file of the test's project (dedented), creating its directories."""

    def write_file(relative: str, text: str = "") -> Path:
        file = tmp_path / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text), encoding="utf-8")
        return file

    return write_file


Invoke = Callable[..., Result]


@pytest.fixture
def invoke() -> Invoke:
    """Run the `zephyr` CLI in-process; stdout and stderr are kept apart in the result."""
    runner = CliRunner()

    def run(*args: str, columns: int | None = None) -> Result:
        # No terminal and no COLUMNS: the CLI prints plain text at natural width.
        env = {"COLUMNS": str(columns) if columns else None, "FORCE_COLOR": None}
        env["TTY_COMPATIBLE"] = None
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return run


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A server command running in its own process group, with its output in a file."""

    def __init__(self, command: Sequence[str], cwd: Path, log: Path, port: int) -> None:
        self.log = log
        self.base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        env.pop("PORT", None)
        env.pop("COLUMNS", None)
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                list(command),
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: reload and worker children included
            )

    def output(self) -> str:
        """Return everything the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_until_serving(self, path: str = "/") -> httpx.Response:
        """Poll `path` until the server answers; fail with its output if it never does."""
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                return httpx.get(self.base + path, timeout=5)
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                pytest.fail(f"server exited with {self.process.returncode}:\n{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer within {START_TIMEOUT}s:\n{self.output()}")
            time.sleep(0.1)

    def stop(self) -> None:
        """End the whole process group: SIGTERM, then SIGKILL for whatever is left."""
        group = self.process.pid
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            if _group_gone(group, STOP_TIMEOUT):
                break
        self.process.wait(timeout=STOP_TIMEOUT)
        assert _group_gone(group, STOP_TIMEOUT), "server processes were left running"


def _group_gone(group: int, timeout: float) -> bool:
    """Wait until no process of `group` is left (reaped or zombie-free), up to `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        if _only_zombie_leader(group):
            return True
        time.sleep(0.05)
    return False


def _only_zombie_leader(group: int) -> bool:
    """Tell whether the group's only member is its (exited, unreaped) leader."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, ...
            members.append((int(entry.name), fields[0]))
    return members == [(group, "Z")] or not members


StartServer = Callable[..., Server]


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """Start server commands; every one is stopped, and checked gone, after the test."""
    servers: list[Server] = []

    def start(command: Sequence[str], cwd: Path, port: int) -> Server:
        log = tmp_path / f"server-{len(servers)}.log"
        server = Server(command, cwd, log, port)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
