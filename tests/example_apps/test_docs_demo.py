"""The docs demo's Swagger UI and ReDoc work in a real browser with the network closed.

The app runs under uvicorn in a subprocess; headless Chromium (Debian's, at /usr/bin/chromium:
Playwright's own browser downloads are never used) loads /docs, expands an operation, tries
it out and sees the server's answer, then loads /redoc and finds the operation. Every request
that would leave 127.0.0.1 is refused, so the pages can only work with the app's own assets.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from zephyr.testclient import TestClient

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 30_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "uvicorn", "examples.docs_demo.app:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/openapi.json").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start the docs demo")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (scripts/test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page whose requests to anything but 127.0.0.1 fail, as with no network at all."""
    context = browser.new_context()
    refused: list[str] = []

    def only_local(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", only_local)
    new_page = context.new_page()
    new_page.set_default_timeout(TIMEOUT_MS)
    yield new_page, refused
    context.close()


def test_swagger_ui_tries_an_operation(server: str, page: tuple[Any, list[str]]) -> None:
    tab, refused = page
    tab.goto(server + "/docs")
    operation = tab.locator("#operations-books-read_book_books__book_id__get")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("input[placeholder='book_id']").fill("2")
    operation.get_by_role("button", name="Execute").click()
    answer = operation.locator(".live-responses-table .response .response-col_status")
    assert answer.first.inner_text(timeout=TIMEOUT_MS).strip() == "200"
    body = operation.locator(".live-responses-table .response .microlight").first
    assert "Neuromancer" in body.inner_text()
    assert refused == []


def test_redoc_shows_the_operations(server: str, page: tuple[Any, list[str]]) -> None:
    tab, refused = page
    tab.goto(server + "/redoc")
    heading = tab.get_by_role("heading", name="Read Book")
    heading.wait_for()
    assert tab.get_by_text("The book's number").first.is_visible()
    # ReDoc's "powered by" badge image is hard-wired to its CDN; offline it just is not shown.
    assert [url for url in refused if not url.endswith("/logo-mini.svg")] == []


def test_assets_come_from_the_app() -> None:
    from examples.docs_demo.app import app

    with TestClient(app) as client:
        docs = client.get("/docs").text
        redoc = client.get("/redoc").text
        script = client.get("/docs-assets/swagger-ui-bundle.js")
    assert 'src="/docs-assets/swagger-ui-bundle.js"' in docs
    assert 'href="/docs-assets/swagger-ui.css"' in docs
    assert 'src="/docs-assets/redoc.standalone.js"' in redoc
    assert "fonts.googleapis.com" not in redoc
    assert "cdn.jsdelivr.net" not in docs + redoc
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert b"SwaggerUIBundle" in script.content
