"""Adapters for the less common ways of running a route.

- `route_handler`: the `request -> response` coroutine `APIRoute.get_route_handler()` returns,
  so custom route classes that wrap it (timing, request-body decoding...) keep working.
- `handler_app`: serves a route whose class overrides `get_route_handler`, with FastAPI's
  exit-stack semantics around the handler.
- `standalone_route_app` / `standalone_router_core`: serve an APIRoute or an APIRouter that is
  used on its own, outside a Zephyr app (e.g. inside a plain Starlette router).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from zephyr._pipeline.connection import TELEMETRY_KEY, Connection
from zephyr._pipeline.errors import RESPONSE_NOT_SENT
from zephyr._pipeline.run import produce_response, run_http
from zephyr._pipeline.solve import Exits
from zephyr._pipeline.websocket import run_websocket
from zephyr.exceptions import FastAPIError

_EXITS_KEY = "zephyr.exits"


async def plan_response(
    plan: Any, conn: Connection, path_params: dict[str, Any], exits: Exits | None
) -> Response:
    """Run a plan up to its response object; with operation spans when the request is traced
    (as FastAPI's handlers time them), without importing telemetry otherwise."""
    if exits is not None and conn.scope.get(TELEMETRY_KEY) is not None:
        from zephyr.telemetry._run import traced_response

        return await traced_response(plan, conn, path_params, exits)
    return await produce_response(plan, conn, path_params, exits)


def has_custom_handler(route: Any) -> bool:
    """Return True when the route's class overrides `get_route_handler`."""
    from zephyr.routing import APIRoute

    return type(route).get_route_handler is not APIRoute.get_route_handler


def route_handler(route: Any) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    """Return a coroutine function running the route's plan for a Request."""
    from zephyr._pipeline.table import route_plan

    async def handler(request: Request) -> Response:
        overrides = _overrides_of(route)
        plan = route_plan(route, overrides)
        conn = Connection(request.scope, request.receive, request._send)
        conn.adopt(request)
        exits = request.scope.get(_EXITS_KEY)
        path_params = request.scope.get("path_params", {})
        return await plan_response(plan, conn, path_params, exits)

    return handler


def _overrides_of(route: Any) -> Any:
    provider = getattr(route, "dependency_overrides_provider", None)
    return getattr(provider, "dependency_overrides", None) or {}


def handler_app(route: Any) -> ASGIApp:
    """Serve a custom-handler route: exit stacks around the handler, response sent after."""
    handler = route.get_route_handler()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        exits = Exits()
        sent = False
        async with exits.request:
            async with exits.function:
                scope[_EXITS_KEY] = exits
                # Where FastAPI's handlers (and code written for them) put their exits.
                scope["fastapi_inner_astack"] = exits.request
                scope["fastapi_function_astack"] = exits.function
                response = await handler(request)
            await response(scope, receive, send)
            sent = True
        if not sent:
            raise FastAPIError(RESPONSE_NOT_SENT)

    return app


def standalone_route_app(route: Any) -> ASGIApp:
    """Serve one APIRoute or APIWebSocketRoute outside an app (no overrides)."""
    from zephyr._pipeline.handlers import handle_exception
    from zephyr._pipeline.table import route_plan
    from zephyr.routing import APIWebSocketRoute

    websocket = isinstance(route, APIWebSocketRoute)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        plan = route_plan(route, _overrides_of(route), websocket=websocket)
        path_params = scope.get("path_params", {})
        if websocket:
            await run_websocket(plan, scope, receive, send, path_params)
            return
        conn = Connection(scope, receive, send)
        try:
            await run_http(plan, conn, path_params)
        except Exception as exc:
            await handle_exception(conn, exc)

    return app


def standalone_router_core(router: Any) -> ASGIApp:
    """Serve an APIRouter on its own, with FastAPI's default exception handlers."""
    from starlette.exceptions import HTTPException

    from zephyr._pipeline.asgi import AppCore
    from zephyr.exception_handlers import (
        http_exception_handler,
        request_validation_exception_handler,
        websocket_request_validation_exception_handler,
    )
    from zephyr.exceptions import RequestValidationError, WebSocketRequestValidationError

    handlers: dict[Any, Any] = {
        HTTPException: http_exception_handler,
        RequestValidationError: request_validation_exception_handler,
        WebSocketRequestValidationError: websocket_request_validation_exception_handler,
    }
    # The router drops this core when its routes change, so no listener is needed.
    return AppCore(router, handlers, lambda: _overrides_of(router))
