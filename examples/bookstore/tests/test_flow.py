"""The whole life of a book through the API: login, create, list, update, delete."""

from __future__ import annotations

from pathlib import Path

from zephyr.testclient import TestClient

from .support import add_author, add_book, login, new_isbn, query, sign_up


def test_login_create_list_update_delete(
    client: TestClient, admin: dict[str, str], database_path: Path
) -> None:
    sign_up(client, "noor")
    member = login(client, "noor")

    author = client.post(
        "/api/v1/authors", json={"name": "Ursula K. Le Guin", "bio": "Earthsea"}, headers=member
    )
    assert author.status_code == 201
    author_id = author.json()["id"]

    isbn = new_isbn()
    created = client.post(
        "/api/v1/books",
        json={"title": "The Dispossessed", "isbn": isbn, "year": 1974, "author_id": author_id},
        headers=member,
    )
    assert created.status_code == 201
    book = created.json()
    assert book["title"] == "The Dispossessed"
    assert book["isbn"] == isbn
    assert book["author"] == {"id": author_id, "name": "Ursula K. Le Guin"}
    assert book["created_at"].endswith("Z")

    listed = client.get("/api/v1/books")
    assert listed.status_code == 200
    assert listed.json() == {"items": [book], "next_cursor": None}
    assert client.get(f"/api/v1/books/{book['id']}").json() == book

    # The author page loads the books with selectinload.
    detail = client.get(f"/api/v1/authors/{author_id}").json()
    assert [b["title"] for b in detail["books"]] == ["The Dispossessed"]

    patched = client.patch(f"/api/v1/books/{book['id']}", json={"year": 1975}, headers=member)
    assert patched.status_code == 200
    assert patched.json()["year"] == 1975
    assert query(database_path, "SELECT year FROM books WHERE id = ?", book["id"]) == [(1975,)]

    deleted = client.delete(f"/api/v1/books/{book['id']}", headers=admin)
    assert deleted.status_code == 204
    assert deleted.content == b""
    gone = client.get(f"/api/v1/books/{book['id']}")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"
    assert client.delete(f"/api/v1/authors/{author_id}", headers=admin).status_code == 204


def test_patch_changes_only_the_fields_sent(client: TestClient, member: dict[str, str]) -> None:
    author = add_author(client, member)
    book = add_book(client, member, author["id"], title="Draft", year=1999, summary="first")

    response = client.patch(
        f"/api/v1/books/{book['id']}", json={"title": "Final", "summary": None}, headers=member
    )
    assert response.status_code == 200
    changed = response.json()
    assert (changed["title"], changed["summary"], changed["year"]) == ("Final", None, 1999)
    assert changed["isbn"] == book["isbn"]
    assert changed["updated_at"] >= book["updated_at"]

    # Optional in PATCH, but not nullable: an explicit null is refused.
    refused = client.patch(f"/api/v1/books/{book['id']}", json={"title": None}, headers=member)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["loc"] == ["body", "title"]

    renamed = client.patch(
        f"/api/v1/authors/{author['id']}", json={"bio": "Wrote things"}, headers=member
    )
    assert renamed.json()["name"] == author["name"]
    assert renamed.json()["bio"] == "Wrote things"


def test_an_author_with_books_cannot_be_deleted(
    client: TestClient, member: dict[str, str], admin: dict[str, str]
) -> None:
    author = add_author(client, member)
    book = add_book(client, member, author["id"])

    refused = client.delete(f"/api/v1/authors/{author['id']}", headers=admin)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "author_has_books"

    assert client.delete(f"/api/v1/books/{book['id']}", headers=admin).status_code == 204
    assert client.delete(f"/api/v1/authors/{author['id']}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/authors/{author['id']}").status_code == 404
