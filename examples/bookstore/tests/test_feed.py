"""The WebSocket feed announces new books to every connected client."""

from __future__ import annotations

from zephyr import FastAPI
from zephyr.testclient import TestClient

from .support import add_author, add_book


def test_new_books_are_announced_to_every_client(
    client: TestClient, app: FastAPI, member: dict[str, str]
) -> None:
    author = add_author(client, member, "N. K. Jemisin")
    with (
        client.websocket_connect("/api/v1/feed") as first,
        client.websocket_connect("/api/v1/feed") as second,
    ):
        assert first.receive_json() == {"event": "subscribed"}
        assert second.receive_json() == {"event": "subscribed"}
        assert app.state.feed.client_count == 2

        book = add_book(client, member, author["id"], "The Fifth Season", 2015)

        expected = {"event": "book.created", "book": book}
        assert first.receive_json() == expected
        assert second.receive_json() == expected

        first.send_text("ping")
        assert first.receive_json() == {"event": "pong"}
    # Both clients left; the hub forgot them.
    assert app.state.feed.client_count == 0


def test_updates_are_not_announced(client: TestClient, member: dict[str, str]) -> None:
    author = add_author(client, member)
    book = add_book(client, member, author["id"])
    with client.websocket_connect("/api/v1/feed") as feed:
        assert feed.receive_json() == {"event": "subscribed"}
        client.patch(f"/api/v1/books/{book['id']}", json={"year": 2001}, headers=member)
        second = add_book(client, member, author["id"], "Second")
        # The next message is the new book, not the update.
        assert feed.receive_json()["book"]["id"] == second["id"]
