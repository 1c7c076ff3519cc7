"""Refusals: 401, 403, 404, 409 and 422, all in the error envelope with their status codes."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from zephyr import FastAPI
from zephyr.testclient import TestClient

from ..app.core.config import Settings
from ..app.main import create_app
from .support import add_author, add_book, new_isbn


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details", "request_id"}
    assert body["error"]["request_id"] == response.headers["x-request-id"]
    details: dict[str, Any] = body["error"]
    return details


def test_writes_need_a_token(client: TestClient) -> None:
    response = client.post("/api/v1/authors", json={"name": "x"})
    body = error(response, 401)
    assert body["code"] == "unauthorized"
    assert body["message"] == "Not authenticated"
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_forged_token_is_refused(client: TestClient, member: dict[str, str]) -> None:
    forged = member["Authorization"][:-4] + "AAAA"
    response = client.get("/api/v1/users/me", headers={"Authorization": forged})
    assert error(response, 401)["message"] == "Could not validate credentials"


def test_expired_and_foreign_tokens_are_refused(
    client: TestClient, app: FastAPI, member: dict[str, str]
) -> None:
    me = client.get("/api/v1/users/me", headers=member).json()
    settings: Settings = app.state.settings
    assert settings.jwt_secret is not None
    secret = settings.jwt_secret.get_secret_value()
    now = int(time.time())

    def token(**changes: Any) -> dict[str, str]:
        # Signed by hand with the app's key, so that one claim at a time can be made wrong.
        claims: dict[str, Any] = {
            "sub": str(me["id"]),
            "iat": now,
            "nbf": now,
            "exp": now + 600,
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            **changes,
        }
        signed = jwt.encode(claims, secret, algorithm="HS256", headers={"kid": "bookstore-1"})
        return {"Authorization": f"Bearer {signed}"}

    # The control: with every claim right, the hand-made token works.
    assert client.get("/api/v1/users/me", headers=token()).status_code == 200
    wrongs: list[dict[str, Any]] = [
        {"iat": now - 7200, "nbf": now - 7200, "exp": now - 3600},  # expired an hour ago
        {"aud": "another-api"},  # meant for another service
        {"iss": "someone-else"},
    ]
    for wrong in wrongs:
        response = client.get("/api/v1/users/me", headers=token(**wrong))
        assert error(response, 401)["message"] == "Could not validate credentials", wrong
        assert response.headers["www-authenticate"] == "Bearer"


def test_members_cannot_delete(client: TestClient, member: dict[str, str]) -> None:
    author = add_author(client, member)
    book = add_book(client, member, author["id"])
    body = error(client.delete(f"/api/v1/books/{book['id']}", headers=member), 403)
    assert body == {**body, "code": "forbidden", "message": "Admins only"}
    error(client.delete(f"/api/v1/authors/{author['id']}", headers=member), 403)
    error(client.get("/api/v1/audit", headers=member), 403)
    error(client.get("/api/v1/users", headers=member), 403)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/books/999"),
        ("patch", "/api/v1/books/999"),
        ("get", "/api/v1/authors/999"),
        ("patch", "/api/v1/authors/999"),
    ],
)
def test_unknown_ids_are_404(
    client: TestClient, member: dict[str, str], method: str, path: str
) -> None:
    kwargs: dict[str, Any] = {"headers": member}
    if method == "patch":
        kwargs["json"] = {}
    body = error(client.request(method.upper(), path, **kwargs), 404)
    assert body["code"] == "not_found"
    assert "999" in body["message"]


def test_admin_deleting_unknown_ids_is_404(client: TestClient, admin: dict[str, str]) -> None:
    error(client.delete("/api/v1/books/999", headers=admin), 404)
    error(client.delete("/api/v1/authors/999", headers=admin), 404)
    error(client.patch("/api/v1/users/999", json={}, headers=admin), 404)


def test_a_taken_isbn_is_409(client: TestClient, member: dict[str, str]) -> None:
    author = add_author(client, member)
    isbn13 = "9780306406157"  # the same book as ISBN-10 0-306-40615-2
    add_book(client, member, author["id"], isbn=isbn13)
    again = {"title": "Copy", "year": 2001, "author_id": author["id"], "isbn": "0-306-40615-2"}
    body = error(client.post("/api/v1/books", json=again, headers=member), 409)
    assert body["code"] == "isbn_taken"

    other = add_book(client, member, author["id"])
    clash = client.patch(f"/api/v1/books/{other['id']}", json={"isbn": isbn13}, headers=member)
    assert error(clash, 409)["code"] == "isbn_taken"


def test_invalid_bodies_are_422(client: TestClient, member: dict[str, str]) -> None:
    author = add_author(client, member)
    body = error(
        client.post(
            "/api/v1/books",
            json={"title": "", "isbn": "978-0-306-40615-8", "year": 3000, "author_id": "x"},
            headers=member,
        ),
        422,
    )
    assert body["code"] == "validation_error"
    assert [(d["loc"], d["type"]) for d in body["details"]] == [
        (["body", "title"], "string_too_short"),
        (["body", "isbn"], "value_error"),
        (["body", "year"], "less_than_equal"),
        (["body", "author_id"], "int_parsing"),
    ]
    assert body["details"][1]["ctx"] == {"error": "not a valid ISBN-13 (bad check digit)"}

    unknown_author = {"title": "T", "isbn": new_isbn(), "year": 2000, "author_id": 12345}
    body = error(client.post("/api/v1/books", json=unknown_author, headers=member), 422)
    assert body["code"] == "invalid_reference"
    assert body["details"] == [{"loc": ["body", "author_id"], "msg": "unknown author"}]
    book = add_book(client, member, author["id"])
    moved = client.patch(f"/api/v1/books/{book['id']}", json={"author_id": 12345}, headers=member)
    assert error(moved, 422)["code"] == "invalid_reference"

    not_json = client.post(
        "/api/v1/authors", content=b"{", headers={**member, "content-type": "application/json"}
    )
    assert error(not_json, 422)["details"][0]["type"] == "json_invalid"


def test_rejected_input_is_not_echoed(client: TestClient) -> None:
    # FastAPI's 422 carries the input; the envelope leaves it out (it may be a password).
    response = client.post(
        "/api/v1/users", json={"username": "sam", "email": "sam@example.com", "password": "short"}
    )
    body = error(response, 422)
    assert body["details"][0]["loc"] == ["body", "password"]
    assert "short" not in response.text.replace("string_too_short", "")


def test_router_404_and_405_keep_their_status_and_headers(client: TestClient) -> None:
    assert error(client.get("/api/v1/nowhere"), 404)["code"] == "not_found"
    response = client.put("/api/v1/books")
    assert error(response, 405)["code"] == "method_not_allowed"
    # As in FastAPI: the Allow header of the first route whose path matched.
    assert response.headers["allow"] == "GET"


def test_a_crash_is_a_500_in_the_envelope(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings)  # its own app: the shared one gets no test-only route

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/crash", headers={"X-Request-ID": "crash-1"})
    body = error(response, 500)
    assert body == {
        "code": "internal_error",
        "message": "Internal server error",
        "details": None,
        "request_id": "crash-1",
    }
    assert "boom" not in response.text
    [logged] = [r for r in caplog.records if r.name == "bookstore.errors"]
    assert logged.request_id == "crash-1"  # type: ignore[attr-defined]
    assert logged.exc_info is not None
