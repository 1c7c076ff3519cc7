"""Cursor pagination: pages in order, no repeats, opaque cursors, bad cursors refused."""

from __future__ import annotations

from zephyr.testclient import TestClient

from .support import add_author, add_book


def walk(
    client: TestClient, path: str, limit: int, headers: dict[str, str] | None = None
) -> list[list[int]]:
    pages: list[list[int]] = []
    cursor: str | None = None
    separator = "&" if "?" in path else "?"
    while True:
        url = f"{path}{separator}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=headers).json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_cursor_walks_every_book_once(client: TestClient, member: dict[str, str]) -> None:
    author = add_author(client, member)
    ids = [add_book(client, member, author["id"], f"Book {n}")["id"] for n in range(5)]
    assert walk(client, "/api/v1/books", 2) == [ids[0:2], ids[2:4], ids[4:5]]
    assert walk(client, "/api/v1/books", 5) == [ids]
    assert walk(client, "/api/v1/books?title=Book%204", 1) == [ids[4:5]]


def test_rows_added_between_pages_are_not_skipped_or_repeated(
    client: TestClient, member: dict[str, str]
) -> None:
    author = add_author(client, member)
    first = [add_book(client, member, author["id"])["id"] for _ in range(3)]
    page = client.get("/api/v1/books?limit=2").json()
    later = add_book(client, member, author["id"])["id"]
    rest = client.get(f"/api/v1/books?limit=2&cursor={page['next_cursor']}").json()
    assert [b["id"] for b in page["items"] + rest["items"]] == [*first, later]


def test_bad_cursors_and_limits_are_422(client: TestClient) -> None:
    for cursor in ["nonsense!", "eyJ4IjoxfQ", "eyJhZnRlciI6IngifQ"]:  # junk, {"x":1}, {"after":"x"}
        response = client.get(f"/api/v1/books?cursor={cursor}")
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid_cursor"
    for limit in (0, 101):
        response = client.get(f"/api/v1/books?limit={limit}")
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["loc"] == ["query", "limit"]


def test_other_lists_page_too(
    client: TestClient, member: dict[str, str], admin: dict[str, str]
) -> None:
    ids = [add_author(client, member, f"Author {n}")["id"] for n in range(3)]
    assert walk(client, "/api/v1/authors", 2) == [ids[:2], ids[2:]]
    users = walk(client, "/api/v1/users", 1, admin)
    assert len(users) == 2  # mia and admin
    # The audit trail pages newest first.
    audit = client.get("/api/v1/audit?limit=2", headers=admin).json()
    assert [r["entity_id"] for r in audit["items"]] == [ids[2], ids[1]]
    older = client.get(f"/api/v1/audit?limit=10&cursor={audit['next_cursor']}", headers=admin)
    assert [r["action"] for r in older.json()["items"]] == ["author.created", "user.created"]
