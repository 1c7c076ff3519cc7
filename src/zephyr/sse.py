"""Server-Sent Events: `EventSourceResponse`, `ServerSentEvent` and the wire format.

Use `response_class=EventSourceResponse` on a path operation that `yield`s: each yielded
`ServerSentEvent` is written as one event; any other value is JSON-encoded (validated against
the return annotation's item type, when there is one) and sent as its `data:` field. Idle
streams get a keep-alive comment every `_PING_INTERVAL` seconds. Works with any HTTP method.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, model_validator
from starlette.responses import StreamingResponse

__all__ = ["KEEPALIVE_COMMENT", "EventSourceResponse", "ServerSentEvent", "format_sse_event"]

# The event schema the OpenAPI 3.2 specification gives for text/event-stream.
_SSE_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "data": {"type": "string"},
        "event": {"type": "string"},
        "id": {"type": "string"},
        "retry": {"type": "integer", "minimum": 0},
    },
}

# A comment line: ignored by EventSource clients, keeps proxies from closing idle streams.
KEEPALIVE_COMMENT = b": ping\n\n"

# Seconds of silence before a keep-alive comment is sent (the default of
# `zephyr.routing._PING_INTERVAL`, which is what streams read).
_PING_INTERVAL: float = 15.0


class EventSourceResponse(StreamingResponse):
    """A `text/event-stream` response; as `response_class`, it turns `yield` into SSE."""

    media_type = "text/event-stream"


def _single_line(value: str | None, name: str) -> str | None:
    if value is not None and ("\r" in value or "\n" in value):
        raise ValueError(f"SSE '{name}' must be a single line")
    return value


def _valid_event(value: str | None) -> str | None:
    return _single_line(value, "event")


def _valid_id(value: str | None) -> str | None:
    if value is not None and "\0" in value:
        raise ValueError("SSE 'id' must not contain null characters")
    return _single_line(value, "id")


class ServerSentEvent(BaseModel):
    """One event of an event stream.

    Attributes:
        data: The payload, always JSON-encoded (a string is sent quoted).
        raw_data: A payload sent as-is, without JSON encoding (exclusive with `data`).
        event: The event type (`addEventListener(event, ...)` in browsers); one line.
        id: The event id, sent back by browsers as `Last-Event-ID` when they reconnect.
        retry: The reconnection delay, in milliseconds.
        comment: Comment line(s), ignored by clients.
    """

    data: Any = None
    raw_data: str | None = None
    event: Annotated[str | None, AfterValidator(_valid_event)] = None
    id: Annotated[str | None, AfterValidator(_valid_id)] = None
    retry: Annotated[int | None, Field(ge=0)] = None
    comment: str | None = None

    @model_validator(mode="after")
    def _data_or_raw_data(self) -> ServerSentEvent:
        if self.data is not None and self.raw_data is not None:
            raise ValueError(
                "Cannot set both 'data' and 'raw_data' on the same ServerSentEvent: use "
                "'data' for a JSON payload or 'raw_data' for preformatted text."
            )
        return self


def _lines(value: str) -> list[str]:
    """Split on the line terminators SSE recognises (\\r\\n, \\r, \\n), keeping empty lines."""
    return value.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def format_sse_event(
    *,
    data_str: str | None = None,
    event: str | None = None,
    id: str | None = None,
    retry: int | None = None,
    comment: str | None = None,
) -> bytes:
    """Return one event in the SSE wire format, ending with the blank line that ends it.

    Args:
        data_str: The already serialised payload (one `data:` line per line of it).
        event: The event type.
        id: The event id.
        retry: The reconnection delay in milliseconds.
        comment: Comment text (one `:` line per line of it).
    """
    lines = [f": {line}" for line in _lines(comment)] if comment is not None else []
    if event is not None:
        lines.append(f"event: {event}")
    if data_str is not None:
        lines.extend(f"data: {line}" for line in _lines(data_str))
    if id is not None:
        lines.append(f"id: {id}")
    if retry is not None:
        lines.append(f"retry: {retry}")
    # Two empty entries: the last line's terminator and the blank line that ends the event.
    return "\n".join([*lines, "", ""]).encode("utf-8")
