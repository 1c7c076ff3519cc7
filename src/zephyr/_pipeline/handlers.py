"""Exception handlers: lookup by status code then by class, and answering with them.

The same rules as Starlette's ExceptionMiddleware (which a Zephyr app does not use): an
HTTPException is first looked up by its status code, then every exception by its class's MRO;
no handler means the exception propagates (to ServerErrorMiddleware: a 500).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette._exception_handler import wrap_app_handling_exceptions
from starlette._utils import is_async_callable
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.exceptions import WebSocketException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from zephyr._pipeline.connection import Connection

ExceptionHandlers = dict[Any, Callable[..., Any]]
HandlerTables = tuple[ExceptionHandlers, dict[int, Callable[..., Any]]]


async def _plain_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's default for HTTPException, used when the app registers none."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=exc.headers)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)


async def _close_websocket(websocket: WebSocket, exc: Exception) -> None:
    assert isinstance(exc, WebSocketException)
    await websocket.close(code=exc.code, reason=exc.reason)


def handler_tables(handlers: Mapping[Any, Callable[..., Any]]) -> HandlerTables:
    """Split handlers into (by exception class, by status code), over Starlette's defaults."""
    by_class: ExceptionHandlers = {
        StarletteHTTPException: _plain_http_exception,
        WebSocketException: _close_websocket,
    }
    by_status: dict[int, Callable[..., Any]] = {}
    for key, handler in handlers.items():
        if isinstance(key, int):
            by_status[key] = handler
        else:
            by_class[key] = handler
    return by_class, by_status


def find_handler(tables: HandlerTables, exc: Exception) -> Callable[..., Any] | None:
    """Return the handler for `exc`: by status code first, then by the closest class."""
    by_class, by_status = tables
    if isinstance(exc, StarletteHTTPException):
        handler = by_status.get(exc.status_code)
        if handler is not None:
            return handler
    for cls in type(exc).__mro__:
        if cls in by_class:
            return by_class[cls]
    return None


async def handle_exception(conn: Connection, exc: Exception) -> None:
    """Answer with the app's handler for `exc`, or re-raise it (Starlette's rules)."""
    tables = conn.scope.get("starlette.exception_handlers")
    handler = find_handler(tables, exc) if tables is not None else None
    if handler is None:
        raise exc
    if conn.started:
        raise RuntimeError("Caught handled exception, but response already started.") from exc
    request = conn.request
    if is_async_callable(handler):
        response = await handler(request, exc)
    else:
        response = await run_in_threadpool(handler, request, exc)
    if response is not None:
        await response(conn.scope, conn.receive, conn.send)
    # A reused exception instance would otherwise keep growing its traceback.
    exc.__traceback__ = None


async def guarded(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app` with the app's exception handlers, as Starlette's ExceptionMiddleware does."""
    conn: Request | WebSocket
    conn = (
        Request(scope, receive, send)
        if scope["type"] == "http"
        else WebSocket(scope, receive, send)
    )
    await wrap_app_handling_exceptions(app, conn)(scope, receive, send)
