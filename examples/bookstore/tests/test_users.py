"""Accounts: sign-up, login, tokens, profile changes, roles and user management."""

from __future__ import annotations

from pathlib import Path

from zephyr import FastAPI
from zephyr.testclient import TestClient

from .support import PASSWORD, login, query, sign_up


def test_sign_up_and_log_in(client: TestClient, app: FastAPI, empty_database: Path) -> None:
    user = sign_up(client, "lin")
    assert user["role"] == "member"
    assert user["is_active"] is True
    assert "password" not in str(user)
    [(stored_hash,)] = query(empty_database, "SELECT password_hash FROM users")
    assert stored_hash.startswith("$argon2id$")

    token = client.post("/api/v1/auth/token", data={"username": "lin", "password": PASSWORD})
    assert token.status_code == 200
    body = token.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 30 * 60
    claims = app.state.security.tokens.verify(body["access_token"])
    assert claims.subject == str(user["id"])
    assert claims.roles == ("member",)

    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == user


def test_bad_logins_get_one_answer(client: TestClient) -> None:
    sign_up(client, "kim")
    for username, password in [("kim", "wrong password"), ("nobody", PASSWORD)]:
        response = client.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )
        assert response.status_code == 401
        assert response.json()["error"]["message"] == "Incorrect username or password"
        assert response.headers["www-authenticate"] == "Bearer"
    missing = client.post("/api/v1/auth/token", data={"username": "kim"})
    assert missing.status_code == 422
    assert missing.json()["error"]["details"][0]["loc"] == ["body", "password"]


def test_taken_names_and_emails_are_409(client: TestClient) -> None:
    sign_up(client, "ana")
    taken = client.post(
        "/api/v1/users",
        json={"username": "ana", "email": "other@example.com", "password": PASSWORD},
    )
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "username_taken"
    same_email = client.post(
        "/api/v1/users",
        json={"username": "ana2", "email": "ana@example.com", "password": PASSWORD},
    )
    assert same_email.status_code == 409
    assert same_email.json()["error"]["code"] == "email_taken"
    bad_email = client.post(
        "/api/v1/users", json={"username": "ana3", "email": "nope", "password": PASSWORD}
    )
    assert bad_email.status_code == 422


def test_a_new_password_needs_the_current_one(client: TestClient, member: dict[str, str]) -> None:
    refused = client.patch("/api/v1/users/me", json={"password": "a brand new one"}, headers=member)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "current_password_invalid"

    changed = client.patch(
        "/api/v1/users/me",
        json={"password": "a brand new one", "current_password": PASSWORD, "full_name": "Mia M"},
        headers=member,
    )
    assert changed.status_code == 200
    assert changed.json()["full_name"] == "Mia M"
    login(client, "mia", "a brand new one")
    old = client.post("/api/v1/auth/token", data={"username": "mia", "password": PASSWORD})
    assert old.status_code == 401


def test_admins_manage_roles_and_the_change_is_immediate(
    client: TestClient, admin: dict[str, str]
) -> None:
    user = sign_up(client, "ola")
    headers = login(client, "ola")
    assert client.get("/api/v1/users", headers=headers).status_code == 403

    promoted = client.patch(f"/api/v1/users/{user['id']}", json={"role": "admin"}, headers=admin)
    assert promoted.json()["role"] == "admin"
    # The same token: roles are read from the database on each request.
    assert client.get("/api/v1/users", headers=headers).status_code == 200

    disabled = client.patch(f"/api/v1/users/{user['id']}", json={"is_active": False}, headers=admin)
    assert disabled.json()["is_active"] is False
    response = client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "This account is disabled"
    relogin = client.post("/api/v1/auth/token", data={"username": "ola", "password": PASSWORD})
    assert relogin.status_code == 401

    bad_role = client.patch(f"/api/v1/users/{user['id']}", json={"role": "owner"}, headers=admin)
    assert bad_role.status_code == 422


def test_admins_delete_users_but_not_themselves(client: TestClient, admin: dict[str, str]) -> None:
    user = sign_up(client, "pat")
    headers = login(client, "pat")
    me = client.get("/api/v1/users/me", headers=admin).json()
    refused = client.delete(f"/api/v1/users/{me['id']}", headers=admin)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "cannot_delete_self"

    assert client.delete(f"/api/v1/users/{user['id']}", headers=admin).status_code == 204
    # The token outlives the account, but not its use.
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401
