"""The same API through httpx's AsyncClient and ASGITransport, in an async test."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from zephyr import FastAPI

from .support import PASSWORD, new_isbn


@pytest.mark.anyio
async def test_flow_with_async_client(app: FastAPI, empty_database: Path) -> None:
    # ASGITransport does not run the lifespan; the router's lifespan context does.
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as api,
    ):
        signed_up = await api.post(
            "/api/v1/users",
            json={"username": "async", "email": "async@example.com", "password": PASSWORD},
        )
        assert signed_up.status_code == 201
        token = await api.post(
            "/api/v1/auth/token", data={"username": "async", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}

        author = await api.post("/api/v1/authors", json={"name": "Async Author"}, headers=headers)
        book = await api.post(
            "/api/v1/books",
            json={
                "title": "Awaited",
                "isbn": new_isbn(),
                "year": 2024,
                "author_id": author.json()["id"],
            },
            headers=headers,
        )
        assert book.status_code == 201
        listed = await api.get("/api/v1/books", params={"title": "await"})
        assert [b["title"] for b in listed.json()["items"]] == ["Awaited"]
        assert (await api.get("/health/ready")).json()["status"] == "ok"
