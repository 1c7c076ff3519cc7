"""Default exception handlers: responses identical to FastAPI's, through a tiny Starlette app."""

from collections.abc import Callable
from typing import Any

import fastapi.exception_handlers
import pytest
from pydantic import BaseModel, ValidationError, field_validator
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from zephyr import exception_handlers
from zephyr.exceptions import (
    HTTPException,
    RequestValidationError,
    WebSocketRequestValidationError,
)

HANDLER_MODULES = {"zephyr": exception_handlers, "fastapi": fastapi.exception_handlers}


def _serve(raise_exc: Callable[[], Exception], handlers: Any) -> TestClient:
    async def endpoint(request: Request) -> None:
        raise raise_exc()

    app = Starlette(
        routes=[Route("/", endpoint, methods=["GET", "POST"])],
        exception_handlers={
            StarletteHTTPException: handlers.http_exception_handler,
            RequestValidationError: handlers.request_validation_exception_handler,
        },
    )
    return TestClient(app)


def _both(raise_exc: Callable[[], Exception], path: str = "/") -> list[Any]:
    """Return (status, headers, body) for Zephyr's handlers, then FastAPI's."""
    results = []
    for handlers in HANDLER_MODULES.values():
        response = _serve(raise_exc, handlers).get(path)
        results.append((response.status_code, response.headers.multi_items(), response.content))
    return results


HTTP_EXCEPTIONS: list[Callable[[], Exception]] = [
    lambda: HTTPException(404),
    lambda: HTTPException(400, detail={"field": ["required"], "n": 1}),
    lambda: HTTPException(401, detail="Not authenticated", headers={"WWW-Authenticate": "Bearer"}),
    lambda: HTTPException(418, detail=["é", "漢字"]),
    lambda: HTTPException(204),
    lambda: HTTPException(205, headers={"X-Reset": "1"}),
    lambda: HTTPException(304, headers={"ETag": '"abc"'}),
    lambda: StarletteHTTPException(403, detail="plain starlette"),
]


@pytest.mark.parametrize("raise_exc", HTTP_EXCEPTIONS)
def test_http_exception_response_matches_fastapi(raise_exc: Callable[[], Exception]) -> None:
    ours, theirs = _both(raise_exc)
    assert ours == theirs


def test_http_exception_response_shape() -> None:
    client = _serve(
        lambda: HTTPException(401, detail={"reason": "expired"}, headers={"WWW-Authenticate": "x"}),
        exception_handlers,
    )
    response = client.get("/")
    assert response.status_code == 401
    assert response.json() == {"detail": {"reason": "expired"}}
    assert response.headers["www-authenticate"] == "x"
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("status_code", [204, 304])
def test_http_exception_without_body(status_code: int) -> None:
    response = _serve(lambda: HTTPException(status_code, detail="ignored"), exception_handlers).get(
        "/"
    )
    assert response.status_code == status_code
    assert response.content == b""
    assert "content-type" not in response.headers


def test_starlette_routing_errors_get_json_detail() -> None:
    client = _serve(lambda: ValueError("unused"), exception_handlers)
    missing = client.get("/nowhere")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found"})
    wrong_method = client.put("/")
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"detail": "Method Not Allowed"}
    assert set(wrong_method.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


class Item(BaseModel):
    name: str
    price: float

    @field_validator("name")
    @classmethod
    def no_spaces(cls, value: str) -> str:
        if " " in value:
            raise ValueError("no spaces allowed")
        return value


def _validation_errors(data: Any) -> list[Any]:
    try:
        Item.model_validate(data)
    except ValidationError as exc:
        return list(exc.errors())
    raise AssertionError("expected a validation error")


def test_request_validation_response_matches_fastapi() -> None:
    # Includes a ctx holding the ValueError instance, which must be encoded to a string.
    errors = _validation_errors({"name": "a b", "price": "cheap"})
    ours, theirs = _both(lambda: RequestValidationError(errors, body={"name": "a b"}))
    assert ours == theirs
    status_code, _, _ = ours
    assert status_code == 422


def test_request_validation_response_body() -> None:
    errors = [{"type": "missing", "loc": ("query", "q"), "msg": "Field required", "input": None}]
    response = _serve(lambda: RequestValidationError(errors), exception_handlers).get("/")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"type": "missing", "loc": ["query", "q"], "msg": "Field required", "input": None}
        ]
    }


def _websocket_close(handlers: Any, errors: list[Any]) -> tuple[int, Any]:
    async def endpoint(websocket: WebSocket) -> None:
        raise WebSocketRequestValidationError(errors)

    app = Starlette(
        routes=[WebSocketRoute("/ws", endpoint)],
        exception_handlers={
            WebSocketRequestValidationError: (
                handlers.websocket_request_validation_exception_handler
            )
        },
    )
    with pytest.raises(WebSocketDisconnect) as exc_info:
        with TestClient(app).websocket_connect("/ws"):
            pass  # pragma: no cover
    return exc_info.value.code, exc_info.value.reason


def test_websocket_validation_closes_like_fastapi() -> None:
    errors = _validation_errors({"price": "x"})
    ours = _websocket_close(exception_handlers, errors)
    theirs = _websocket_close(fastapi.exception_handlers, errors)
    assert ours == theirs
    code, reason = ours
    assert code == 1008
    # The reason is the encoded error list itself, as FastAPI sends it.
    assert [error["loc"] for error in reason] == [["name"], ["price"]]
