"""The compiled core of an app built with telemetry possible.

`TracedCore` is chosen instead of `AppCore` when the app is built (see `applications.py`),
only if OpenTelemetry is installed and a signal is on; an app without it has no telemetry code
on its request path. Per request it asks one question — does this request carry a
`RequestTelemetry`? — and if not, behaves exactly as `AppCore`. If it does, it records which
route (or mount, frontend, redirect target) was selected, which names the server span, and
runs API routes' plans through the traced runner (`_run.py`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette._exception_handler import wrap_app_handling_exceptions
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from zephyr._pipeline.asgi import AppCore
from zephyr._pipeline.frontend import select_frontend
from zephyr._pipeline.limits import with_body_limit
from zephyr._pipeline.plan import EndpointPlan
from zephyr._pipeline.router import CompiledRouter, RouteMatch
from zephyr._pipeline.table import Target
from zephyr.telemetry._events import route_selected
from zephyr.telemetry._run import run_traced_websocket, serve_traced
from zephyr.telemetry._state import of_scope


def _template(route: Any) -> str | None:
    template = getattr(route, "path_format", None)
    return template if isinstance(template, str) else None


def _traced_plan_app(plan: EndpointPlan, path_params: dict[str, Any]) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await serve_traced(plan, scope, receive, send, path_params)

    return with_body_limit(app, plan.max_body_size)


class TracedCore(AppCore):
    """`AppCore` that reports route selection and traces plans for traced requests."""

    traced = True

    def _retarget(self, match: RouteMatch, scope: Scope) -> RouteMatch:
        if of_scope(scope) is None:
            return match  # an excluded request
        target: Target = match.entry.target  # type: ignore[assignment]
        route_selected(scope, _template(target.route))
        if target.plan is None or not match.full:
            return match
        # The same dispatch, with the plan run by the traced runner.
        app = _traced_plan_app(target.plan, match.path_params)
        traced = Target(target.route, target.plan, app)
        entry = dataclasses.replace(match.entry, target=traced)
        return RouteMatch(entry, match.full, match.path_params, match.child_scope)

    async def _websocket(
        self, match: RouteMatch, scope: Scope, receive: Receive, send: Send
    ) -> None:
        target: Target = match.entry.target  # type: ignore[assignment]
        if of_scope(scope) is None:
            await super()._websocket(match, scope, receive, send)
            return
        route_selected(scope, _template(target.route))
        if target.plan is None:
            await super()._websocket(match, scope, receive, send)
            return
        # AppCore._websocket's dispatch, with the plan run by the traced runner.
        scope["route"] = target.route
        scope["endpoint"] = getattr(target.route, "endpoint", None)
        scope["path_params"] = match.path_params
        plan = target.plan

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            await run_traced_websocket(plan, scope, receive, send, match.path_params)

        websocket = WebSocket(scope, receive, send)
        await wrap_app_handling_exceptions(app, websocket)(scope, receive, send)

    async def _delegate(
        self, match: RouteMatch, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if of_scope(scope) is not None:
            route = match.entry.route
            route_selected(scope, _template(route), mount=isinstance(route, Mount))
        await super()._delegate(match, scope, receive, send)

    async def _no_match(
        self, table: CompiledRouter, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if of_scope(scope) is not None and scope["type"] == "http":
            route_selected(scope, self._fallback_template(table, scope))
        await super()._no_match(table, scope, receive, send)

    def _fallback_template(self, table: CompiledRouter, scope: Scope) -> str | None:
        """Return the template of what answers an unmatched path: the route a trailing-slash
        redirect leads to, or the frontend that serves it."""
        redirect = table.redirect_path(scope)
        if redirect is not None:
            found = table.lookup({**scope, "path": redirect})
            if found is None:
                return None
            target = found.entry.target
            return _template(target.route if isinstance(target, Target) else found.entry.route)
        front = select_frontend(self._frontends, scope)
        if front is None:
            return None
        return _template_under(front[0].path)


def _template_under(path: str) -> str:
    """Return the template of everything served under a frontend path."""
    return path.rstrip("/") + "/{path}"
