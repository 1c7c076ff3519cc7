"""The WebSocket endpoints receive behaves exactly like Starlette's, state by state.

Each script drives both classes with the same ASGI messages and compares what came back, what
was raised, what was sent and the final states.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from starlette.types import Message
from starlette.websockets import WebSocket

from zephyr._pipeline.wsconn import ConnectedWebSocket

pytestmark = pytest.mark.anyio

SCOPE = {"type": "websocket", "path": "/ws", "headers": [], "query_string": b""}
CONNECT = {"type": "websocket.connect"}
TEXT = {"type": "websocket.receive", "text": '{"a": 1}'}
BYTES = {"type": "websocket.receive", "bytes": b'{"b": 2}'}
DISCONNECT = {"type": "websocket.disconnect", "code": 1001, "reason": "gone"}
ODD = {"type": "websocket.connect"}

Script = Callable[[WebSocket], Awaitable[Any]]


async def accept_then(ws: WebSocket, *calls: str) -> list[Any]:
    await ws.accept()
    return [await getattr(ws, name)() for name in calls]


SCRIPTS: dict[str, tuple[list[Message], Script]] = {
    "text": ([CONNECT, TEXT], lambda ws: accept_then(ws, "receive_text")),
    "bytes": ([CONNECT, BYTES], lambda ws: accept_then(ws, "receive_bytes")),
    "json": ([CONNECT, TEXT], lambda ws: accept_then(ws, "receive_json")),
    "text frame read as bytes": ([CONNECT, TEXT], lambda ws: accept_then(ws, "receive_bytes")),
    "disconnect": ([CONNECT, DISCONNECT], lambda ws: accept_then(ws, "receive_text")),
    "after disconnect": (
        [CONNECT, DISCONNECT],
        lambda ws: accept_then(ws, "receive_text", "receive_text"),
    ),
    "unexpected message": ([CONNECT, ODD], lambda ws: accept_then(ws, "receive_text")),
    "before accept": ([CONNECT, TEXT], lambda ws: ws.receive_text()),
}


async def iter_text(ws: WebSocket) -> list[str]:
    await ws.accept()
    return [text async for text in ws.iter_text()]


async def json_binary(ws: WebSocket) -> Any:
    await ws.accept()
    return await ws.receive_json(mode="binary")


async def bad_mode(ws: WebSocket) -> Any:
    await ws.accept()
    return await ws.receive_json(mode="yaml")


async def sends(ws: WebSocket) -> None:
    await ws.accept()
    await ws.send_text("hi")
    await ws.send_bytes(b"hi")
    await ws.send_json({"x": "é"})
    await ws.send_json([1], mode="binary")
    await ws.close(1000)
    await ws.send_text("after close")


async def send_before_accept(ws: WebSocket) -> None:
    await ws.send_text("too early")


SCRIPTS["iter_text to the end"] = ([CONNECT, TEXT, TEXT, DISCONNECT], iter_text)
SCRIPTS["json binary"] = ([CONNECT, BYTES], json_binary)
SCRIPTS["json bad mode"] = ([CONNECT, TEXT], bad_mode)
SCRIPTS["sends, then after close"] = ([CONNECT], sends)
SCRIPTS["send before accept"] = ([CONNECT], send_before_accept)


async def run(cls: type[WebSocket], messages: list[Message], script: Script) -> dict[str, Any]:
    incoming = list(messages)
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    ws = cls(dict(SCOPE), receive, send)
    try:
        result = await script(ws)
        outcome: Any = ("returned", result)
    except Exception as exc:
        outcome = ("raised", type(exc), str(exc), getattr(exc, "code", None))
    return {
        "outcome": outcome,
        "sent": sent,
        "client": ws.client_state,
        "application": ws.application_state,
    }


@pytest.mark.parametrize("name", sorted(SCRIPTS))
async def test_behaves_like_starlettes_websocket(name: str) -> None:
    messages, script = SCRIPTS[name]
    assert await run(ConnectedWebSocket, messages, script) == await run(WebSocket, messages, script)


async def test_a_broken_connection_on_send_is_a_disconnect_with_code_1006() -> None:
    async def receive() -> Message:
        return CONNECT

    async def send(message: Message) -> None:
        if message["type"] == "websocket.send":
            raise OSError("connection reset")

    for cls in (WebSocket, ConnectedWebSocket):
        ws = cls(dict(SCOPE), receive, send)
        await ws.accept()
        with pytest.raises(Exception) as caught:
            await ws.send_text("lost")
        assert type(caught.value).__name__ == "WebSocketDisconnect"
        assert caught.value.code == 1006  # type: ignore[attr-defined]
