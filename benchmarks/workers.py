"""The orchestrator's side of the worker protocol (see worker.py): spawn, ask, close."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, TextIO

REPO = Path(__file__).resolve().parent.parent


class WorkerError(RuntimeError):
    """A worker failed to start or answered a command with an error."""


def bench_env() -> dict[str, str]:
    """The environment of every benchmark subprocess: the repo importable, output unbuffered."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("LITESTAR_WARN_IMPLICIT_SYNC_TO_THREAD", "0")
    return env


class WorkerProcess:
    """One framework's worker process; its stderr goes to a log file."""

    def __init__(self, python: str, name: str, log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"worker-{name}.log"
        self._log: TextIO = self.log_path.open("w")
        self._process = subprocess.Popen(
            [python, "-m", "benchmarks.worker", name],
            cwd=REPO,
            env=bench_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self.loop_name = ""

    def wait_ready(self) -> None:
        """Wait for the worker to load its apps.

        Raises:
            WorkerError: the worker could not load them (the message has its log's tail).
        """
        self.loop_name = str(self._read().get("loop", ""))

    def _read(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise WorkerError(f"worker {self.name!r} exited; log:\n{self.log_tail()}")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise WorkerError(f"worker {self.name!r}: {reply['error']}\n{self.log_tail()}")
        return reply

    def ask(self, op: str, **arguments: Any) -> dict[str, Any]:
        """Send one command and return the reply."""
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        self._process.stdin.flush()
        return self._read()

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the worker's stderr."""
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def close(self) -> None:
        """Ask the worker to shut its apps down and exit; kill it if it does not."""
        if self._process.poll() is None:
            try:
                assert self._process.stdin is not None
                self._process.stdin.write('{"op": "quit"}\n')
                self._process.stdin.close()
                self._process.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        self._log.close()


def start_workers(python: str, names: list[str], log_dir: Path) -> dict[str, WorkerProcess]:
    """Start one worker per framework (loading in parallel) and wait until all are ready.

    Raises:
        WorkerError: a worker failed to load; the others are closed.
    """
    workers = {name: WorkerProcess(python, name, log_dir) for name in names}
    try:
        for worker in workers.values():
            worker.wait_ready()
    except WorkerError:
        for worker in workers.values():
            worker.close()
        raise
    return workers
