"""`dependency_overrides` replaces the current user, as FastAPI's testing docs show."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from zephyr import FastAPI
from zephyr.testclient import TestClient

from ..app.api.deps import get_current_user
from ..app.models import Role, User
from .support import query, sign_up


def test_the_current_user_can_be_overridden(
    client: TestClient, app: FastAPI, empty_database: Path
) -> None:
    account = sign_up(client, "robot")
    stand_in = User(
        id=account["id"],
        username="robot",
        email="robot@example.com",
        role=Role.admin,
        is_active=True,
        created_at=datetime.now(timezone.utc),
    )
    app.dependency_overrides[get_current_user] = lambda: stand_in

    # No Authorization header at all: the override answers for get_current_user.
    me = client.get("/api/v1/users/me")
    assert me.status_code == 200
    assert me.json()["role"] == "admin"
    author = client.post("/api/v1/authors", json={"name": "Overridden"})
    assert author.status_code == 201
    # require_admin depends on get_current_user, so the override reaches it too.
    assert client.delete(f"/api/v1/authors/{author.json()['id']}").status_code == 204
    assert query(empty_database, "SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1") == [
        ("robot",)
    ]

    app.dependency_overrides.clear()
    assert client.get("/api/v1/users/me").status_code == 401
