"""The hello example behaves as its FastAPI code says."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from examples.hello.app import Store, app, get_store

from zephyr.testclient import TestClient

TOKEN = {"x-token": "secret-token"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    fresh = Store()

    def override() -> Iterator[Store]:
        yield fresh

    app.dependency_overrides[get_store] = override
    with TestClient(app) as test_client:
        yield test_client
    app.dependency_overrides.clear()


def test_root_says_hello(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello from Zephyr"}


def test_create_read_list_delete(client: TestClient) -> None:
    created = client.post("/items", json={"name": "hammer", "price": 9.5}, headers=TOKEN)
    assert created.status_code == 201
    assert created.json() == {
        "name": "hammer",
        "price": 9.5,
        "category": "tool",
        "tags": [],
        "id": 1,
    }
    client.post("/items", json={"name": "kite", "price": 20, "category": "toy"}, headers=TOKEN)
    assert client.get("/items/1").json()["name"] == "hammer"
    assert [item["name"] for item in client.get("/items").json()] == ["hammer", "kite"]
    assert [item["name"] for item in client.get("/items?category=toy").json()] == ["kite"]
    assert [item["name"] for item in client.get("/items?q=ham").json()] == ["hammer"]
    assert client.delete("/items/1", headers=TOKEN).status_code == 204
    assert client.get("/items/1").status_code == 404


def test_background_task_writes_audit_after_create(client: TestClient) -> None:
    fresh = Store()

    def override() -> Iterator[Store]:
        yield fresh

    app.dependency_overrides[get_store] = override
    client.post("/items", json={"name": "apple", "price": 1, "category": "food"}, headers=TOKEN)
    assert fresh.audit == ["created 1"]


def test_token_is_required_for_writes(client: TestClient) -> None:
    missing = client.post("/items", json={"name": "x", "price": 1})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["header", "x-token"]
    wrong = client.post("/items", json={"name": "x", "price": 1}, headers={"x-token": "no"})
    assert wrong.status_code == 401
    assert wrong.json() == {"detail": "Invalid X-Token header"}


def test_invalid_input_gets_fastapi_error_bodies(client: TestClient) -> None:
    response = client.post("/items", json={"name": "", "price": -1}, headers=TOKEN)
    assert response.status_code == 422
    assert [(error["type"], error["loc"]) for error in response.json()["detail"]] == [
        ("string_too_short", ["body", "name"]),
        ("greater_than", ["body", "price"]),
    ]
    assert client.get("/items?limit=0").json()["detail"][0]["loc"] == ["query", "limit"]
    assert client.get("/items/abc").json()["detail"][0]["type"] == "int_parsing"
