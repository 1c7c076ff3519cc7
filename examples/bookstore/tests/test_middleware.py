"""Request ids in and out (and in the logs), CORS and GZip."""

from __future__ import annotations

import logging
import re

import pytest

from zephyr.testclient import TestClient

from ..app.core.logging import FORMAT, RequestIdFilter
from .support import add_author, add_book


def test_a_request_id_is_echoed(client: TestClient) -> None:
    response = client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"


def test_a_request_id_is_made_when_missing_or_unsafe(client: TestClient) -> None:
    made = client.get("/health/live").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/health/live").headers["x-request-id"] != made
    for unsafe in ["has space", "x" * 200, "new\tline"]:
        replaced = client.get("/health/live", headers={"X-Request-ID": unsafe})
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"])


def test_errors_carry_the_request_id(client: TestClient) -> None:
    response = client.get("/api/v1/books/404", headers={"X-Request-ID": "trace-404"})
    assert response.headers["x-request-id"] == "trace-404"
    assert response.json()["error"]["request_id"] == "trace-404"


def test_log_lines_carry_the_request_id(
    client: TestClient, member: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bookstore")
    client.post(
        "/api/v1/authors", json={"name": "Logged"}, headers={**member, "X-Request-ID": "r-42"}
    )
    mine = [record for record in caplog.records if getattr(record, "request_id", None) == "r-42"]
    # The access line, and the audit line written by the background task after the response.
    assert {record.name for record in mine} == {"bookstore.access", "bookstore.audit"}
    access = next(record for record in mine if record.name == "bookstore.access")
    assert access.getMessage().startswith("POST /api/v1/authors 201 ")

    formatter = logging.Formatter(FORMAT)
    outside = logging.LogRecord("bookstore.x", logging.INFO, __file__, 1, "hello", None, None)
    RequestIdFilter().filter(outside)
    assert "[-] bookstore.x: hello" in formatter.format(outside)


def test_cors_allows_the_configured_origin_only(client: TestClient) -> None:
    preflight = client.options(
        "/api/v1/books",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://shop.example"
    assert "x-request-id" in preflight.headers

    simple = client.get("/api/v1/books", headers={"Origin": "https://shop.example"})
    assert simple.headers["access-control-allow-origin"] == "https://shop.example"
    assert simple.headers["access-control-expose-headers"].lower() == "x-request-id"

    stranger = client.options(
        "/api/v1/books",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert stranger.status_code == 400
    assert "access-control-allow-origin" not in stranger.headers


def test_large_responses_are_gzipped(client: TestClient, member: dict[str, str]) -> None:
    author = add_author(client, member)
    for n in range(8):
        add_book(client, member, author["id"], f"A long enough title, volume {n}", summary="s" * 50)
    big = client.get("/api/v1/books", headers={"Accept-Encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert len(big.json()["items"]) == 8  # httpx decompressed it
    assert "x-request-id" in big.headers
    small = client.get("/health/live", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
