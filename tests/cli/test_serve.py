"""`zephyr dev` and `zephyr run` really serve: each test starts the CLI on a free port.

The CLI runs in its own process group (see `start_server`); the group is ended and checked
to be empty after each test, so reload and worker processes cannot leak.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
from tests.cli.conftest import StartServer, Write, free_port

ZEPHYR = str(Path(sys.executable).parent / "zephyr")

APP = """
import os

from zephyr import FastAPI, Request

app = FastAPI(title="served")


@app.get("/")
def index() -> dict[str, str]:
    return {{"version": "{version}"}}


@app.get("/info")
def info(request: Request) -> dict[str, object]:
    return {{
        "pid": os.getpid(),
        "client": request.client.host if request.client else None,
        "scheme": request.url.scheme,
        "root_path": request.scope.get("root_path"),
    }}
"""


def _package(write: Write, version: str) -> None:
    write("src/shop/__init__.py")
    write("src/shop/web.py", APP.format(version=version))


def test_dev_serves_a_package_file_and_reloads_on_change(
    write: Write, tmp_path: Path, start_server: StartServer
) -> None:
    _package(write, "one")
    port = free_port()
    server = start_server([ZEPHYR, "dev", "src/shop/web.py", "--port", str(port)], tmp_path, port)
    assert server.wait_until_serving("/").json() == {"version": "one"}
    out = server.output()
    assert "Zephyr development server, auto-reload on" in out
    assert "shop.web:app  (src/shop/web.py)" in out
    base = f"http://127.0.0.1:{port}"
    for line in (f"API      {base}\n", f"Docs     {base}/docs\n", f"ReDoc    {base}/redoc\n"):
        assert line in out
    assert httpx.get(base + "/docs").status_code == 200

    time.sleep(0.5)  # let the watcher take its first snapshot
    _package(write, "two")
    deadline = time.monotonic() + 30
    while httpx.get(base + "/", timeout=5).json() != {"version": "two"}:
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.2)


def test_dev_without_reload_from_an_entrypoint(
    write: Write, tmp_path: Path, start_server: StartServer
) -> None:
    _package(write, "entry")
    write("pyproject.toml", '[tool.zephyr]\nentrypoint = "shop.web:app"\n')
    # The entrypoint is imported from the current directory: run from src/.
    port = free_port()
    command = [ZEPHYR, "dev", "--no-reload", "--port", str(port)]
    server = start_server(command, tmp_path / "src", port)
    # pyproject.toml is read from the current directory, which is src/ here: no config.
    server.process.wait(timeout=60)
    assert "No app found" in server.output()

    port = free_port()
    command = [ZEPHYR, "dev", "--no-reload", "-e", "shop.web:app", "--port", str(port)]
    server = start_server(command, tmp_path / "src", port)
    assert server.wait_until_serving("/").json() == {"version": "entry"}
    info = httpx.get(f"http://127.0.0.1:{port}/info").json()
    assert info["pid"] == server.process.pid  # served in the CLI's own process
    assert "auto-reload off" in server.output()


def test_run_with_workers_root_path_and_proxy_headers(
    write: Write, tmp_path: Path, start_server: StartServer
) -> None:
    write("main.py", APP.format(version="prod"))
    port = free_port()
    command = [sys.executable, "-m", "zephyr", "run", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "2", "--root-path", "/api", "--forwarded-allow-ips", "127.0.0.1"]
    server = start_server(command, tmp_path, port)
    server.wait_until_serving("/")
    out = server.output()
    assert "Zephyr production server, 2 workers" in out
    assert "main:app  (main.py, auto-discovered)" in out
    assert 'pin it in pyproject.toml: [tool.zephyr] entrypoint = "main:app"\n' in out
    assert "Root path  /api\n" in out
    assert f"Listening  0.0.0.0:{port}" not in out  # only for 0.0.0.0 / ::
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    info = httpx.get(f"http://127.0.0.1:{port}/info", headers=forwarded).json()
    assert info["client"] == "203.0.113.7"
    assert info["scheme"] == "https"
    assert info["root_path"] == "/api"
    assert info["pid"] != server.process.pid  # answered by a worker process


def test_run_without_proxy_headers_ignores_them(
    write: Write, tmp_path: Path, start_server: StartServer
) -> None:
    write("app.py", APP.format(version="plain"))
    port = free_port()
    command = [ZEPHYR, "run", "--host", "127.0.0.1", "--port", str(port), "--no-proxy-headers"]
    server = start_server(command, tmp_path, port)
    server.wait_until_serving("/")
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    info = httpx.get(f"http://127.0.0.1:{port}/info", headers=forwarded).json()
    assert info["client"] == "127.0.0.1"
    assert info["scheme"] == "http"
    assert "production server, 1 worker\n" in server.output()
