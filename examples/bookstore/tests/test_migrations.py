"""Alembic migrations: applied on start, matching the models, reversible, usable by hand."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from zephyr.testclient import TestClient

from ..app.core.config import BASE_DIR
from ..app.db import Database
from ..app.main import create_app
from ..app.models import Base
from .support import make_settings, query

TABLES = {"alembic_version", "users", "authors", "books", "audit_log"}


def tables(path: Path) -> set[str]:
    return {name for (name,) in query(path, "SELECT name FROM sqlite_master WHERE type='table'")}


def test_the_app_migrates_a_new_database_when_it_starts(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    settings = make_settings(f"sqlite+aiosqlite:///{path}", tmp_path, migrate_on_start=True)
    with TestClient(create_app(settings)) as client:
        assert client.get("/health/ready").json()["status"] == "ok"
    assert tables(path) == TABLES
    assert query(path, "SELECT version_num FROM alembic_version") == [("0001",)]


def test_the_migrations_match_the_models(database_path: Path) -> None:
    engine = create_engine(f"sqlite:///{database_path}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            foreign_keys = inspect(connection).get_foreign_keys("books")
    finally:
        engine.dispose()
    assert {(fk["referred_table"], fk["options"].get("ondelete")) for fk in foreign_keys} == {
        ("authors", "RESTRICT"),
        ("users", "SET NULL"),
    }


def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    path = tmp_path / "roundtrip.db"

    async def roundtrip() -> None:
        database = Database(f"sqlite+aiosqlite:///{path}")
        try:
            await database.migrate()
            await database.downgrade("base")
            assert tables(path) == {"alembic_version"}
            assert await database.current_revision() is None
            await database.migrate()
            assert await database.current_revision() == "0001"
        finally:
            await database.dispose()

    asyncio.run(roundtrip())
    assert tables(path) == TABLES


def test_the_alembic_command_line_works_from_any_directory(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{path}"}
    alembic = [sys.executable, "-m", "alembic", "-c", str(BASE_DIR / "alembic.ini")]
    # `check` compares the models with the migrated database, as autogenerate would.
    for command in (["upgrade", "head"], ["check"]):
        result = subprocess.run(
            [*alembic, *command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
    assert "No new upgrade operations detected" in result.stdout
    assert query(path, "SELECT version_num FROM alembic_version") == [("0001",)]
