"""Helpers for the security tests: one app per scheme, answering what the dependency gave."""

from collections.abc import Callable
from typing import Any

import pytest

from zephyr import Depends, FastAPI, WebSocket
from zephyr.testclient import TestClient


def describe(value: Any) -> Any:
    """Turn what a security dependency returned into JSON."""
    if value is None or isinstance(value, str):
        return {"value": value}
    return {"model": type(value).__name__, **value.model_dump()}


def app_for(scheme: Callable[..., Any]) -> FastAPI:
    """Build an app whose GET / and WebSocket /ws report what `scheme` returned."""
    app = FastAPI()

    @app.get("/")
    def read(value: Any = Depends(scheme)) -> Any:
        return describe(value)

    @app.websocket("/ws")
    async def socket(websocket: WebSocket, value: Any = Depends(scheme)) -> None:
        await websocket.accept()
        await websocket.send_json(describe(value))
        await websocket.close()

    return app


@pytest.fixture
def client_for() -> Callable[[Callable[..., Any]], TestClient]:
    """Return a factory: scheme -> TestClient of `app_for(scheme)`."""
    return lambda scheme: TestClient(app_for(scheme))
