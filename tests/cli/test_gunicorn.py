"""Production with several processes: gunicorn's master running uvicorn workers, as README says.

gunicorn starts in its own process group (see `start_server`), two workers serve a tiny app
that answers with its process id, and both workers must answer. The group is ended and
checked to be empty afterwards.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from tests.cli.conftest import ROOT, StartServer, Write, free_port

APP = """
import asyncio
import os

from zephyr import FastAPI

app = FastAPI()


@app.get("/pid")
async def pid() -> dict[str, int]:
    # Hold the request briefly so concurrent requests spread over both workers.
    await asyncio.sleep(0.05)
    return {"pid": os.getpid()}
"""

WORKER = "uvicorn.workers.UvicornWorker"


def _parent(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def _pid(url: str) -> int:
    # A new client per request: a new connection, which either worker may accept.
    return int(httpx.get(url, timeout=5).json()["pid"])


def test_gunicorn_with_uvicorn_workers_serves_from_both(
    write: Write, tmp_path: Path, start_server: StartServer
) -> None:
    write("main.py", APP)
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-k", WORKER, "-w", "2"]
    command += ["-b", f"127.0.0.1:{port}", "--graceful-timeout", "5", "main:app"]
    server = start_server(command, tmp_path, port)
    server.wait_until_serving("/pid")
    url = f"http://127.0.0.1:{port}/pid"
    seen: set[int] = set()
    deadline = time.monotonic() + 30
    with ThreadPoolExecutor(max_workers=8) as pool:
        while len(seen) < 2 and time.monotonic() < deadline:
            seen.update(pool.map(_pid, [url] * 16))
    assert len(seen) == 2, server.output()
    master = server.process.pid
    assert {_parent(pid) for pid in seen} == {master}  # both are the master's workers
    assert "Booting worker" in server.output()


def test_readme_documents_the_tested_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index("<!-- cli:start -->"), readme.index("<!-- cli:end -->")
    section = readme[start:end]
    assert f"gunicorn main:app -k {WORKER} -w 4" in section
    for command in ("zephyr dev", "zephyr run", "zephyr routes", "zephyr openapi"):
        assert command in section
