"""Testing an app: `zephyr.testclient.TestClient`, and httpx's `AsyncClient` over ASGI."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from zephyr import FastAPI, Request, Response
from zephyr.responses import RedirectResponse
from zephyr.testclient import TestClient


def make_app(events: list[str]) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
        events.append("startup")
        yield {"db": "connected"}
        events.append("shutdown")

    app = FastAPI(lifespan=lifespan)

    @app.get("/state")
    def read_state(request: Request):
        return {"db": getattr(request.state, "db", None)}

    @app.get("/sync")
    def sync_endpoint():
        return "sync"

    @app.get("/async")
    async def async_endpoint():
        return "async"

    @app.get("/fail")
    async def fail():
        raise RuntimeError("endpoint failed")

    @app.get("/login")
    def login(response: Response):
        response.set_cookie("session", "s1")
        return "logged in"

    @app.get("/whoami")
    def whoami(request: Request):
        return {
            "session": request.cookies.get("session"),
            "client": request.client.host if request.client else None,
            "user_agent": request.headers["user-agent"],
            "url": str(request.url),
        }

    @app.get("/old")
    def old():
        return RedirectResponse("/sync")

    return app


def test_context_manager_runs_the_lifespan(test_client_factory: Callable[..., TestClient]) -> None:
    events: list[str] = []
    with test_client_factory(make_app(events)) as client:
        assert events == ["startup"]
        assert client.get("/state").json() == {"db": "connected"}
        assert client.get("/sync").json() == "sync"
        assert client.get("/async").json() == "async"
    assert events == ["startup", "shutdown"]


def test_without_context_manager_the_lifespan_does_not_run() -> None:
    events: list[str] = []
    client = TestClient(make_app(events))
    assert client.get("/state").json() == {"db": None}
    assert events == []


def test_server_exceptions_are_raised_or_turned_into_500() -> None:
    app = make_app([])
    with pytest.raises(RuntimeError, match="endpoint failed"):
        TestClient(app).get("/fail")
    response = TestClient(app, raise_server_exceptions=False).get("/fail")
    assert (response.status_code, response.text) == (500, "Internal Server Error")


def test_cookies_persist_and_request_defaults() -> None:
    client = TestClient(make_app([]))
    assert client.get("/login").json() == "logged in"
    assert client.get("/whoami").json() == {
        "session": "s1",
        "client": "testclient",
        "user_agent": "testclient",
        "url": "http://testserver/whoami",
    }
    other = TestClient(make_app([]), base_url="https://api.example.com")
    assert other.get("/whoami").json()["url"] == "https://api.example.com/whoami"


def test_redirects_are_followed_unless_disabled() -> None:
    app = make_app([])
    assert TestClient(app).get("/old").json() == "sync"
    response = TestClient(app, follow_redirects=False).get("/old")
    assert (response.status_code, response.headers["location"]) == (307, "/sync")


@pytest.mark.anyio
async def test_httpx_async_client_with_asgi_transport() -> None:
    events: list[str] = []
    transport = httpx.ASGITransport(app=make_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/sync")).json() == "sync"
        assert (await client.get("/async")).json() == "async"
        # ASGITransport sends no lifespan events: startup never ran and there is no state.
        assert (await client.get("/state")).json() == {"db": None}
    assert events == []


@pytest.mark.anyio
async def test_httpx_async_client_sees_server_errors() -> None:
    app: Any = make_app([])
    raising = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=raising, base_url="http://test") as client:
        with pytest.raises(RuntimeError, match="endpoint failed"):
            await client.get("/fail")
    quiet = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=quiet, base_url="http://test") as client:
        assert (await client.get("/fail")).status_code == 500
