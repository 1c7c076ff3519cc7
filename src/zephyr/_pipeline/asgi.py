"""(1) The innermost ASGI app: scope-type switch, route lookup, 404/405/redirect, run(plan).

It sits where Starlette's ExceptionMiddleware and Router sit in a FastAPI app (inside the
user's middleware) and does their jobs: it publishes the exception handlers in the scope,
finds the route in the compiled table, runs the route's plan, and turns exceptions into
responses with the app's handlers. Compilation happens on first use and again after any
route or dependency-override change.
"""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar

from starlette._exception_handler import wrap_app_handling_exceptions
from starlette.datastructures import URL
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketClose

from zephyr._pipeline.connection import FORM_LIMITS_KEY, TELEMETRY_KEY, Connection
from zephyr._pipeline.frontend import select_frontend, serve_frontend
from zephyr._pipeline.handlers import guarded, handle_exception, handler_tables
from zephyr._pipeline.limits import with_body_limit
from zephyr._pipeline.plan import EndpointPlan
from zephyr._pipeline.router import CompiledRouter, RouteMatch
from zephyr._pipeline.run import run_http
from zephyr._pipeline.table import Target
from zephyr._pipeline.websocket import run_websocket


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

    # A traced core (zephyr.telemetry) re-targets the matches of traced requests.
    traced: ClassVar[bool] = False

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

    def _retarget(self, match: RouteMatch, scope: Scope) -> RouteMatch:
        """Return the match to serve for a request carrying telemetry (see `traced`)."""
        return match

    def _http(
        self, match: RouteMatch, scope: Scope, receive: Receive, send: Send
    ) -> Awaitable[None]:
        # PERF: e2e hello — a plain method handing back the runner it chose: no coroutine
        # level of its own.
        if self.traced and scope.get(TELEMETRY_KEY) is not None:
            # PERF(hello, OpenTelemetry API installed): checked here, not in an override, so
            # an untraced request pays no extra call.
            match = self._retarget(match, scope)
        target: Target = match.entry.target  # type: ignore[assignment]
        route = target.route
        # FastAPI 0.165 exposes the route as declared, also when served through an include.
        scope["route"] = getattr(route, "original_route", route)
        scope["endpoint"] = getattr(route, "endpoint", None)
        scope["path_params"] = match.path_params
        plan = target.plan
        if plan is None or not match.full:
            return self._starlette_route(target, scope, receive, send)
        if target.app is not None:
            return target.app(scope, receive, send)  # the plan behind its body limit
        return serve_plan(plan, scope, receive, send, match.path_params)

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
            await guarded(target.app, scope, receive, send)
            return
        limit = getattr(target.route, "zephyr_max_body_size", None)
        await guarded(with_body_limit(target.route.handle, limit), scope, receive, send)

    async def _delegate(
        self, match: RouteMatch, scope: Scope, receive: Receive, send: Send
    ) -> None:
        route = match.entry.route
        assert route is not None and match.child_scope is not None
        scope["route"] = route
        scope.update(match.child_scope)
        limit = getattr(route, "zephyr_max_body_size", None)
        await guarded(with_body_limit(route.handle, limit), scope, receive, send)

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
        front = select_frontend(self._frontends, scope) if scope["type"] == "http" else None
        if front is not None:
            await serve_frontend(front, scope, receive, send)
            return
        default = self.router.default
        if getattr(default, "__func__", None) is not type(self.router).not_found:
            await guarded(default, scope, receive, send)
            return
        if scope["type"] == "websocket":
            await WebSocketClose()(scope, receive, send)
            return
        conn = Connection(scope, receive, send)
        await handle_exception(conn, StarletteHTTPException(status_code=404))
