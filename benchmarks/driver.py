"""Call an ASGI app directly, as uvicorn would, without a server or a socket.

Every framework gets the same scope (what uvicorn's httptools protocol builds), the same
`receive` and a `send` that either records (for checking answers) or discards (for timing).
The driver's own cost is part of every measurement; the bare-ASGI floor shows its size.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import Any

from benchmarks.scenarios import Expected, HttpRequest, Scenario

Message = dict[str, Any]
ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]

_ASGI = {"version": "3.0", "spec_version": "2.4"}
_SERVER = ("127.0.0.1", 8000)
_CLIENT = ("127.0.0.1", 50000)


def http_scope(request: HttpRequest) -> dict[str, Any]:
    """Return the scope uvicorn builds for `request` (without the per-request `state`)."""
    headers = [(b"host", b"127.0.0.1:8000")]
    headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers]
    if request.body:
        headers.append((b"content-length", str(len(request.body)).encode()))
    return {
        "type": "http",
        "asgi": _ASGI,
        "http_version": "1.1",
        "server": _SERVER,
        "client": _CLIENT,
        "scheme": "http",
        "method": request.method,
        "root_path": "",
        "path": request.path,
        "raw_path": request.path.encode(),
        "query_string": request.query.encode(),
        "headers": headers,
    }


def websocket_scope(path: str) -> dict[str, Any]:
    """Return the scope uvicorn builds for a WebSocket connection to `path`."""
    return {
        "type": "websocket",
        "asgi": _ASGI,
        "http_version": "1.1",
        "server": _SERVER,
        "client": _CLIENT,
        "scheme": "ws",
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"upgrade", b"websocket")],
        "subprotocols": [],
    }


class Exchange:
    """One HTTP request/response pair, with uvicorn's `receive` semantics.

    `receive` delivers the body once; after that it waits until the response is complete and
    then reports `http.disconnect`, as uvicorn does (Litestar's streams wait for it).
    `send` either discards messages (timing) or keeps them (checking).
    """

    __slots__ = ("_complete", "_delivered", "_waiter", "body", "messages")

    def __init__(self, body: bytes, record: bool = False) -> None:
        self.body = body
        self.messages: list[Message] | None = [] if record else None
        self._delivered = False
        self._complete = False
        self._waiter: asyncio.Future[None] | None = None

    async def receive(self) -> Message:
        if not self._delivered:
            self._delivered = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        if not self._complete:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        if self.messages is not None:
            self.messages.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            self._complete = True
            if self._waiter is not None and not self._waiter.done():
                self._waiter.set_result(None)


def websocket_receive(texts: tuple[str, ...]) -> Callable[[], Awaitable[Message]]:
    """Return a `receive` for a client that connects, sends `texts`, then disconnects."""
    messages: list[Message] = [{"type": "websocket.connect"}]
    messages += [{"type": "websocket.receive", "text": text} for text in texts]
    messages.append({"type": "websocket.disconnect", "code": 1000})
    queue = iter(messages)

    async def receive() -> Message:
        return next(queue)

    return receive


async def discard(message: Message) -> None:
    """A `send` that drops the message (timing runs of WebSocket conversations)."""


async def time_calls(app: ASGIApp, scenario: Scenario, count: int) -> float:
    """Return the seconds `count` sequential calls take."""
    if scenario.request is None:
        scope = websocket_scope("/ws")
        texts = scenario.ws_messages
        started = perf_counter()
        for _ in range(count):
            await app({**scope, "state": {}}, websocket_receive(texts), discard)
        return perf_counter() - started
    template = http_scope(scenario.request)
    body = scenario.request.body
    started = perf_counter()
    for _ in range(count):
        # A fresh scope per call (frameworks write into it), as a server builds one per request.
        exchange = Exchange(body)
        await app({**template, "state": {}}, exchange.receive, exchange.send)
    return perf_counter() - started


async def check(app: ASGIApp, scenario: Scenario, expected: Expected) -> str | None:
    """Run the scenario once; return what is wrong with the answer, or None."""
    messages: list[Message] = []
    try:
        if scenario.request is None:
            receive = websocket_receive(scenario.ws_messages)
            scope = {**websocket_scope("/ws"), "state": {}}
            await app(scope, receive, _recorder(messages))
            return check_websocket(messages, scenario.ws_messages)
        exchange = Exchange(scenario.request.body, record=True)
        scope = {**http_scope(scenario.request), "state": {}}
        await app(scope, exchange.receive, exchange.send)
    except Exception as exc:  # a crash is a wrong answer, reported like any other
        return f"raised {type(exc).__name__}: {exc}"
    return check_http(exchange.messages or [], expected)


def _recorder(messages: list[Message]) -> Callable[[Message], Awaitable[None]]:
    async def send(message: Message) -> None:
        messages.append(message)

    return send


def check_http(messages: list[Message], expected: Expected) -> str | None:
    """Compare recorded HTTP response messages with the expected answer."""
    starts = [m for m in messages if m["type"] == "http.response.start"]
    if len(starts) != 1:
        return f"expected one http.response.start, got {len(starts)}"
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return expected.mismatch(starts[0]["status"], body)


def check_websocket(messages: list[Message], texts: tuple[str, ...]) -> str | None:
    """Check a WebSocket conversation: accepted, then every text echoed in order."""
    if not messages or messages[0]["type"] != "websocket.accept":
        return f"first message {messages[:1]}, expected websocket.accept"
    echoed = [m.get("text") for m in messages[1:] if m["type"] == "websocket.send"]
    if echoed != list(texts):
        return f"echoed {len(echoed)} texts (first {echoed[:2]}), expected {len(texts)}"
    return None


class Lifespan:
    """An app's lifespan, run as a server runs it: startup before requests, shutdown at exit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.replies: asyncio.Queue[str] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        scope = {"type": "lifespan", "asgi": _ASGI, "state": {}}

        async def send(message: Message) -> None:
            await self.replies.put(message["type"])

        try:
            await self.app(scope, self.inbox.get, send)
        except Exception as exc:
            await self.replies.put(f"raised {exc!r}")
        await self.replies.put("returned")  # an app without lifespan support

    async def startup(self) -> None:
        """Send lifespan.startup and wait for the app's answer.

        Raises:
            RuntimeError: the app reported that its startup failed.
        """
        self.task = asyncio.get_running_loop().create_task(self._run())
        await self.inbox.put({"type": "lifespan.startup"})
        outcome = await self.replies.get()
        if outcome == "lifespan.startup.failed":
            raise RuntimeError("the app's lifespan startup failed")

    async def shutdown(self) -> None:
        """Send lifespan.shutdown (if the app took part in the protocol) and wait for the end."""
        if self.task is None or self.task.done():
            return
        await self.inbox.put({"type": "lifespan.shutdown"})
        await self.task
