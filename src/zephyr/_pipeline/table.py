"""STARTUP ONLY: compile an app's effective routes into the route table with their plans."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from zephyr._pipeline.compile import compile_route
from zephyr._pipeline.limits import with_body_limit
from zephyr._pipeline.plan import EndpointPlan
from zephyr._pipeline.router import CompiledRouter, RouteEntry, RouteKind

Overrides = Mapping[Callable[..., Any], Callable[..., Any]]


@dataclass(frozen=True, slots=True)
class Target:
    """What a route table entry runs: a plan, a custom handler app, or a Starlette route."""

    route: BaseRoute
    plan: EndpointPlan | None = None
    app: ASGIApp | None = None


def _fingerprint(overrides: Overrides) -> tuple[tuple[int, int], ...]:
    return tuple((id(key), id(value)) for key, value in overrides.items())


def route_plan(route: Any, overrides: Overrides, *, websocket: bool = False) -> EndpointPlan:
    """Return the route's plan for these overrides, compiling it once per override set."""
    cache: dict[Any, EndpointPlan] = route.__dict__.setdefault("_zephyr_plans", {})
    key = _fingerprint(overrides)
    plan = cache.get(key)
    if plan is None:
        methods = None if websocket else frozenset(route.methods)
        plan = compile_route(route, methods, overrides, websocket=websocket)
        cache.clear()  # keep only the current override set
        cache[key] = plan
    return plan


def compile_declared(route: Any, *, websocket: bool = False) -> None:
    """Compile a route's own plan when it is declared (fresh cache, no overrides)."""
    route.__dict__["_zephyr_plans"] = {}
    route_plan(route, {}, websocket=websocket)


def _target(route: BaseRoute, overrides: Overrides) -> Target | None:
    from zephyr._pipeline.handler import handler_app, has_custom_handler
    from zephyr._routing import hooks
    from zephyr.routing import APIRoute, APIWebSocketRoute

    if isinstance(route, APIRoute):
        limit = route.max_body_size
        # Integrations that replaced a `fastapi.routing` function see routes served through
        # their handlers, as on FastAPI (see zephyr._routing.hooks).
        if has_custom_handler(route) or hooks.replaced():
            return Target(route, None, with_body_limit(handler_app(route), limit))
        plan = route_plan(route, overrides)
        return Target(route, plan, _limited(plan) if limit is not None else None)
    if isinstance(route, APIWebSocketRoute):
        if "solve_dependencies" in hooks.replaced():
            return Target(route, None, _hooked_websocket(route))
        return Target(route, route_plan(route, overrides, websocket=True))
    return None


def _hooked_websocket(route: Any) -> ASGIApp:
    from starlette.routing import websocket_session

    from zephyr._routing.handlers import get_websocket_app

    app = get_websocket_app(route.dependant, route.dependency_overrides_provider)
    return websocket_session(app)


def _limited(plan: EndpointPlan) -> ASGIApp:
    from zephyr._pipeline.asgi import limited_plan_app

    return limited_plan_app(plan)


def compile_table(
    routes: Sequence[BaseRoute], overrides: Overrides, redirect_slashes: bool
) -> CompiledRouter:
    """Compile every route's plan and the table that finds them."""
    entries = [entry_for(route, _target(route, overrides)) for route in routes]
    return CompiledRouter(entries, redirect_slashes=redirect_slashes)


async def _frontend_endpoint() -> None:
    """The no-op endpoint that carries a frontend's dependencies."""


def compile_frontends(router: Any, overrides: Overrides) -> list[tuple[Any, EndpointPlan | None]]:
    """Return each served frontend with the plan of its dependencies (None when it has none)."""
    from zephyr._routing.flatten import effective_frontends
    from zephyr.routing import APIRoute

    compiled: list[tuple[Any, EndpointPlan | None]] = []
    for served in effective_frontends(router):
        plan = None
        if served.dependencies:
            carrier = APIRoute("/", _frontend_endpoint, dependencies=served.dependencies)
            plan = route_plan(carrier, overrides)
        compiled.append((served, plan))
    return compiled


def _custom_matches(route: BaseRoute) -> bool:
    from zephyr.routing import APIRoute, APIWebSocketRoute

    own = {APIRoute: APIRoute.matches, APIWebSocketRoute: APIWebSocketRoute.matches}
    for cls, method in own.items():
        if isinstance(route, cls):
            return type(route).matches is not method
    return False


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
