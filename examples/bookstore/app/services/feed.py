"""The live feed: a set of connected WebSockets and a broadcast to all of them.

It lives in one process. With several worker processes each worker has its own clients;
broadcasting across them needs a shared channel (Redis pub/sub, PostgreSQL LISTEN/NOTIFY).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from pydantic import BaseModel

from zephyr.websockets import WebSocket, WebSocketState

logger = logging.getLogger("bookstore.feed")

# A client that takes longer than this to take a message is dropped, so that one slow
# reader cannot hold up the announcements to everyone else.
SEND_TIMEOUT_SECONDS = 5.0


class FeedHub:
    """Connected feed clients, and a way to announce an event to all of them."""

    def __init__(self) -> None:
        self._clients: set[WebSocket] = set()

    @property
    def client_count(self) -> int:
        """How many clients are connected."""
        return len(self._clients)

    async def connect(self, websocket: WebSocket) -> None:
        """Accept a client and start sending it events."""
        await websocket.accept()
        self._clients.add(websocket)

    def disconnect(self, websocket: WebSocket) -> None:
        """Stop sending events to a client."""
        self._clients.discard(websocket)

    async def publish(self, event: BaseModel) -> None:
        """Send `event` to every connected client, dropping those that fail."""
        message = event.model_dump_json()
        clients = list(self._clients)
        sends = (asyncio.wait_for(c.send_text(message), SEND_TIMEOUT_SECONDS) for c in clients)
        results = await asyncio.gather(*sends, return_exceptions=True)
        for client, result in zip(clients, results, strict=True):
            if isinstance(result, BaseException):
                logger.info("dropping a feed client: %r", result)
                self.disconnect(client)

    async def close(self) -> None:
        """Say goodbye to every client (at shutdown)."""
        for client in list(self._clients):
            if client.application_state == WebSocketState.CONNECTED:
                # RuntimeError: the connection ended meanwhile.
                with contextlib.suppress(RuntimeError):
                    await client.close(code=1001)  # "going away"
            self.disconnect(client)
