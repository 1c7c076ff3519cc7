"""Reading the catalogue: filters by author, title and year; authors with their books."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from zephyr import FastAPI
from zephyr.testclient import TestClient

from .support import add_author, add_book


def titles(client: TestClient, query: str) -> list[str]:
    response = client.get(f"/api/v1/books?{query}")
    assert response.status_code == 200, response.text
    return [book["title"] for book in response.json()["items"]]


def test_filters(client: TestClient, member: dict[str, str]) -> None:
    lem = add_author(client, member, "Stanisław Lem")
    butler = add_author(client, member, "Octavia E. Butler")
    add_book(client, member, lem["id"], "Solaris", 1961)
    add_book(client, member, lem["id"], "The Cyberiad", 1965)
    add_book(client, member, butler["id"], "Kindred", 1979)
    add_book(client, member, butler["id"], "100% Parable_of the Sower", 1993)

    assert titles(client, f"author_id={lem['id']}") == ["Solaris", "The Cyberiad"]
    assert titles(client, "title=SOL") == ["Solaris"]
    assert titles(client, "title=r") == [
        "Solaris",
        "The Cyberiad",
        "Kindred",
        "100% Parable_of the Sower",
    ]
    # LIKE wildcards in the search text are taken literally.
    assert titles(client, "title=%25") == ["100% Parable_of the Sower"]
    assert titles(client, "title=e_o") == ["100% Parable_of the Sower"]
    assert titles(client, "year_from=1965&year_to=1979") == ["The Cyberiad", "Kindred"]
    assert titles(client, "year_to=1964") == ["Solaris"]
    assert titles(client, f"author_id={butler['id']}&year_from=1980") == [
        "100% Parable_of the Sower"
    ]
    assert titles(client, "author_id=9999") == []
    assert client.get("/api/v1/books?year_from=soon").status_code == 422


def test_author_search_and_detail(client: TestClient, member: dict[str, str]) -> None:
    lem = add_author(client, member, "Stanisław Lem")
    add_author(client, member, "Octavia E. Butler")
    add_book(client, member, lem["id"], "Solaris", 1961)
    add_book(client, member, lem["id"], "Fiasco", 1986)

    found = client.get("/api/v1/authors?name=lem").json()["items"]
    assert [author["name"] for author in found] == ["Stanisław Lem"]
    detail = client.get(f"/api/v1/authors/{lem['id']}").json()
    assert [(b["title"], b["year"]) for b in detail["books"]] == [
        ("Solaris", 1961),
        ("Fiasco", 1986),
    ]
    assert set(detail) == {"id", "name", "bio", "created_at", "updated_at", "books"}


def test_related_rows_are_loaded_with_selectinload(
    client: TestClient, app: FastAPI, member: dict[str, str]
) -> None:
    """Each list or detail costs two SELECTs however many rows: no N+1, no JOIN."""
    authors = [add_author(client, member, f"Author {n}") for n in range(3)]
    for author in authors:
        add_book(client, member, author["id"], f"First by {author['name']}")
        add_book(client, member, author["id"], f"Second by {author['name']}")

    selects: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(" ".join(statement.split()))

    engine = app.state.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        books = client.get("/api/v1/books").json()["items"]
        listed = list(selects)
        selects.clear()
        detail = client.get(f"/api/v1/authors/{authors[1]['id']}").json()
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert {book["author"]["name"] for book in books} == {a["name"] for a in authors}
    # The books, then all their authors at once: selectinload's "WHERE id IN (...)".
    assert len(listed) == 2, listed
    assert "FROM books" in listed[0] and "JOIN" not in listed[0]
    assert "FROM authors WHERE authors.id IN" in listed[1]

    assert [book["title"] for book in detail["books"]] == [
        "First by Author 1",
        "Second by Author 1",
    ]
    assert len(selects) == 2, selects
    assert "FROM books WHERE books.author_id IN" in selects[1]
