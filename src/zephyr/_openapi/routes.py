"""STARTUP ONLY: the path operations a document describes, included routers flattened.

`get_openapi(routes=app.routes)` receives the app's route list, where each included router is
one `IncludedRouter` entry. The document needs the routes as served — with the inclusion's
prefix, tags, dependencies and responses applied — which is what the app's core already
flattened for serving; that list is reused whenever the routes given are an app's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from starlette.routing import BaseRoute

from zephyr._routing.flatten import effective_routes


def owner_router(routes: Sequence[BaseRoute]) -> Any | None:
    """Return the APIRouter whose `routes` list this is, or None for any other sequence."""
    from zephyr.routing import APIRouter

    # A router's RouteList reports changes to its router's bound `_changed` method.
    notify = getattr(routes, "_on_change", None)
    owner = getattr(notify, "__self__", None)
    if isinstance(owner, APIRouter) and owner.routes is routes:
        return owner
    return None


_CACHE_ATTRIBUTE = "_zephyr_openapi_routes"


def _forget(router: Any) -> Any:
    def forget() -> None:
        router.__dict__.pop(_CACHE_ATTRIBUTE, None)

    return forget


def served_routes(router: Any) -> list[BaseRoute]:
    """Return a router's routes as served, reusing the app's flattened list when built.

    Before the app has served a request there is no such list yet; the one built here is kept
    on the router until a route or included router changes, because flattening re-declares
    every included route (the biggest cost of a document for a large app).
    """
    app = router.dependency_overrides_provider
    core = getattr(app, "_core", None)
    if core is not None and core.router is router:
        return list(core.effective_routes())
    cached: list[BaseRoute] | None = router.__dict__.get(_CACHE_ATTRIBUTE)
    if cached is None:
        if _CACHE_ATTRIBUTE + "_listening" not in router.__dict__:
            router.__dict__[_CACHE_ATTRIBUTE + "_listening"] = True
            router._listen(_forget(router))
        cached = effective_routes(router, None, None)
        router.__dict__[_CACHE_ATTRIBUTE] = cached
    return cached


def flatten_for_document(routes: Sequence[BaseRoute]) -> Iterable[BaseRoute]:
    """Return `routes` with every included router replaced by its routes as served."""
    from zephyr.routing import IncludedRouter

    owner = owner_router(routes)
    if owner is not None:
        return served_routes(owner)
    if not any(isinstance(route, IncludedRouter) for route in routes):
        return routes
    flat: list[BaseRoute] = []
    for route in routes:
        if isinstance(route, IncludedRouter):
            flat.extend(effective_routes(route.router, route.options, None))
        else:
            flat.append(route)
    return flat


def api_routes(routes: Sequence[BaseRoute]) -> list[Any]:
    """Return the path operations among `routes` (included routers flattened)."""
    from zephyr.routing import APIRoute

    return [route for route in flatten_for_document(routes) if isinstance(route, APIRoute)]
