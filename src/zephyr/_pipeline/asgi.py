"""(1) The innermost ASGI app: scope-type switch, route lookup, 404/405/redirect, run(plan).

It sits where Starlette's ExceptionMiddleware and Router sit in a FastAPI app (inside the
user's middleware) and does their jobs: it publishes the exception handlers in the scope,
finds the route in the compiled table, runs the route's plan, and turns exceptions into
responses with the app's handlers. Compilation happens on first use and again after any
route or dependency-override change.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette._exception_handler import wrap_app_handling_exceptions
from starlette._utils import get_route_path, is_async_callable
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.exceptions import WebSocketException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketClose

from zephyr._pipeline.limits import with_body_limit
from zephyr._pipeline.plan import EndpointPlan
from zephyr._pipeline.router import CompiledRouter, RouteEntry, RouteKind, RouteMatch
from zephyr._pipeline.run import (
    FORM_LIMITS_KEY,
    Connection,
    run_dependencies_then,
    run_http,
    run_websocket,
)
from zephyr._routing.frontend import relative_path, specificity

ExceptionHandlers = dict[Any, Callable[..., Any]]
HandlerTables = tuple[ExceptionHandlers, dict[int, Callable[..., Any]]]


@dataclass(frozen=True, slots=True)
class Target:
    """What a route table entry runs: a plan, a custom handler app, or a Starlette route."""

    route: BaseRoute
    plan: EndpointPlan | None = None
    app: ASGIApp | None = None


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


async def serve_plan(
    plan: EndpointPlan, scope: Scope, receive: Receive, send: Send, path_params: dict[str, Any]
) -> None:
    """Run a plan for an HTTP request, answering exceptions with the app's handlers."""
    conn = Connection(scope, receive, send)
    try:
        await run_http(plan, conn, path_params)
    except Exception as exc:
        await handle_exception(conn, exc)


def limited_plan_app(plan: EndpointPlan) -> ASGIApp:
    """Return an ASGI app running `plan` behind its route's body limit."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await serve_plan(plan, scope, receive, send, scope.get("path_params", {}))

    return with_body_limit(app, plan.max_body_size)


class AppCore:
    """Route table + plan runner + exception handling for one application or router."""

    def __init__(
        self,
        router: Any,
        handlers: Mapping[Any, Callable[..., Any]],
        overrides: Callable[[], Mapping[Any, Any]],
    ) -> None:
        self.router = router
        self.tables = handler_tables(handlers)
        self._overrides = overrides
        self._table: CompiledRouter | None = None
        self._routes: list[BaseRoute] | None = None
        self._frontends: list[tuple[Any, EndpointPlan | None]] = []

    def invalidate_routes(self) -> None:
        """Forget the flattened routes and the table (a route or router changed)."""
        self._routes = None
        self._table = None

    def invalidate_plans(self) -> None:
        """Forget the table (dependency overrides changed); routes stay flattened."""
        self._table = None

    def effective_routes(self) -> list[BaseRoute]:
        """The app's routes as served, included routers flattened (cached)."""
        if self._routes is None:
            from zephyr._routing.flatten import effective_routes

            self._routes = effective_routes(self.router, None, None)
        return self._routes

    def table(self) -> CompiledRouter:
        """The compiled route table (compiled now if needed)."""
        if self._table is None:
            from zephyr._pipeline.table import compile_frontends, compile_table

            overrides = self._overrides()
            self._frontends = compile_frontends(self.router, overrides)
            self._table = compile_table(
                self.effective_routes(), overrides, self.router.redirect_slashes
            )
        return self._table

    def _frontend_for(self, scope: Scope) -> tuple[Any, EndpointPlan | None, str, bool] | None:
        """Pick the most specific frontend for the path: GET/HEAD first, then any method."""
        if not self._frontends:
            return None
        route_path = get_route_path(scope)
        best: dict[bool, tuple[int, Any, EndpointPlan | None, str]] = {}
        for served, plan in self._frontends:
            relative = relative_path(served.path, route_path)
            if relative is None:
                continue
            full = scope["method"] in ("GET", "HEAD")
            rank = specificity(served.path)
            if full not in best or rank > best[full][0]:
                best[full] = (rank, served, plan, relative)
        chosen = best.get(True) or best.get(False)
        if chosen is None:
            return None
        return chosen[1], chosen[2], chosen[3], True in best

    async def _serve_frontend(
        self,
        served: Any,
        plan: EndpointPlan | None,
        relative: str,
        full: bool,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        files = served.frontend.files

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            conn = Connection(scope, receive, send)
            try:
                if plan is not None and full:
                    await run_dependencies_then(
                        plan, conn, lambda: files.response_for(relative, scope)
                    )
                else:
                    response = await files.response_for(relative, scope)
                    await response(scope, receive, conn.send)
            except Exception as exc:
                await handle_exception(conn, exc)

        await with_body_limit(app, served.max_body_size)(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(scope, receive, send)
            return
        scope["starlette.exception_handlers"] = self.tables
        if "router" not in scope:
            scope["router"] = self.router
        if self.router.form_limits:
            inherited = scope.get(FORM_LIMITS_KEY)
            limits = self.router.form_limits
            scope[FORM_LIMITS_KEY] = {**inherited, **limits} if inherited else limits
        table = self._table or self.table()
        match = table.lookup(scope)
        if match is None:
            await self._no_match(table, scope, receive, send)
        elif match.child_scope is not None:
            if isinstance(match.entry.target, Target):
                scope.update(match.child_scope)  # a custom route's own matching
                match.path_params = match.child_scope.get("path_params", {})
                await (self._http if kind == "http" else self._websocket)(
                    match, scope, receive, send
                )
            else:
                await self._delegate(match, scope, receive, send)
        elif kind == "http":
            await self._http(match, scope, receive, send)
        else:
            await self._websocket(match, scope, receive, send)

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the ASGI lifespan protocol around the router's lifespan context.

        Routes are compiled before startup completes, so a broken route stops the server from
        starting (with the traceback in "lifespan.startup.failed") instead of failing its
        first request.
        """
        started = False
        await receive()  # lifespan.startup
        try:
            self.table()
            async with self.router.lifespan_context(scope.get("app")) as state:
                if state is not None:
                    if "state" not in scope:
                        raise RuntimeError(
                            'The server does not support "state" in the lifespan scope.'
                        )
                    scope["state"].update(state)
                await send({"type": "lifespan.startup.complete"})
                started = True
                await receive()  # lifespan.shutdown
        except BaseException:
            failed = "lifespan.shutdown.failed" if started else "lifespan.startup.failed"
            await send({"type": failed, "message": traceback.format_exc()})
            raise
        await send({"type": "lifespan.shutdown.complete"})

    async def _http(self, match: RouteMatch, scope: Scope, receive: Receive, send: Send) -> None:
        target: Target = match.entry.target  # type: ignore[assignment]
        route = target.route
        # FastAPI 0.165 exposes the route as declared, also when served through an include.
        scope["route"] = getattr(route, "original_route", route)
        scope["endpoint"] = getattr(route, "endpoint", None)
        scope["path_params"] = match.path_params
        plan = target.plan
        if plan is None or not match.full:
            await self._starlette_route(target, scope, receive, send)
        elif target.app is not None:
            await target.app(scope, receive, send)  # the plan behind its body limit
        else:
            await serve_plan(plan, scope, receive, send, match.path_params)

    async def _websocket(
        self, match: RouteMatch, scope: Scope, receive: Receive, send: Send
    ) -> None:
        target: Target = match.entry.target  # type: ignore[assignment]
        scope["route"] = target.route
        scope["endpoint"] = getattr(target.route, "endpoint", None)
        scope["path_params"] = match.path_params
        if target.plan is None:
            await self._starlette_route(target, scope, receive, send)
            return
        plan = target.plan
        websocket = WebSocket(scope, receive, send)

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            await run_websocket(plan, scope, receive, send, match.path_params)

        await wrap_app_handling_exceptions(app, websocket)(scope, receive, send)

    async def _starlette_route(
        self, target: Target, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Serve through the route itself: 405s, plain Starlette routes, custom handlers."""
        methods = getattr(target.route, "methods", None)
        method_ok = scope["type"] != "http" or methods is None or scope["method"] in methods
        if target.app is not None and method_ok:
            await _guarded(target.app, scope, receive, send)
            return
        limit = getattr(target.route, "zephyr_max_body_size", None)
        await _guarded(with_body_limit(target.route.handle, limit), scope, receive, send)

    async def _delegate(
        self, match: RouteMatch, scope: Scope, receive: Receive, send: Send
    ) -> None:
        route = match.entry.route
        assert route is not None and match.child_scope is not None
        scope["route"] = route
        scope.update(match.child_scope)
        limit = getattr(route, "zephyr_max_body_size", None)
        await _guarded(with_body_limit(route.handle, limit), scope, receive, send)

    async def _no_match(
        self, table: CompiledRouter, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if scope["type"] == "http":
            redirect = table.redirect_path(scope)
            if redirect is not None:
                redirect_scope = dict(scope)
                redirect_scope["path"] = redirect
                response = RedirectResponse(url=str(URL(scope=redirect_scope)))
                await response(scope, receive, send)
                return
        front = self._frontend_for(scope) if scope["type"] == "http" else None
        if front is not None:
            await self._serve_frontend(*front, scope, receive, send)
            return
        default = self.router.default
        if getattr(default, "__func__", None) is not type(self.router).not_found:
            await _guarded(default, scope, receive, send)
            return
        if scope["type"] == "websocket":
            await WebSocketClose()(scope, receive, send)
            return
        conn = Connection(scope, receive, send)
        await handle_exception(conn, StarletteHTTPException(status_code=404))


def _custom_matches(route: BaseRoute) -> bool:
    from zephyr.routing import APIRoute, APIWebSocketRoute

    own = {APIRoute: APIRoute.matches, APIWebSocketRoute: APIWebSocketRoute.matches}
    for cls, method in own.items():
        if isinstance(route, cls):
            return type(route).matches is not method
    return False


async def _guarded(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app` with the app's exception handlers, as Starlette's ExceptionMiddleware does."""
    conn: Request | WebSocket
    conn = (
        Request(scope, receive, send)
        if scope["type"] == "http"
        else WebSocket(scope, receive, send)
    )
    await wrap_app_handling_exceptions(app, conn)(scope, receive, send)


def entry_for(route: BaseRoute, target: Target | None) -> RouteEntry:
    """Describe one effective route for the compiled table."""
    from starlette import routing

    if target is not None and _custom_matches(route):
        # A route class that overrides matches() decides for itself (and may add to the
        # child scope); the table asks it, then runs its plan as usual.
        return RouteEntry(RouteKind.OPAQUE, "", None, target, route)
    if isinstance(route, routing.Mount):
        return RouteEntry(RouteKind.MOUNT, route.path, None, None, route)
    if isinstance(route, routing.Route):
        methods = frozenset(route.methods) if route.methods else None
        return RouteEntry(RouteKind.HTTP, route.path, methods, target or Target(route))
    if isinstance(route, routing.WebSocketRoute):
        return RouteEntry(RouteKind.WEBSOCKET, route.path, None, target or Target(route))
    return RouteEntry(RouteKind.OPAQUE, "", None, None, route)
