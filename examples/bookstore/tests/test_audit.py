"""Every write leaves an audit record, written by a background task after the response."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from starlette.types import Message

from zephyr import FastAPI
from zephyr.testclient import TestClient

from ..app.main import create_app
from .support import add_author, login, make_settings, new_isbn, query, sign_up


def audit_rows(database_path: Path) -> list[tuple[Any, ...]]:
    return query(
        database_path,
        "SELECT action, entity, entity_id, actor, request_id, changes FROM audit_log ORDER BY id",
    )


def test_writes_are_audited_with_actor_and_request_id(
    client: TestClient, member: dict[str, str], admin: dict[str, str], empty_database: Path
) -> None:
    created = client.post(
        "/api/v1/authors",
        json={"name": "Iain M. Banks"},
        headers={**member, "X-Request-ID": "req-author-1"},
    )
    author_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/authors/{author_id}", json={"bio": "Culture novels"}, headers=member
    )
    client.delete(f"/api/v1/authors/{author_id}", headers=admin)

    rows = audit_rows(empty_database)
    assert [row[:4] for row in rows] == [
        ("user.created", "user", 1, "mia"),
        ("author.created", "author", author_id, "mia"),
        ("author.updated", "author", author_id, "mia"),
        ("author.deleted", "author", author_id, "admin"),
    ]
    assert rows[1][4] == "req-author-1"
    assert rows[2][4] == patched.headers["x-request-id"]
    assert json.loads(rows[1][5]) == {"name": "Iain M. Banks", "bio": None}
    # PATCH records what was sent, not the whole row.
    assert json.loads(rows[2][5]) == {"bio": "Culture novels"}


def test_failed_writes_are_not_audited(
    client: TestClient, member: dict[str, str], empty_database: Path
) -> None:
    before = len(audit_rows(empty_database))
    body = {"title": "T", "isbn": new_isbn(), "year": 2000, "author_id": 999}
    assert client.post("/api/v1/books", json=body, headers=member).status_code == 422
    assert len(audit_rows(empty_database)) == before


def test_admins_read_the_audit_trail(client: TestClient, admin: dict[str, str]) -> None:
    sign_up(client, "eve")
    records = client.get("/api/v1/audit", headers=admin).json()["items"]
    assert records[0]["action"] == "user.created"
    assert records[0]["actor"] == "eve"
    assert records[0]["created_at"].endswith("Z")


@pytest.mark.anyio
async def test_the_record_is_written_after_the_response_is_sent(
    database_path: Path, tmp_path: Path, empty_database: Path
) -> None:
    """Drive the ASGI app by hand to look at the table at the moment the body goes out."""
    app: FastAPI = create_app(make_settings(f"sqlite+aiosqlite:///{database_path}", tmp_path))
    rows_when_sent: list[int] = []

    def count() -> int:
        with sqlite3.connect(database_path) as connection:
            rows: int = connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]
            return rows

    async def call(method: str, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> int:
        messages: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
        status = 0

        async def receive() -> Message:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                rows_when_sent.append(count())

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"test"), *headers],
            "client": ("127.0.0.1", 1),
            "server": ("test", 80),
            "state": {},
        }
        await app(scope, receive, send)
        return status

    async with app.router.lifespan_context(app):
        json_type = [(b"content-type", b"application/json")]
        user = b'{"username": "zed", "email": "zed@example.com", "password": "long enough"}'
        assert await call("POST", "/api/v1/users", user, json_type) == 201
    assert rows_when_sent == [0]  # the response went out before the audit record existed
    assert count() == 1  # and the record was written once it had


def test_a_broken_audit_write_does_not_fail_the_request(
    client: TestClient, app: FastAPI, member: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/health/live")
    with sqlite3.connect(app.state.settings.database_url_resolved.split("///", 1)[1]) as db:
        db.execute("ALTER TABLE audit_log RENAME TO audit_log_away")
    try:
        response = client.post("/api/v1/authors", json={"name": "Lost"}, headers=member)
        assert response.status_code == 201
        assert "could not write the audit record for author.created" in caplog.text
    finally:
        with sqlite3.connect(app.state.settings.database_url_resolved.split("///", 1)[1]) as db:
            db.execute("ALTER TABLE audit_log_away RENAME TO audit_log")
    assert login(client, "mia")
    add_author(client, member)
