"""scripts/serve, the README's first command: seeds, prints a login, serves with uvicorn."""

from __future__ import annotations

import contextlib
import os
import re
import signal
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


# Generous: scripts/serve first re-installs the project into .venv when pyproject.toml changed
# since the last install (a no-op otherwise, and the app itself is up in about a second).
READY_SECONDS = 300


def wait_ready(url: str, process: subprocess.Popen[str], seconds: float = READY_SECONDS) -> None:
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
            # Its own process group: stopping it also stops a seed.py or pip still running.
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(f"{base}/health/ready", process)
        printed = output.read_text()
        assert f"Uvicorn running on http://127.0.0.1:{port}" in printed
        assert "username: admin" in printed
        password = re.search(r"password: (\S+)", printed)
        assert password is not None, printed
        token = httpx.post(
            f"{base}/api/v1/auth/token", data={"username": "admin", "password": password[1]}
        )
        assert token.status_code == 200
        admin = {"Authorization": f"Bearer {token.json()['access_token']}"}

        books = httpx.get(f"{base}/api/v1/books").json()["items"]
        assert {book["title"] for book in books} >= {"Kindred", "Solaris"}
        author_id = books[0]["author"]["id"]
        body = {
            "title": "Served",
            "isbn": "978-0-306-40615-7",
            "year": 2024,
            "author_id": author_id,
        }
        created = httpx.post(f"{base}/api/v1/books", json=body, headers=admin)
        assert created.status_code == 201, created.text
        found = httpx.get(f"{base}/api/v1/books", params={"title": "Served"}).json()["items"]
        assert [book["id"] for book in found] == [created.json()["id"]]

        docs = httpx.get(f"{base}/docs")
        assert docs.status_code == 200
        assert "SwaggerUIBundle" in docs.text
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"] == "Bookstore"
    finally:
        with contextlib.suppress(ProcessLookupError):  # it may have exited on its own
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    # uvicorn stopped cleanly, running the lifespan's shutdown (which closes the engine).
    assert "Application shutdown complete" in output.read_text()
