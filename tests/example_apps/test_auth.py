"""The auth example: password login, scopes, roles, WebSocket, and refusals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from examples.auth import app as example
from starlette.testclient import WebSocketDenialResponse

from zephyr.testclient import TestClient


@pytest.fixture
def client() -> Iterator[TestClient]:
    example.NOTES.clear()
    with TestClient(example.app) as test_client:
        yield test_client
    example.NOTES.clear()


def login(client: TestClient, username: str, password: str, scope: str | None = None) -> dict:
    form = {"username": username, "password": password}
    if scope is not None:
        form["scope"] = scope
    response = client.post("/token", data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_login_returns_a_bearer_token(client: TestClient) -> None:
    response = client.post("/token", data={"username": "alice", "password": "wonderland"})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    claims = example.tokens.verify(body["access_token"])
    assert claims.subject == "alice"
    assert claims.scopes == ("notes:read", "notes:write")
    assert claims.roles == ("admin",)


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrong"), ("nobody", "wonderland"), ("alice", "Wonderland"), ("bob", "wonderland")],
)
def test_bad_login_is_the_same_401(client: TestClient, username: str, password: str) -> None:
    response = client.post("/token", data={"username": username, "password": password})
    assert response.status_code == 401
    assert response.json() == {"detail": "Incorrect username or password"}
    assert response.headers["www-authenticate"] == "Bearer"


def test_login_form_is_validated(client: TestClient) -> None:
    response = client.post("/token", data={"username": "alice"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "password"]
    wrong_grant = client.post(
        "/token", data={"username": "alice", "password": "wonderland", "grant_type": "implicit"}
    )
    assert wrong_grant.status_code == 422


def test_me(client: TestClient) -> None:
    headers = login(client, "bob", "builder")
    assert client.get("/users/me", headers=headers).json() == {
        "username": "bob",
        "full_name": "Bob",
        "roles": [],
    }
    missing = client.get("/users/me")
    assert missing.status_code == 401
    assert missing.json() == {"detail": "Not authenticated"}


def test_scopes_follow_the_login_request(client: TestClient) -> None:
    full = login(client, "alice", "wonderland")
    created = client.post("/notes", json={"text": "hello"}, headers=full)
    assert created.status_code == 201
    assert created.json() == {"id": 1, "author": "alice", "text": "hello"}
    assert client.get("/notes", headers=full).json() == [created.json()]

    read_only = login(client, "alice", "wonderland", scope="notes:read")
    refused = client.post("/notes", json={"text": "x"}, headers=read_only)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Not enough permissions"}
    assert refused.headers["www-authenticate"] == (
        'Bearer error="insufficient_scope", scope="notes:write"'
    )
    assert client.get("/notes", headers=read_only).status_code == 200


def test_scopes_a_user_lacks_are_not_granted(client: TestClient) -> None:
    headers = login(client, "bob", "builder", scope="notes:read notes:write")
    assert example.tokens.verify(headers["Authorization"][7:]).scopes == ("notes:read",)
    assert client.post("/notes", json={"text": "x"}, headers=headers).status_code == 403


def test_admin_role(client: TestClient) -> None:
    admin = client.get("/admin/users", headers=login(client, "alice", "wonderland"))
    assert [user["username"] for user in admin.json()] == ["alice", "bob"]
    forbidden = client.get("/admin/users", headers=login(client, "bob", "builder"))
    assert forbidden.status_code == 403


def test_disabled_user_token_stops_working(client: TestClient) -> None:
    headers = login(client, "bob", "builder")
    example.USERS["bob"].disabled = True
    try:
        response = client.get("/users/me", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"detail": "Could not validate credentials"}
        assert (
            client.post("/token", data={"username": "bob", "password": "builder"}).status_code
            == 401
        )
    finally:
        example.USERS["bob"].disabled = False


def test_tampered_token_refused(client: TestClient) -> None:
    token = login(client, "bob", "builder")["Authorization"]
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[::-1]}"
    response = client.get("/users/me", headers={"Authorization": forged})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_websocket(client: TestClient) -> None:
    headers = login(client, "bob", "builder")
    with client.websocket_connect("/ws", headers=headers) as websocket:
        assert websocket.receive_json() == {"hello": "bob", "scopes": ["notes:read"]}
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client.websocket_connect("/ws"):
            pass  # pragma: no cover
    assert denied.value.status_code == 401


def test_rehash_on_login_when_parameters_change(client: TestClient) -> None:
    record = example.USERS["bob"]
    original = record.password_hash
    stronger = example.PasswordHasher(time_cost=4)
    old_hasher, example.passwords = example.passwords, stronger
    try:
        login(client, "bob", "builder")
        assert record.password_hash != original
        assert "t=4" in record.password_hash
    finally:
        example.passwords = old_hasher
        record.password_hash = original


def test_openapi_shows_the_login_scheme(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"] == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "flows": {"password": {"scopes": example.SCOPES, "tokenUrl": "token"}},
        }
    }
    assert document["paths"]["/notes"]["post"]["security"] == [
        {"OAuth2PasswordBearer": ["notes:write"]}
    ]
    assert document["paths"]["/admin/users"]["get"]["security"] == [{"OAuth2PasswordBearer": []}]
