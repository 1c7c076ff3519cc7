"""The lifespan opens the database engine at startup and closes it at shutdown."""

from __future__ import annotations

from pathlib import Path

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
        # The readiness query's connection went back to the pool and stays open there.
        assert pool.checkedin() == 1

    # dispose() closed the pooled connection and left a fresh, empty pool behind.
    assert pool.checkedin() == 0
    assert database.engine.pool is not pool


def test_shutdown_says_goodbye_to_feed_clients(database_path: Path, tmp_path: Path) -> None:
    app = create_app(make_settings(f"sqlite+aiosqlite:///{database_path}", tmp_path))
    with TestClient(app) as client:
        feed = app.state.feed
        with client.websocket_connect("/api/v1/feed") as socket:
            assert socket.receive_json() == {"event": "subscribed"}
            assert feed.client_count == 1
            # What the lifespan's shutdown does: close every client with 1001 "going away".
            client.portal.call(feed.close)
            message = socket.receive()
            assert message == {"type": "websocket.close", "code": 1001, "reason": ""}
        assert feed.client_count == 0
