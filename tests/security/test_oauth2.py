"""OAuth2 schemes, the password-flow form classes and SecurityScopes."""

from collections.abc import Callable
from typing import Annotated, Any

import pytest
from starlette.testclient import WebSocketDenialResponse

from zephyr import Depends, FastAPI, Security
from zephyr.openapi.models import OAuthFlows
from zephyr.security import (
    OAuth2,
    OAuth2AuthorizationCodeBearer,
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    OAuth2PasswordRequestFormStrict,
    SecurityScopes,
)
from zephyr.testclient import TestClient

Factory = Callable[[Callable[..., Any]], TestClient]


def assert_refused(response: Any) -> None:
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["www-authenticate"] == "Bearer"


def dumped(scheme: Any) -> dict[str, Any]:
    return scheme.model.model_dump(mode="json", by_alias=True, exclude_none=True)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- bearer schemes

BEARERS = [
    lambda **kw: OAuth2PasswordBearer(tokenUrl="token", **kw),
    lambda **kw: OAuth2AuthorizationCodeBearer(authorizationUrl="auth", tokenUrl="token", **kw),
]


@pytest.mark.parametrize("make", BEARERS, ids=["password", "code"])
@pytest.mark.parametrize(
    ("value", "token"),
    [("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Bearer", ""), ("Bearer a b", "a b")],
)
def test_bearer_token_returned(client_for: Factory, make: Any, value: str, token: str) -> None:
    # "Bearer" with no token gives "" (not a 401), as in FastAPI.
    response = client_for(make()).get("/", headers={"Authorization": value})
    assert response.json() == {"value": token}


@pytest.mark.parametrize("make", BEARERS, ids=["password", "code"])
@pytest.mark.parametrize("value", [None, "", "Basic abc", "Bearerabc", "Token abc"])
def test_bearer_refusals(client_for: Factory, make: Any, value: str | None) -> None:
    headers = {} if value is None else {"Authorization": value}
    assert_refused(client_for(make()).get("/", headers=headers))
    assert client_for(make(auto_error=False)).get("/", headers=headers).json() == {"value": None}


def test_password_bearer_model() -> None:
    scheme = OAuth2PasswordBearer(
        tokenUrl="/token", scopes={"me": "Read me"}, refreshUrl="/refresh", description="d"
    )
    assert scheme.scheme_name == "OAuth2PasswordBearer"
    assert dumped(scheme) == {
        "type": "oauth2",
        "description": "d",
        "flows": {
            "password": {
                "tokenUrl": "/token",
                "refreshUrl": "/refresh",
                "scopes": {"me": "Read me"},
            }
        },
    }
    assert dumped(OAuth2PasswordBearer("t"))["flows"] == {
        "password": {"tokenUrl": "t", "scopes": {}}
    }


def test_authorization_code_bearer_model() -> None:
    scheme = OAuth2AuthorizationCodeBearer(
        authorizationUrl="a", tokenUrl="t", scopes={"x": "X"}, scheme_name="Code"
    )
    assert scheme.scheme_name == "Code"
    assert dumped(scheme)["flows"] == {
        "authorizationCode": {"authorizationUrl": "a", "tokenUrl": "t", "scopes": {"x": "X"}}
    }


# --------------------------------------------------------------------------- OAuth2 base


def test_oauth2_returns_whole_header(client_for: Factory) -> None:
    client = client_for(OAuth2())
    assert client.get("/", headers={"Authorization": "Basic x"}).json() == {"value": "Basic x"}
    assert_refused(client.get("/"))
    assert client_for(OAuth2(auto_error=False)).get("/").json() == {"value": None}


def test_oauth2_flows_from_dict_or_model() -> None:
    from_dict = OAuth2(flows={"implicit": {"authorizationUrl": "a", "scopes": {}}})
    assert dumped(from_dict)["flows"] == {"implicit": {"authorizationUrl": "a", "scopes": {}}}
    flows = OAuthFlows.model_validate({"clientCredentials": {"tokenUrl": "t"}})
    assert OAuth2(flows=flows).model.flows is flows
    assert dumped(OAuth2()) == {"type": "oauth2", "flows": {}}


# --------------------------------------------------------------------------- scopes


def test_security_scopes_accumulate_down_the_tree() -> None:
    oauth2 = OAuth2PasswordBearer(tokenUrl="token")
    seen: list[list[str]] = []

    def user(scopes: SecurityScopes, token: Annotated[str, Depends(oauth2)]) -> str:
        seen.append(scopes.scopes)
        assert scopes.scope_str == " ".join(scopes.scopes)
        return token

    def active(u: Annotated[str, Security(user, scopes=["me"])]) -> str:
        return u

    app = FastAPI()

    @app.get("/items")
    def items(u: Annotated[str, Security(active, scopes=["items", "write"])]) -> str:
        return u

    with TestClient(app) as client:
        assert client.get("/items", headers={"Authorization": "Bearer t"}).json() == "t"
        assert_refused(client.get("/items"))
    assert seen == [["items", "write", "me"]]


def test_security_scopes_object() -> None:
    assert SecurityScopes().scopes == []
    assert SecurityScopes().scope_str == ""
    assert SecurityScopes(["a", "b"]).scope_str == "a b"


def test_websocket_bearer(client_for: Factory) -> None:
    client = client_for(OAuth2PasswordBearer(tokenUrl="token"))
    with client.websocket_connect("/ws", headers={"Authorization": "Bearer w"}) as websocket:
        assert websocket.receive_json() == {"value": "w"}
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client.websocket_connect("/ws", headers={"Authorization": "Basic x"}):
            pass  # pragma: no cover
    assert_refused(denied.value)


# --------------------------------------------------------------------------- forms


def form_app(form_class: type[OAuth2PasswordRequestForm]) -> TestClient:
    app = FastAPI()

    @app.post("/token")
    def token(form: Annotated[form_class, Depends()]) -> dict[str, Any]:  # type: ignore[valid-type]
        return {
            "grant_type": form.grant_type,
            "username": form.username,
            "password": form.password,
            "scopes": form.scopes,
            "client_id": form.client_id,
            "client_secret": form.client_secret,
        }

    return TestClient(app)


def test_form_reads_fields_and_splits_scope() -> None:
    body = {"username": "u", "password": "p", "scope": "a  b c", "client_id": "id"}
    response = form_app(OAuth2PasswordRequestForm).post("/token", data=body)
    assert response.status_code == 200
    assert response.json() == {
        "grant_type": None,
        "username": "u",
        "password": "p",
        "scopes": ["a", "b", "c"],
        "client_id": "id",
        "client_secret": None,
    }


def test_form_grant_type_must_be_password_when_sent() -> None:
    client = form_app(OAuth2PasswordRequestForm)
    ok = client.post("/token", data={"username": "u", "password": "p", "grant_type": "password"})
    assert ok.json()["grant_type"] == "password"
    bad = client.post("/token", data={"username": "u", "password": "p", "grant_type": "implicit"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "grant_type"]
    assert bad.json()["detail"][0]["type"] == "string_pattern_mismatch"


def test_form_missing_fields_are_422() -> None:
    response = form_app(OAuth2PasswordRequestForm).post("/token", data={})
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [
        ["body", "username"],
        ["body", "password"],
    ]


def test_strict_form_requires_grant_type() -> None:
    client = form_app(OAuth2PasswordRequestFormStrict)
    missing = client.post("/token", data={"username": "u", "password": "p"})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "grant_type"]
    ok = client.post("/token", data={"username": "u", "password": "p", "grant_type": "password"})
    assert ok.json()["scopes"] == []


def test_form_classes_directly() -> None:
    form = OAuth2PasswordRequestFormStrict("password", "u", "p", scope="x y")
    assert (form.grant_type, form.username, form.password, form.scopes) == (
        "password",
        "u",
        "p",
        ["x", "y"],
    )
    assert isinstance(form, OAuth2PasswordRequestForm)
