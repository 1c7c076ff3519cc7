"""APIKeyQuery, APIKeyHeader and APIKeyCookie: FastAPI 0.165's answers, HTTP and WebSocket."""

from collections.abc import Callable
from typing import Any

import pytest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.testclient import WebSocketDenialResponse

from zephyr.exceptions import HTTPException
from zephyr.security import APIKeyCookie, APIKeyHeader, APIKeyQuery
from zephyr.security.api_key import APIKeyBase
from zephyr.testclient import TestClient

Factory = Callable[[Callable[..., Any]], TestClient]


def send(client: TestClient, where: str, value: str | None, path: str = "/") -> Any:
    """GET `path` with the key `value` in `where` (query, header or cookie)."""
    if value is None:
        return client.get(path)
    if where == "query":
        return client.get(path, params={"key": value})
    if where == "header":
        return client.get(path, headers={"key": value})
    client.cookies.set("key", value)
    try:
        return client.get(path)
    finally:
        client.cookies.clear()


KINDS = [("query", APIKeyQuery), ("header", APIKeyHeader), ("cookie", APIKeyCookie)]


@pytest.mark.parametrize(("where", "cls"), KINDS)
def test_key_returned(client_for: Factory, where: str, cls: type[APIKeyBase]) -> None:
    response = send(client_for(cls(name="key")), where, "s3cret")  # type: ignore[call-arg]
    assert response.status_code == 200
    assert response.json() == {"value": "s3cret"}


@pytest.mark.parametrize(("where", "cls"), KINDS)
@pytest.mark.parametrize("value", [None, ""], ids=["missing", "empty"])
def test_missing_key(client_for: Factory, where: str, cls: Any, value: str | None) -> None:
    response = send(client_for(cls(name="key")), where, value)
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["www-authenticate"] == "APIKey"
    optional = send(client_for(cls(name="key", auto_error=False)), where, value)
    assert optional.status_code == 200
    assert optional.json() == {"value": None}


def test_header_name_is_case_insensitive(client_for: Factory) -> None:
    client = client_for(APIKeyHeader(name="X-API-Key"))
    assert client.get("/", headers={"x-api-key": "k"}).json() == {"value": "k"}


def test_error_is_starlette_http_exception() -> None:
    # FastAPI raises Starlette's class here (not its own subclass); handlers see the same.
    error = APIKeyHeader(name="k").make_not_authenticated_error()
    assert type(error) is StarletteHTTPException
    assert not isinstance(error, HTTPException)


@pytest.mark.parametrize(("where", "cls"), KINDS)
def test_models(where: str, cls: Any) -> None:
    scheme = cls(name="key", description="the key", scheme_name="Key")
    assert scheme.scheme_name == "Key"
    assert scheme.model.model_dump(mode="json", by_alias=True, exclude_none=True) == {
        "type": "apiKey",
        "in": where,
        "name": "key",
        "description": "the key",
    }
    assert cls(name="key").scheme_name == cls.__name__


def test_check_api_key_directly() -> None:
    scheme = APIKeyHeader(name="k", auto_error=False)
    assert scheme.check_api_key("v") == "v"
    assert scheme.check_api_key(None) is None
    with pytest.raises(StarletteHTTPException):
        APIKeyHeader(name="k").check_api_key("")


def test_websocket_header_and_query(client_for: Factory) -> None:
    with client_for(APIKeyHeader(name="key")).websocket_connect(
        "/ws", headers={"key": "h"}
    ) as websocket:
        assert websocket.receive_json() == {"value": "h"}
    with client_for(APIKeyQuery(name="key")).websocket_connect("/ws?key=q") as websocket:
        assert websocket.receive_json() == {"value": "q"}
    with client_for(APIKeyCookie(name="key")).websocket_connect(
        "/ws", headers={"cookie": "key=c"}
    ) as websocket:
        assert websocket.receive_json() == {"value": "c"}


def test_websocket_missing_key_denied(client_for: Factory) -> None:
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client_for(APIKeyCookie(name="key")).websocket_connect("/ws"):
            pass  # pragma: no cover
    assert denied.value.status_code == 401
    assert denied.value.json() == {"detail": "Not authenticated"}
    assert denied.value.headers["www-authenticate"] == "APIKey"
