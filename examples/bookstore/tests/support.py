"""Helpers for the bookstore tests: settings, API shortcuts, direct database reads."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from zephyr.testclient import TestClient

from ..app.core.config import Settings
from ..app.seed import with_check_digit

T = TypeVar("T")

ADMIN_PASSWORD = "admin-password-1"
PASSWORD = "correct horse battery"


def make_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    """Return test settings: no .env file, a fixed secret, cheap password hashing."""
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "data_dir": data_dir,
        "migrate_on_start": False,  # the session fixture migrated the file already
        "jwt_secret": "test-secret-" + "x" * 40,
        "password_time_cost": 1,
        "password_memory_kib": 1024,
        "password_parallelism": 1,
        "cors_origins": ["https://shop.example"],
        "demo_admin_password": ADMIN_PASSWORD,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def run_in_app(client: TestClient, function: Callable[[], Awaitable[T]]) -> T:
    """Run `function()` on the event loop of the client's app (where its engine lives)."""
    assert client.portal is not None, "only inside `with TestClient(app) as client:`"
    return client.portal.call(function)


def query(database_path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read the test database directly (what the app wrote, not what it says it wrote)."""
    with sqlite3.connect(database_path) as connection:
        return connection.execute(sql, params).fetchall()


def sign_up(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, Any]:
    """Create a member account through the API."""
    response = client.post(
        "/api/v1/users",
        json={"username": username, "email": f"{username}@example.com", "password": password},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in through the API; return the Authorization header."""
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


_isbn_numbers = itertools.count(1)


def new_isbn() -> str:
    """Return an ISBN-13 no other test has used."""
    return with_check_digit(f"979{next(_isbn_numbers):09d}")


def add_author(client: TestClient, headers: dict[str, str], name: str = "Ada") -> dict[str, Any]:
    """Create an author through the API."""
    response = client.post("/api/v1/authors", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def add_book(
    client: TestClient,
    headers: dict[str, str],
    author_id: int,
    title: str = "A Book",
    year: int = 2000,
    **fields: Any,
) -> dict[str, Any]:
    """Create a book through the API."""
    sent = {"title": title, "year": year, "author_id": author_id, "isbn": new_isbn(), **fields}
    response = client.post("/api/v1/books", json=sent, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
