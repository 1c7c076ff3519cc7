"""Liveness and readiness probes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zephyr import FastAPI
from zephyr.testclient import TestClient

from ..app.api.deps import get_database
from ..app.db import Database
from .support import run_in_app


def test_live(client: TestClient) -> None:
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_checks_the_database(client: TestClient) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "revision": "0001"}


@pytest.fixture
def database_at(app: FastAPI) -> Iterator[list[Database]]:
    """Point the app's database dependency at another database for one test."""
    databases: list[Database] = []
    app.dependency_overrides[get_database] = lambda: databases[0]
    yield databases
    app.dependency_overrides.pop(get_database, None)


def test_not_ready_when_the_database_is_not_migrated(
    client: TestClient, database_at: list[Database], tmp_path: Path
) -> None:
    database_at.append(Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"))
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "not migrated",
        "revision": None,
    }
    run_in_app(client, database_at[0].dispose)


def test_not_ready_when_the_database_is_unreachable(
    client: TestClient, database_at: list[Database], tmp_path: Path
) -> None:
    database_at.append(Database(f"sqlite+aiosqlite:///{tmp_path}"))  # a directory: cannot open
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    run_in_app(client, database_at[0].dispose)
