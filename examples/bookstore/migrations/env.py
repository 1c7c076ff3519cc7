"""Alembic's environment: runs the migrations over an async engine, or over a connection the
app hands in (`app.db.Database.migrate`, the app's start-up and the tests)."""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

config = context.config


def target_metadata() -> MetaData:
    """Return the models' metadata (for --autogenerate and `alembic check`)."""
    metadata: MetaData | None = config.attributes.get("target_metadata")
    if metadata is None:
        # The alembic command line: alembic.ini put this folder on sys.path.
        from app.models import Base

        metadata = Base.metadata
    return metadata


def do_run_migrations(connection: Connection) -> None:
    """Run the pending migrations over `connection`."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    """Connect with the app's own settings and run the migrations."""
    from app.core.config import get_settings
    from app.db import Database

    database = Database(get_settings().database_url_resolved)
    try:
        async with database.engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.commit()
    finally:
        await database.dispose()


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade head --sql`)."""
    from app.core.config import get_settings

    context.configure(
        url=get_settings().database_url_resolved,
        target_metadata=target_metadata(),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


shared_connection = config.attributes.get("connection")
if shared_connection is not None:
    # Called from the app: its logging is already set up, so alembic.ini's is not applied
    # (fileConfig would also silence every logger created before it).
    do_run_migrations(shared_connection)
elif context.is_offline_mode():
    run_migrations_offline()
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    asyncio.run(run_async_migrations())
