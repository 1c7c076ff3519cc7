"""The WebSocket object endpoints receive: Starlette's, with a short path for open connections.

Every `receive_text()`/`send_text()` of Starlette's `WebSocket` walks its state machine through
two coroutine layers. While both sides are connected the answer is always the same, so these
methods go straight to the ASGI `receive`/`send` then, and leave every other state (and every
unexpected message) to Starlette's code, which raises exactly what it always raises. It is a
subclass, so `isinstance(websocket, WebSocket)` and every other method are Starlette's.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Message
from starlette.websockets import (
    WebSocket,
    WebSocketDisconnect,
    WebSocketDisconnected,
    WebSocketState,
)

_CONNECTED = WebSocketState.CONNECTED
_DISCONNECTED = WebSocketState.DISCONNECTED


class ConnectedWebSocket(WebSocket):
    """Starlette's WebSocket; data frames skip the state machine while the connection is open."""

    async def _receive_data(self) -> Message:
        """Receive the next data message of an open connection (a disconnect raises)."""
        if self.client_state is _CONNECTED and self.application_state is _CONNECTED:
            message = await self._receive()
            if message["type"] == "websocket.receive":
                return message
            return self._settle(message)
        if self.application_state is not _CONNECTED:
            raise WebSocketDisconnected('WebSocket is not connected. Need to call "accept" first.')
        message = await self.receive()
        self._raise_on_disconnect(message)
        return message

    def _settle(self, message: Message) -> Message:
        """Apply Starlette's rules to a message other than data, read in the connected state."""
        message_type = message["type"]
        if message_type == "websocket.disconnect":
            self.client_state = _DISCONNECTED
            raise WebSocketDisconnect(message["code"], message.get("reason"))
        raise RuntimeError(
            'Expected ASGI message "websocket.receive" or "websocket.disconnect", '
            f"but got {message_type!r}"
        )

    async def _send_data(self, message: Message) -> None:
        if self.application_state is not _CONNECTED:
            await self.send(message)  # Starlette's errors for every other state
            return
        try:
            await self._send(message)
        except OSError:
            self.application_state = _DISCONNECTED
            raise WebSocketDisconnect(code=1006) from None

    # PERF: WebSocket echo — the six data methods below take the short path.

    async def receive_text(self) -> str:
        text: str = (await self._receive_data())["text"]
        return text

    async def receive_bytes(self) -> bytes:
        data: bytes = (await self._receive_data())["bytes"]
        return data

    async def receive_json(self, mode: str = "text") -> Any:
        if mode not in {"text", "binary"}:
            raise RuntimeError('The "mode" argument should be "text" or "binary".')
        message = await self._receive_data()
        return json.loads(message["text"] if mode == "text" else message["bytes"].decode())

    async def send_text(self, data: str) -> None:
        await self._send_data({"type": "websocket.send", "text": data})

    async def send_bytes(self, data: bytes) -> None:
        await self._send_data({"type": "websocket.send", "bytes": data})

    async def send_json(self, data: Any, mode: str = "text") -> None:
        if mode not in {"text", "binary"}:
            raise RuntimeError('The "mode" argument should be "text" or "binary".')
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if mode == "text":
            await self._send_data({"type": "websocket.send", "text": text})
        else:
            await self._send_data({"type": "websocket.send", "bytes": text.encode("utf-8")})
