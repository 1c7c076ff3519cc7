"""Endpoints that `yield`: JSON Lines, Server-Sent Events and raw chunk streams."""

import json
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import anyio
import httpx
import pytest
from pydantic import BaseModel

from zephyr import Depends, FastAPI, Response
from zephyr.exceptions import ResponseValidationError
from zephyr.responses import StreamingResponse
from zephyr.sse import EventSourceResponse, ServerSentEvent, format_sse_event
from zephyr.testclient import TestClient


class Item(BaseModel):
    name: str
    price: float


def test_async_generator_streams_json_lines_validated_against_the_item_type() -> None:
    app = FastAPI()

    @app.get("/items")
    async def items() -> AsyncIterator[Item]:
        yield Item(name="a", price=1)
        yield {"name": "b", "price": "2.5"}  # type: ignore[misc]  # validated into an Item

    response = TestClient(app).get("/items")
    assert response.headers["content-type"] == "application/jsonl"
    assert response.content == b'{"name":"a","price":1.0}\n{"name":"b","price":2.5}\n'


def test_sync_generator_without_item_type_uses_json_dumps_spacing() -> None:
    app = FastAPI()

    @app.get("/rows")
    def rows() -> Iterator[dict[str, Any]]:
        yield {"n": 1, "nan": float("nan")}
        yield {"é": [1, 2]}

    # Bare Iterator items are not validated; they are encoded like FastAPI does, with
    # json.dumps defaults (spaces, ASCII escapes, NaN as null).
    app_untyped = FastAPI()

    @app_untyped.get("/rows")
    def untyped():  # type: ignore[no-untyped-def]
        yield {"n": 1, "nan": float("nan")}
        yield {"é": [1, 2]}

    lines = TestClient(app_untyped).get("/rows").content.splitlines()
    assert lines == [b'{"n": 1, "nan": null}', b'{"\\u00e9": [1, 2]}']
    typed = TestClient(app).get("/rows").content.splitlines()
    assert json.loads(typed[1]) == {"é": [1, 2]}


def test_an_invalid_streamed_item_raises_response_validation_error() -> None:
    app = FastAPI()

    @app.get("/items")
    async def items() -> AsyncIterator[Item]:
        yield {"name": "ok", "price": 1}  # type: ignore[misc]
        yield {"name": "bad"}  # type: ignore[misc]

    with pytest.raises(ResponseValidationError) as caught:
        TestClient(app).get("/items")
    assert caught.value.errors()[0]["loc"] == ("response", "price")


def test_status_code_and_response_parameter_apply_to_streams() -> None:
    app = FastAPI()

    def tag(response: Response) -> None:
        # Set before the stream starts: the generator's own code runs only while sending.
        response.headers["x-job"] = "1"

    @app.post("/jobs", status_code=202, dependencies=[Depends(tag)])
    async def jobs() -> AsyncIterator[int]:
        yield 1

    result = TestClient(app).post("/jobs")
    assert result.status_code == 202
    assert result.headers["x-job"] == "1"
    assert result.content == b"1\n"


def test_sse_events_and_plain_items() -> None:
    app = FastAPI()

    @app.post("/events", response_class=EventSourceResponse)
    async def events() -> AsyncIterator[Any]:
        yield {"n": 1}
        yield ServerSentEvent(data="hi", event="greet", id="7", retry=1000)
        yield ServerSentEvent(raw_data="line1\nline2", comment="two lines")

    response = TestClient(app).post("/events")  # SSE works with any method
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    assert response.content == (
        b'data: {"n":1}\n\n'
        b'event: greet\ndata: "hi"\nid: 7\nretry: 1000\n\n'
        b": two lines\ndata: line1\ndata: line2\n\n"
    )


def test_idle_sse_stream_gets_keepalive_comments(monkeypatch: pytest.MonkeyPatch) -> None:
    from zephyr import routing

    monkeypatch.setattr(routing, "_PING_INTERVAL", 0.05)
    app = FastAPI()

    @app.get("/slow", response_class=EventSourceResponse)
    async def slow() -> AsyncIterator[str]:
        await anyio.sleep(0.2)
        yield "done"

    body = TestClient(app).get("/slow").content
    assert body.startswith(b": ping\n\n")
    assert body.endswith(b'data: "done"\n\n')


def test_format_sse_event_splits_multiline_fields() -> None:
    assert format_sse_event(data_str="a\r\nb", comment="c") == b": c\ndata: a\ndata: b\n\n"
    with pytest.raises(ValueError, match="single line"):
        ServerSentEvent(event="a\nb")


def test_generator_with_explicit_response_class_streams_raw_chunks() -> None:
    app = FastAPI()

    @app.get("/bytes", response_class=StreamingResponse)
    async def chunks() -> AsyncIterator[bytes]:
        for part in (b"ab", b"cd"):
            yield part

    assert TestClient(app).get("/bytes").content == b"abcd"


@pytest.mark.anyio
async def test_client_disconnect_stops_the_stream_and_runs_dependency_cleanup() -> None:
    events: list[str] = []
    app = FastAPI()

    async def resource() -> AsyncIterator[str]:
        events.append("open")
        try:
            yield "db"
        finally:
            events.append("closed")

    @app.get("/forever")
    async def forever(db: Annotated[str, Depends(resource)]) -> AsyncIterator[int]:
        number = 0
        try:
            while True:
                number += 1
                yield number
                await anyio.sleep(0.01)
        finally:
            events.append("generator stopped")

    received = []
    disconnected = anyio.Event()

    async def receive() -> dict[str, Any]:
        await disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        received.append(message)
        if message["type"] == "http.response.body" and len(received) >= 4:
            disconnected.set()

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/forever",
        "query_string": b"",
        "headers": [],
        "root_path": "",
        "scheme": "http",
        "server": ("test", 80),
        "http_version": "1.1",
    }
    with anyio.fail_after(5):
        await app(scope, receive, send)
    assert events == ["open", "generator stopped", "closed"]


def test_streaming_is_not_buffered_by_pure_asgi_middleware() -> None:
    app = FastAPI()
    seen_bodies: list[bytes] = []

    class Recorder:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            async def record(message: Any) -> None:
                if message["type"] == "http.response.body":
                    seen_bodies.append(message.get("body", b""))
                await send(message)

            await self.inner(scope, receive, record)

    app.add_middleware(Recorder)

    @app.get("/n")
    async def numbers() -> AsyncIterator[int]:
        for number in range(3):
            yield number

    assert TestClient(app).get("/n").content == b"0\n1\n2\n"
    assert [body for body in seen_bodies if body] == [b"0\n", b"1\n", b"2\n"]


def test_httpx_async_client_reads_a_stream_incrementally() -> None:
    app = FastAPI()

    @app.get("/n")
    async def numbers() -> AsyncIterator[int]:
        for number in range(3):
            yield number

    async def main() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            async with client.stream("GET", "/n") as response:
                return [line async for line in response.aiter_lines()]

    assert anyio.run(main) == ["0", "1", "2"]
