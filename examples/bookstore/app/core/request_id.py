"""Request ids: taken from (or written to) `X-Request-ID`, kept in a contextvar for the logs.

A pure ASGI middleware rather than `BaseHTTPMiddleware`: it adds the header without buffering
the response, and covers WebSocket connections too.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
# What we accept from clients: anything else (too long, spaces, newlines) could forge or
# garble log lines, so it is replaced by a fresh id.
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
access_logger = logging.getLogger("bookstore.access")


def current_request_id() -> str | None:
    """Return the id of the request being handled, if any."""
    return request_id_var.get()


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            return candidate if _VALID.fullmatch(candidate) else None
    return None


class RequestIdMiddleware:
    """Give every request an id, echo it in the response and log one access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        # Also on the scope's state, for handlers that run after this middleware has returned
        # (the 500 handler runs in Starlette's outermost middleware).
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                access_logger.info(
                    "%s %s %s %.1fms",
                    scope["method"],
                    scope["path"],
                    status or 500,
                    (time.perf_counter() - started) * 1000,
                )
            request_id_var.reset(token)
