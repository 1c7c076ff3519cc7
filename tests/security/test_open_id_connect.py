"""OpenIdConnect: the raw Authorization header, or 401 with a Bearer challenge."""

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import WebSocketDenialResponse

from zephyr.security import OpenIdConnect
from zephyr.testclient import TestClient

Factory = Callable[[Callable[..., Any]], TestClient]
URL = "https://id.example.com/.well-known/openid-configuration"


@pytest.mark.parametrize("value", ["Bearer abc", "anything at all", "Bearer"])
def test_returns_header_as_sent(client_for: Factory, value: str) -> None:
    response = client_for(OpenIdConnect(openIdConnectUrl=URL)).get(
        "/", headers={"Authorization": value}
    )
    assert response.json() == {"value": value}


@pytest.mark.parametrize("headers", [{}, {"Authorization": ""}])
def test_missing(client_for: Factory, headers: dict[str, str]) -> None:
    response = client_for(OpenIdConnect(openIdConnectUrl=URL)).get("/", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["www-authenticate"] == "Bearer"
    optional = client_for(OpenIdConnect(openIdConnectUrl=URL, auto_error=False))
    assert optional.get("/", headers=headers).json() == {"value": None}


def test_model() -> None:
    scheme = OpenIdConnect(openIdConnectUrl=URL, description="SSO")
    assert scheme.scheme_name == "OpenIdConnect"
    assert scheme.model.model_dump(mode="json", by_alias=True, exclude_none=True) == {
        "type": "openIdConnect",
        "openIdConnectUrl": URL,
        "description": "SSO",
    }


def test_websocket(client_for: Factory) -> None:
    client = client_for(OpenIdConnect(openIdConnectUrl=URL))
    with client.websocket_connect("/ws", headers={"Authorization": "Bearer t"}) as websocket:
        assert websocket.receive_json() == {"value": "Bearer t"}
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client.websocket_connect("/ws"):
            pass  # pragma: no cover
    assert denied.value.status_code == 401
