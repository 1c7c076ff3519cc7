"""The live feed: a WebSocket that announces new books as they are added.

Messages are JSON: `{"event": "subscribed"}` once connected, then `{"event": "book.created",
"book": {...}}` for each new book. Send the text `ping` to get `{"event": "pong"}` back.
"""

from __future__ import annotations

from zephyr import APIRouter, WebSocket, WebSocketDisconnect

from ..deps import FeedDep

router = APIRouter(tags=["feed"])


@router.websocket("/feed")
async def feed(websocket: WebSocket, hub: FeedDep) -> None:
    """Stream new-book announcements to this client until it goes away."""
    await hub.connect(websocket)
    try:
        await websocket.send_json({"event": "subscribed"})
        while True:
            # Reading is also how a closed connection is noticed.
            if await websocket.receive_text() == "ping":
                await websocket.send_json({"event": "pong"})
    except WebSocketDisconnect:
        pass
    finally:
        hub.disconnect(websocket)
