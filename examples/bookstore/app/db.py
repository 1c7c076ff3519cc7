"""The database: one async engine per process, sessions per request, Alembic migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .core.config import BASE_DIR
from .models import Base

MIGRATIONS_DIR = BASE_DIR / "migrations"


def alembic_config() -> Config:
    """Return an Alembic configuration for this app's migrations, independent of the cwd."""
    config = Config()
    # ConfigParser interpolation: a literal % in the path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["target_metadata"] = Base.metadata
    return config


def head_revision() -> str | None:
    """Return the newest migration's revision id."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    # env.py sees the connection and migrates over it (Alembic's "connection sharing").
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked, per connection. WAL lets readers run while
    # a write is in progress; with WAL, synchronous=NORMAL cannot corrupt the file (a power
    # cut may lose the last commits) and saves an fsync per commit; busy_timeout waits for a
    # lock instead of failing at once.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    """An async engine and its session factory.

    Args:
        url: A SQLAlchemy URL: `sqlite+aiosqlite:///path.db` or
            `postgresql+asyncpg://user:password@host/dbname`.
        echo: Log every SQL statement.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_async_engine(url, echo=echo, pool_pre_ping=not self.is_sqlite)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        # expire_on_commit=False: objects stay readable after commit without another query
        # (an implicit refresh cannot happen under asyncio anyway).
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # What /health/ready expects the database to be at.
        self.expected_revision = head_revision()

    def session(self) -> AsyncSession:
        """Open a new session (use it as `async with db.session() as session:`)."""
        return self.sessionmaker()

    async def migrate(self, revision: str = "head") -> None:
        """Apply the Alembic migrations up to `revision` (`alembic upgrade head`)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade, revision)

    async def downgrade(self, revision: str) -> None:
        """Revert the Alembic migrations down to `revision` (`"base"`: all of them)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_downgrade, revision)

    async def current_revision(self) -> str | None:
        """Return the revision the database is at, None if never migrated (readiness query)."""
        async with self.engine.connect() as connection:
            migrated = await connection.run_sync(
                lambda sync: inspect(sync).has_table("alembic_version")
            )
            if not migrated:
                return None
            result = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return result.scalar_one_or_none()

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
