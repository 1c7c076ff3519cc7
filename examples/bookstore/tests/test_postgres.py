"""The same app on PostgreSQL through asyncpg, against a real server.

The server is BOOKSTORE_TEST_POSTGRES_URL when set (a scratch database: these tests migrate it
down to nothing first and last), else a throwaway one started from the installed PostgreSQL
binaries (the `postgres_url` fixture, tests/pg_cluster.py). The tests skip only when neither
is possible.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from zephyr.testclient import TestClient

from ..app.core.config import BASE_DIR, Settings
from ..app.core.security import password_hasher
from ..app.db import Database
from ..app.main import create_app
from ..app.models import Base
from ..app.seed import ensure_admin
from .support import (
    ADMIN_PASSWORD,
    add_author,
    add_book,
    login,
    make_settings,
    run_in_app,
    sign_up,
)


async def _downgrade_to_nothing(url: str) -> None:
    database = Database(url)
    try:
        await database.downgrade("base")
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def pg_settings(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings for the PostgreSQL database, which the app migrates when it starts."""
    asyncio.run(_downgrade_to_nothing(postgres_url))  # a clean start even after an interrupted run
    yield make_settings(postgres_url, tmp_path_factory.mktemp("pg"), migrate_on_start=True)
    asyncio.run(_downgrade_to_nothing(postgres_url))


def test_flow_on_postgres(pg_settings: Settings) -> None:
    app = create_app(pg_settings)
    with TestClient(app) as client:
        assert client.get("/health/ready").json() == {
            "status": "ok",
            "database": "ok",
            "revision": "0001",
        }
        database: Database = app.state.database
        run_in_app(
            client, lambda: ensure_admin(database, password_hasher(pg_settings), pg_settings)
        )
        admin = login(client, "admin", ADMIN_PASSWORD)
        sign_up(client, "pgu")
        member = login(client, "pgu")
        author = add_author(client, member, "Stanisław Lem")
        books = [
            add_book(client, member, author["id"], title, year)
            for title, year in [("Solaris", 1961), ("The Cyberiad", 1965), ("Fiasco", 1986)]
        ]
        clash = {**books[0], "author_id": author["id"], "title": "Copy"}
        assert client.post("/api/v1/books", json=clash, headers=member).status_code == 409
        assert sign_up_again(client) == 409

        found = client.get("/api/v1/books?title=SOL&year_from=1960&year_to=1970").json()
        assert [book["title"] for book in found["items"]] == ["Solaris"]
        first = client.get("/api/v1/books?limit=2").json()
        rest = client.get(f"/api/v1/books?limit=2&cursor={first['next_cursor']}").json()
        assert [b["id"] for b in first["items"] + rest["items"]] == [b["id"] for b in books]
        assert rest["next_cursor"] is None
        detail = client.get(f"/api/v1/authors/{author['id']}").json()
        assert len(detail["books"]) == 3
        assert detail["created_at"].endswith("Z")

        patched = client.patch(
            f"/api/v1/books/{books[2]['id']}", json={"year": 1987}, headers=member
        )
        assert patched.json()["year"] == 1987
        refused = client.delete(f"/api/v1/authors/{author['id']}", headers=admin)
        assert refused.status_code == 409
        assert client.delete(f"/api/v1/books/{books[2]['id']}", headers=admin).status_code == 204
        actions = [r["action"] for r in client.get("/api/v1/audit", headers=admin).json()["items"]]
        assert actions[:3] == ["book.deleted", "book.updated", "book.created"]


def sign_up_again(client: TestClient) -> int:
    body = {"username": "pgu", "email": "pgu@example.com", "password": "long enough"}
    return client.post("/api/v1/users", json=body).status_code


def test_the_migrations_match_the_models_on_postgres(pg_settings: Settings) -> None:
    def compare(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async def run() -> list[object]:
        database = Database(pg_settings.database_url_resolved)
        try:
            await database.migrate()
            async with database.engine.connect() as connection:
                return await connection.run_sync(compare)
        finally:
            await database.dispose()

    assert asyncio.run(run()) == []


def test_database_url_in_the_environment_selects_postgres(
    pg_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a user does: DATABASE_URL=postgresql+asyncpg://... for seed.py and the app."""
    url = pg_settings.database_url_resolved
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(tmp_path),
        "DEMO_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    seeded = subprocess.run(
        [sys.executable, "seed.py"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr
    assert f"password: {ADMIN_PASSWORD}" in seeded.stdout

    for name in ("DATABASE_URL", "DATA_DIR"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.setenv("JWT_SECRET", "pg-env-test-" + "k" * 40)
    settings = Settings(_env_file=None)
    app = create_app(settings)
    with TestClient(app) as client:
        engine = app.state.database.engine
        assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "asyncpg")
        assert client.get("/health/ready").json()["status"] == "ok"
        admin = login(client, "admin", ADMIN_PASSWORD)
        assert client.get("/api/v1/users/me", headers=admin).json()["role"] == "admin"
    # Nothing fell back to the embedded SQLite file.
    assert not (tmp_path / "bookstore.db").exists()
