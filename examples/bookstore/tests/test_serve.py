"""scripts/serve, the README's first command: seeds, prints a login, serves with uvicorn."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import httpx

from ..app.core.config import BASE_DIR

SERVE = BASE_DIR.parents[1] / "scripts" / "serve"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited early"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} was not ready within {seconds}s")


def test_serve_prints_a_working_login_and_serves(tmp_path: Path) -> None:
    port = free_port()  # extra arguments go to uvicorn; the last --port wins
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'served.db'}",
        "DATA_DIR": str(tmp_path),
        "JWT_SECRET": "serve-test-" + "s" * 40,
    }
    env.pop("DEMO_ADMIN_PASSWORD", None)
    output = tmp_path / "serve.log"
    with output.open("w") as log:
        process = subprocess.Popen(
            [str(SERVE), "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(f"{base}/health/ready", process)
        printed = output.read_text()
        password = re.search(r"password: (\S+)", printed)
        assert password is not None, printed
        token = httpx.post(
            f"{base}/api/v1/auth/token", data={"username": "admin", "password": password[1]}
        )
        assert token.status_code == 200
        books = httpx.get(f"{base}/api/v1/books").json()["items"]
        assert {book["title"] for book in books} >= {"Kindred", "Solaris"}
        assert httpx.get(f"{base}/docs").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
