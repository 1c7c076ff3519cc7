"""Fixtures: one SQLite file per test session, migrated with Alembic; a fresh app per test.

The app is built once; each test's client runs its lifespan, which opens an engine on that
client's event loop. The tables are emptied after every test, so tests can count rows without
stepping on each other.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from zephyr import FastAPI
from zephyr.testclient import TestClient

from ..app.core.config import Settings
from ..app.core.security import password_hasher
from ..app.db import Database
from ..app.main import create_app
from ..app.seed import ensure_admin
from .pg_cluster import ClusterUnavailable, start_cluster
from .support import ADMIN_PASSWORD, login, make_settings, sign_up

TABLES = ("audit_log", "books", "authors", "users")  # children first


@pytest.fixture
def anyio_backend() -> str:
    """aiosqlite and asyncpg run on asyncio only."""
    return "asyncio"


async def _migrate(url: str) -> None:
    database = Database(url)
    try:
        await database.migrate()
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
def database_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's SQLite file, migrated to head with Alembic."""
    path = tmp_path_factory.mktemp("bookstore") / "test.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def settings(database_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the session database."""
    data_dir = tmp_path_factory.mktemp("data")
    return make_settings(f"sqlite+aiosqlite:///{database_path}", data_dir)


@pytest.fixture(scope="session")
def app(settings: Settings) -> FastAPI:
    """The app, built once: its plans compile once, its lifespan runs in each test."""
    return create_app(settings)


@pytest.fixture
def empty_database(database_path: Path) -> Iterator[Path]:
    """The session database, emptied after the test."""
    yield database_path
    with sqlite3.connect(database_path) as connection:
        for table in TABLES:
            connection.execute(f"DELETE FROM {table}")


@pytest.fixture
def client(app: FastAPI, empty_database: Path) -> Iterator[TestClient]:
    """A test client with the lifespan running (so the database is open)."""
    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        app.dependency_overrides.clear()


@pytest.fixture
def member(client: TestClient) -> dict[str, str]:
    """Headers of a logged-in member, "mia"."""
    sign_up(client, "mia")
    return login(client, "mia")


@pytest.fixture
def admin(client: TestClient, settings: Settings) -> dict[str, str]:
    """Headers of the logged-in demo admin (created the way seed.py creates it)."""

    async def create() -> None:
        database = Database(settings.database_url_resolved)
        try:
            await ensure_admin(database, password_hasher(settings), settings)
        finally:
            await database.dispose()

    asyncio.run(create())
    return login(client, settings.demo_admin_username, ADMIN_PASSWORD)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database for the app: BOOKSTORE_TEST_POSTGRES_URL, else a throwaway server.

    Skips (with the reason) only when neither is possible, e.g. PostgreSQL is not installed.
    """
    given = os.environ.get("BOOKSTORE_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield cluster.url
    finally:
        cluster.stop()
