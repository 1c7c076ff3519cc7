"""Collect what `zephyr routes` shows: one row per served route, read from compiled plans.

API routes are described from their `EndpointPlan` (the dependency steps, the parameter
sources and the response encoder the engine will really run); other routes (mounts, hosts,
plain Starlette routes and WebSockets) get a row with their kind. Zephyr apps mounted as
sub-applications are listed too, under their mount path.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from starlette import routing
from starlette.routing import BaseRoute

from zephyr._pipeline.plan import EndpointPlan
from zephyr.cli.discover import is_zephyr_app
from zephyr.cli.engine import effective_routes, plan_for

LOCATIONS = ("path", "query", "header", "cookie", "body", "form")


@dataclass(frozen=True)
class RouteRow:
    """One line of the routes table.

    Attributes:
        kind: "api", "api-websocket", "route", "websocket", "mount", "host" or a class name.
        methods: HTTP methods ("WS" for WebSockets, empty for mounts and hosts).
        path: The full path template (the host pattern for a host).
        endpoint: `module.qualname` of the endpoint or mounted app.
        dependencies: Dependency step labels in run order, "(yield)" marking generators.
        parameters: (location, names) pairs in LOCATIONS order.
        response: The response model (and class, when not JSON), or "".
        status_code: The status code sent by default, or "".
        plan: The compiled plan, for API routes.
    """

    kind: str
    methods: tuple[str, ...]
    path: str
    endpoint: str
    dependencies: tuple[str, ...] = ()
    parameters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    response: str = ""
    status_code: str = ""
    plan: EndpointPlan | None = None


def collect_rows(app: Any) -> list[RouteRow]:
    """Return a row for every route the Zephyr app `app` serves, in matching order."""
    return list(_rows(effective_routes(app), app.dependency_overrides, ""))


def _rows(routes: Sequence[BaseRoute], overrides: Any, prefix: str) -> Iterator[RouteRow]:
    for route in routes:
        plan = plan_for(route, overrides)
        if plan is not None:
            yield _plan_row(route, plan, prefix)
        elif isinstance(route, routing.Mount):
            yield from _mount_rows(route, prefix)
        elif isinstance(route, routing.Host):
            yield RouteRow("host", (), route.host, qualified_name(route.app))
        elif isinstance(route, routing.Route):
            methods = tuple(sorted(route.methods or ()))
            yield RouteRow("route", methods, prefix + route.path, qualified_name(route.endpoint))
        elif isinstance(route, routing.WebSocketRoute):
            endpoint = qualified_name(route.endpoint)
            yield RouteRow("websocket", ("WS",), prefix + route.path, endpoint)
        else:
            path = prefix + str(getattr(route, "path", ""))
            yield RouteRow(type(route).__name__, (), path, qualified_name(route))


def _mount_rows(mount: routing.Mount, prefix: str) -> Iterator[RouteRow]:
    """Yield the mount's row, then the routes of a mounted Zephyr app or router."""
    path = prefix + mount.path
    yield RouteRow("mount", (), path, qualified_name(mount.app))
    app: Any = mount.app
    if is_zephyr_app(app):
        yield from _rows(effective_routes(app), app.dependency_overrides, path)
    elif isinstance(app, routing.Router):
        yield from _rows(app.routes, {}, path)


def _plan_row(route: BaseRoute, plan: EndpointPlan, prefix: str) -> RouteRow:
    """Describe an API route from its compiled plan."""
    steps = plan.steps[:-1]  # the last step is the endpoint itself
    dependencies = tuple(
        f"{step.label} (yield)" if step.kind.endswith("_gen") else step.label for step in steps
    )
    if plan.methods is None:
        return RouteRow(
            "api-websocket",
            ("WS",),
            prefix + plan.path,
            qualified_name(plan.endpoint),
            dependencies,
            plan_parameters(plan),
            plan=plan,
        )
    return RouteRow(
        "api",
        tuple(sorted(plan.methods)),
        prefix + plan.path,
        qualified_name(plan.endpoint),
        dependencies,
        plan_parameters(plan),
        _response(route, plan),
        str(_status_code(plan)),
        plan,
    )


def plan_parameters(plan: EndpointPlan) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the request inputs of a plan grouped by location, as clients name them."""
    found: dict[str, list[str]] = {location: [] for location in LOCATIONS}
    for source in plan.params.sources:
        if source.model_fields or not source.names:
            found[source.location].append(f"{source.key} (model)")
        else:
            found[source.location].append(source.names[0])
    body = plan.body
    if body is not None:
        names = [field.names[0] for field in body.fields]
        if body.single_key is not None:
            names.append(body.single_key.removeprefix("body:"))
        found["form" if body.kind == "form" else "body"].extend(names)
    return tuple((location, tuple(names)) for location, names in found.items() if names)


def _status_code(plan: EndpointPlan) -> int:
    """The status code a plain return value is sent with (FastAPI's default is 200)."""
    response = plan.response
    return response.status_code if response is not None and response.status_code else 200


def _response(route: BaseRoute, plan: EndpointPlan) -> str:
    """Name the response model, and the response class when it is not JSON."""
    model = getattr(route, "response_model", None)
    text = type_name(model) if model is not None else ""
    response = plan.response
    if response is not None and response.response_class.__name__ != "JSONResponse":
        cls = response.response_class.__name__
        text = f"{text} ({cls})" if text else cls
    return text


_MODULE_PREFIX = re.compile(r"\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_])")


def type_name(tp: object) -> str:
    """Render a type annotation compactly: `list[ItemOut]`, `dict[str, int]`, `Item | None`."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is None:
        if tp is None or tp is type(None):
            return "None"
        if tp is Ellipsis:
            return "..."
        if isinstance(tp, type):
            return tp.__name__
        return _MODULE_PREFIX.sub("", repr(tp))  # Any, a TypeVar, a forward reference...
    if origin is typing.Union or origin is types.UnionType:
        return " | ".join(type_name(arg) for arg in args)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin is typing.Literal:
        return f"Literal[{', '.join(repr(arg) for arg in args)}]"
    name = getattr(origin, "__name__", None) or _MODULE_PREFIX.sub("", repr(origin))
    return f"{name}[{', '.join(type_name(arg) for arg in args)}]" if args else name


def qualified_name(obj: object) -> str:
    """Return `module.qualname` of a function or class, or of an instance's class."""
    target = getattr(obj, "func", obj)  # functools.partial
    if not hasattr(target, "__qualname__"):
        target = type(target)
    module = getattr(target, "__module__", None)
    name = getattr(target, "__qualname__", repr(target))
    return f"{module}.{name}" if module else str(name)
