"""The CLI's only window on the engine: an app's effective routes, plans and route table.

These read private engine objects (`AppCore`, `route_plan`); keeping every such use here means
a public inspection API can replace them in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute

if TYPE_CHECKING:
    from zephyr._pipeline.asgi import AppCore
    from zephyr._pipeline.plan import EndpointPlan
    from zephyr._pipeline.router import CompiledRouter
    from zephyr.applications import FastAPI


def _core(app: FastAPI) -> AppCore:
    """Return the app's compiled core, or a fresh one over its router (nothing is served)."""
    from zephyr._pipeline.asgi import AppCore

    core = app._core
    if core is None:
        core = AppCore(app.router, {}, lambda: app.dependency_overrides)
    return core


def effective_routes(app: FastAPI) -> list[BaseRoute]:
    """Return the app's routes as served: included routers flattened, full paths."""
    return _core(app).effective_routes()


def route_table(app: FastAPI) -> CompiledRouter:
    """Return the app's compiled route table (compiling every plan if needed)."""
    return _core(app).table()


def plan_for(route: BaseRoute, overrides: Any) -> EndpointPlan | None:
    """Return the compiled plan of an API route or API WebSocket route, else None."""
    from zephyr._pipeline.table import route_plan
    from zephyr.routing import APIRoute, APIWebSocketRoute

    if isinstance(route, APIRoute):
        return route_plan(route, overrides)
    if isinstance(route, APIWebSocketRoute):
        return route_plan(route, overrides, websocket=True)
    return None
