"""The lowest floor: bare ASGI callables, no framework, for the scenarios where that is short.

What is left of a request's cost here is the driver's own overhead (building the scope,
receive and send) plus the unavoidable work (parsing, Pydantic validation, JSON encoding).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from pydantic import TypeAdapter

from benchmarks.apps.models import PRODUCTS, Order, Product

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

PRODUCT_LIST = TypeAdapter(list[Product])
JSON_HEADERS = [(b"content-type", b"application/json")]
TEXT_HEADERS = [(b"content-type", b"text/plain; charset=utf-8")]


async def send_body(send: Send, status: int, body: bytes, headers: list[Any]) -> None:
    length = (b"content-length", str(len(body)).encode())
    await send({"type": "http.response.start", "status": status, "headers": [length, *headers]})
    await send({"type": "http.response.body", "body": body})


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    await send_body(send, 200, b'{"message":"Hello, world"}', JSON_HEADERS)


async def read_item(scope: Scope, receive: Receive, send: Send) -> None:
    item_id = int(scope["path"].rsplit("/", 1)[1])
    query = parse_qs(scope["query_string"].decode("latin-1"))
    limit = int(query.get("limit", ["10"])[0])
    q = query.get("q", [None])[0]
    body = json.dumps({"item_id": item_id, "q": q, "limit": limit}, separators=(",", ":"))
    await send_body(send, 200, body.encode(), JSON_HEADERS)


async def create_order(scope: Scope, receive: Receive, send: Send) -> None:
    order = Order.model_validate_json(await read_body(receive))
    await send_body(send, 200, order.model_dump_json().encode(), JSON_HEADERS)


async def list_products(scope: Scope, receive: Receive, send: Send) -> None:
    products = PRODUCT_LIST.validate_python(PRODUCTS, from_attributes=True)
    await send_body(send, 200, PRODUCT_LIST.dump_json(products), JSON_HEADERS)


async def stream(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": TEXT_HEADERS})
    for index in range(100):
        chunk = b"chunk %03d\n" % index
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", "text": message["text"]})


ROUTES: dict[str, Callable[[Scope, Receive, Send], Awaitable[None]]] = {
    "/hello": hello,
    "/orders": create_order,
    "/products": list_products,
    "/stream": stream,
    "/ws": echo,
}


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    path = scope["path"]
    handler = ROUTES.get(path)
    if handler is None and path.startswith("/items/"):
        handler = read_item
    if handler is None:
        await send_body(send, 404, b'{"detail":"Not Found"}', JSON_HEADERS)
        return
    await handler(scope, receive, send)
