"""The OpenAPI document and /docs: the OAuth2 password flow, and errors in their envelope."""

from __future__ import annotations

from typing import Any

from zephyr.testclient import TestClient

from .support import PASSWORD, sign_up

ENVELOPE = {"$ref": "#/components/schemas/ErrorEnvelope"}


def schema_of(response: dict[str, Any]) -> Any:
    return response["content"]["application/json"]["schema"]


def test_openapi_declares_the_oauth2_password_flow(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    # What Swagger UI's "Authorize" button reads to show a user name/password dialog.
    assert document["components"]["securitySchemes"] == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "flows": {"password": {"scopes": {}, "tokenUrl": "/api/v1/auth/token"}},
        }
    }
    paths = document["paths"]
    for method, path in [
        ("post", "/api/v1/books"),
        ("patch", "/api/v1/books/{book_id}"),
        ("delete", "/api/v1/authors/{author_id}"),
        ("get", "/api/v1/users/me"),
        ("get", "/api/v1/audit"),
    ]:
        assert paths[path][method]["security"] == [{"OAuth2PasswordBearer": []}], (method, path)
    for method, path in [("get", "/api/v1/books"), ("post", "/api/v1/users")]:
        assert "security" not in paths[path][method], (method, path)

    login = paths["/api/v1/auth/token"]["post"]["requestBody"]["content"]
    form = login["application/x-www-form-urlencoded"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = document["components"]["schemas"][form]
    assert set(fields["required"]) == {"username", "password"}


def test_errors_are_documented_in_their_envelope(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    responses = document["paths"]["/api/v1/books"]["post"]["responses"]
    for status in ("401", "403", "404", "409", "422"):
        assert schema_of(responses[status]) == ENVELOPE, status
    envelope = document["components"]["schemas"]["ErrorEnvelope"]
    assert envelope["required"] == ["error"]
    ready = document["paths"]["/health/ready"]["get"]["responses"]
    assert schema_of(ready["503"]) == {"$ref": "#/components/schemas/Readiness"}


def test_the_docs_page_logs_in_as_swagger_ui_does(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "SwaggerUIBundle" in docs.text
    assert "/openapi.json" in docs.text
    assert client.get("/docs/oauth2-redirect").status_code == 200

    sign_up(client, "swagger")
    # The form Swagger UI posts for the password flow (grant_type and an empty scope).
    form = {"grant_type": "password", "username": "swagger", "password": PASSWORD, "scope": ""}
    token = client.post("/api/v1/auth/token", data=form)
    assert token.status_code == 200
    assert token.json()["token_type"] == "bearer"
    other_grant = client.post(
        "/api/v1/auth/token", data={**form, "grant_type": "client_credentials"}
    )
    assert other_grant.status_code == 422
    assert other_grant.json()["error"]["details"][0]["loc"] == ["body", "grant_type"]
