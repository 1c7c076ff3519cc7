"""The lifespan opens the database engine at startup and closes it at shutdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.pool import QueuePool
from starlette.types import Message

from zephyr import WebSocket
from zephyr.testclient import TestClient

from ..app.db import Database
from ..app.main import create_app
from .support import make_settings


def test_the_engine_opens_at_startup_and_closes_at_shutdown(
    database_path: Path, tmp_path: Path
) -> None:
    # An app of its own: the shared one keeps the last test's database on its state.
    app = create_app(make_settings(f"sqlite+aiosqlite:///{database_path}", tmp_path))
    # Building the app connects to nothing: importing app.main must work without a database.
    assert not hasattr(app.state, "database")

    with TestClient(app) as client:
        database = app.state.database
        assert isinstance(database, Database)
        assert client.get("/health/ready").status_code == 200
        pool = database.engine.pool
        assert isinstance(pool, QueuePool)
        # The readiness query's connection went back to the pool and stays open there.
        assert pool.checkedin() == 1

    # dispose() closed the pooled connection and left a fresh, empty pool behind.
    assert pool.checkedin() == 0
    assert database.engine.pool is not pool


@pytest.mark.anyio
async def test_shutdown_says_goodbye_to_feed_clients(database_path: Path, tmp_path: Path) -> None:
    app = create_app(make_settings(f"sqlite+aiosqlite:///{database_path}", tmp_path))
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(message: Message) -> None:
        sent.append(message)

    # A real WebSocket over hand-made ASGI channels: TestClient cannot shut the app down
    # while one of its WebSocket sessions is still open.
    websocket = WebSocket(
        {"type": "websocket", "path": "/api/v1/feed", "headers": []}, receive, send
    )
    async with app.router.lifespan_context(app):
        await app.state.feed.connect(websocket)
        assert [m["type"] for m in sent] == ["websocket.accept"]
        assert app.state.feed.client_count == 1
    # 1001 is "going away": clients know to reconnect rather than treat it as an error.
    assert sent[-1] == {"type": "websocket.close", "code": 1001, "reason": ""}
    assert app.state.feed.client_count == 0
