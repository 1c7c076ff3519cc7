"""HTTPBase, HTTPBasic, HTTPBearer and HTTPDigest: FastAPI 0.165's answers, HTTP and WebSocket."""

import base64
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import WebSocketDenialResponse

from zephyr.security import (
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
    HTTPDigest,
)
from zephyr.security.http import HTTPBase
from zephyr.testclient import TestClient

Factory = Callable[[Callable[..., Any]], TestClient]


def basic(raw: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}


def assert_refused(response: Any, challenge: str) -> None:
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["www-authenticate"] == challenge


# --------------------------------------------------------------------------- HTTPBasic


def test_basic_decodes_user_and_password(client_for: Factory) -> None:
    client = client_for(HTTPBasic())
    response = client.get("/", headers=basic(b"alice:s3cr:et"))
    assert response.status_code == 200
    assert response.json() == {
        "model": "HTTPBasicCredentials",
        "username": "alice",
        "password": "s3cr:et",
    }


def test_basic_scheme_is_case_insensitive_and_password_may_be_empty(client_for: Factory) -> None:
    client = client_for(HTTPBasic())
    value = base64.b64encode(b"bob:").decode()
    response = client.get("/", headers={"Authorization": f"bAsIc {value}"})
    assert response.json()["username"] == "bob"
    assert response.json()["password"] == ""


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer abc"},
        {"Authorization": "Basicabc"},
    ],
    ids=["missing", "empty", "other scheme", "no space"],
)
def test_basic_without_basic_credentials(client_for: Factory, headers: dict[str, str]) -> None:
    assert_refused(client_for(HTTPBasic()).get("/", headers=headers), "Basic")
    optional = client_for(HTTPBasic(auto_error=False)).get("/", headers=headers)
    assert optional.status_code == 200
    assert optional.json() == {"value": None}


@pytest.mark.parametrize(
    "value",
    [
        "Basic",
        "Basic !!!",
        "Basic dTp",  # incorrect padding
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode("ünï:côdé".encode()).decode(),  # not ASCII
        "Basic " + base64.b64encode(b"\xff\xfe:\x80").decode(),  # not even UTF-8
    ],
    ids=["empty", "not base64", "bad padding", "no colon", "utf-8", "binary"],
)
@pytest.mark.parametrize("auto_error", [True, False])
def test_basic_malformed_credentials_always_401(
    client_for: Factory, value: str, auto_error: bool
) -> None:
    # Present but undecodable credentials are refused even with auto_error=False, as in 0.165.
    response = client_for(HTTPBasic(auto_error=auto_error)).get(
        "/", headers={"Authorization": value}
    )
    assert_refused(response, "Basic")


def test_basic_non_ascii_header_bytes(client_for: Factory) -> None:
    response = client_for(HTTPBasic()).get("/", headers=[("Authorization", b"Basic \xe9\xe9")])
    assert_refused(response, "Basic")


def test_basic_realm_in_challenge(client_for: Factory) -> None:
    client = client_for(HTTPBasic(realm="staff area"))
    assert_refused(client.get("/"), 'Basic realm="staff area"')
    assert_refused(
        client.get("/", headers={"Authorization": "Basic !"}), 'Basic realm="staff area"'
    )


def test_basic_model_and_name() -> None:
    scheme = HTTPBasic(scheme_name="Staff", description="Staff only", realm="r")
    assert scheme.scheme_name == "Staff"
    assert scheme.realm == "r"
    assert scheme.auto_error is True
    assert scheme.model.model_dump(mode="json", by_alias=True, exclude_none=True) == {
        "type": "http",
        "scheme": "basic",
        "description": "Staff only",
    }
    assert HTTPBasic().scheme_name == "HTTPBasic"


# --------------------------------------------------------------------------- HTTPBearer


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_bearer_returns_scheme_as_sent_and_token(client_for: Factory, scheme: str) -> None:
    response = client_for(HTTPBearer()).get("/", headers={"Authorization": f"{scheme}  tok en "})
    assert response.status_code == 200
    assert response.json() == {
        "model": "HTTPAuthorizationCredentials",
        "scheme": scheme,
        "credentials": "tok en",
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer    "},
        {"Authorization": "Basic abc"},
        {"Authorization": "Token abc"},
    ],
    ids=["missing", "empty", "scheme only", "blank token", "basic", "token"],
)
def test_bearer_refusals(client_for: Factory, headers: dict[str, str]) -> None:
    # 0.165: every refusal is 401 "Not authenticated" (older releases answered 403).
    assert_refused(client_for(HTTPBearer()).get("/", headers=headers), "Bearer")
    optional = client_for(HTTPBearer(auto_error=False)).get("/", headers=headers)
    assert optional.json() == {"value": None}


def test_bearer_model() -> None:
    scheme = HTTPBearer(bearerFormat="JWT", description="Tokens", scheme_name="Jwt")
    assert scheme.scheme_name == "Jwt"
    assert scheme.model.model_dump(mode="json", by_alias=True, exclude_none=True) == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Tokens",
    }
    assert HTTPBearer().scheme_name == "HTTPBearer"


# --------------------------------------------------------------------------- HTTPDigest


def test_digest_passes_parameters_through(client_for: Factory) -> None:
    value = 'Digest username="u", realm="r", response="abc"'
    response = client_for(HTTPDigest()).get("/", headers={"Authorization": value})
    assert response.json() == {
        "model": "HTTPAuthorizationCredentials",
        "scheme": "Digest",
        "credentials": 'username="u", realm="r", response="abc"',
    }


@pytest.mark.parametrize("value", [None, "Digest", "Bearer abc"])
def test_digest_refusals(client_for: Factory, value: str | None) -> None:
    headers = {} if value is None else {"Authorization": value}
    assert_refused(client_for(HTTPDigest()).get("/", headers=headers), "Digest")
    optional = client_for(HTTPDigest(auto_error=False)).get("/", headers=headers)
    assert optional.json() == {"value": None}


def test_digest_model() -> None:
    dumped = HTTPDigest(description="d").model.model_dump(by_alias=True, exclude_none=True)
    assert dumped["scheme"] == "digest"
    assert HTTPDigest().scheme_name == "HTTPDigest"


# --------------------------------------------------------------------------- HTTPBase


def test_base_accepts_any_scheme(client_for: Factory) -> None:
    client = client_for(HTTPBase(scheme="Other"))
    response = client.get("/", headers={"Authorization": "Anything goes"})
    assert response.json()["scheme"] == "Anything"
    assert response.json()["credentials"] == "goes"
    assert_refused(client.get("/"), "Other")
    assert_refused(client.get("/", headers={"Authorization": "Other"}), "Other")


def test_base_challenge_is_title_cased_scheme(client_for: Factory) -> None:
    assert_refused(client_for(HTTPBase(scheme="custom")).get("/"), "Custom")
    optional = client_for(HTTPBase(scheme="custom", auto_error=False)).get("/")
    assert optional.json() == {"value": None}


def test_credentials_models() -> None:
    assert HTTPBasicCredentials(username="u", password="p").password == "p"
    creds = HTTPAuthorizationCredentials(scheme="Bearer", credentials="t")
    assert creds.model_dump() == {"scheme": "Bearer", "credentials": "t"}


def test_make_not_authenticated_error_is_overridable(client_for: Factory) -> None:
    class Realmless(HTTPBearer):
        def make_authenticate_headers(self) -> dict[str, str]:
            return {"WWW-Authenticate": 'Bearer realm="api"'}

    assert_refused(client_for(Realmless()).get("/"), 'Bearer realm="api"')


# --------------------------------------------------------------------------- WebSocket


@pytest.mark.parametrize(
    ("scheme", "headers", "expected"),
    [
        (HTTPBearer(), {"Authorization": "Bearer t"}, {"credentials": "t"}),
        (HTTPBasic(), basic(b"u:p"), {"username": "u"}),
        (HTTPDigest(), {"Authorization": "Digest x"}, {"credentials": "x"}),
        (HTTPBearer(auto_error=False), {}, {"value": None}),
    ],
    ids=["bearer", "basic", "digest", "optional"],
)
def test_websocket_gets_credentials(
    client_for: Factory, scheme: Any, headers: dict[str, str], expected: dict[str, Any]
) -> None:
    with client_for(scheme).websocket_connect("/ws", headers=headers) as websocket:
        received = websocket.receive_json()
    assert expected.items() <= received.items()


@pytest.mark.parametrize(
    ("scheme", "challenge"),
    [(HTTPBearer(), "Bearer"), (HTTPBasic(realm="r"), 'Basic realm="r"'), (HTTPDigest(), "Digest")],
)
def test_websocket_refused_with_401_denial(
    client_for: Factory, scheme: Any, challenge: str
) -> None:
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client_for(scheme).websocket_connect("/ws"):
            pass  # pragma: no cover - the handshake is denied
    assert_refused(denied.value, challenge)
