"""FastAPI's handler builders, at `zephyr.routing`: adapters over Zephyr's compiled plans.

Zephyr's own routes never call these: each route is compiled into an `EndpointPlan` when the
app is built. They exist for code written against FastAPI that builds a handler from a
`Dependant` itself (custom routers, integrations that look them up by name): the pieces it
passes are compiled into a plan the same way a route is, once per handler.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket

from zephyr._pipeline.callables import callable_name
from zephyr._pipeline.compile import compile_route
from zephyr._pipeline.connection import Connection
from zephyr._pipeline.fields import ModelField
from zephyr._pipeline.handler import plan_response
from zephyr._pipeline.solve import Exits
from zephyr._pipeline.websocket import run_websocket
from zephyr._routing import hooked, hooks
from zephyr.datastructures import Default, DefaultPlaceholder
from zephyr.dependencies.models import Dependant

RequestHandler = Callable[[Request], Coroutine[Any, Any, Response]]


@dataclass
class _Declared:
    """The route-shaped description a plan is compiled from (what `compile_route` reads)."""

    dependant: Dependant
    response_field: ModelField | None
    status_code: int | None
    response_class: Any
    response_model_include: Any
    response_model_exclude: Any
    response_model_by_alias: bool
    response_model_exclude_unset: bool
    response_model_exclude_defaults: bool
    response_model_exclude_none: bool
    strict_content_type: Any
    stream_item_field: ModelField | None = None
    is_json_stream: bool = False
    form_limits: dict[str, int] | None = None
    endpoint: Callable[..., Any] = field(init=False)
    path_format: str = field(init=False)
    name: str = field(init=False)

    def __post_init__(self) -> None:
        if self.dependant.call is None:
            raise ValueError("dependant.call must be a function")
        self.endpoint = self.dependant.call
        self.path_format = self.dependant.path or ""
        self.name = callable_name(self.endpoint)


def _overrides(provider: Any) -> Any:
    return getattr(provider, "dependency_overrides", None) or {}


def get_request_handler(
    dependant: Dependant,
    body_field: ModelField | None = None,
    status_code: int | None = None,
    response_class: type[Response] | DefaultPlaceholder = Default(JSONResponse),
    response_field: ModelField | None = None,
    response_model_include: Any = None,
    response_model_exclude: Any = None,
    response_model_by_alias: bool = True,
    response_model_exclude_unset: bool = False,
    response_model_exclude_defaults: bool = False,
    response_model_exclude_none: bool = False,
    dependency_overrides_provider: Any | None = None,
    embed_body_fields: bool = False,
    strict_content_type: bool | DefaultPlaceholder = Default(True),
    stream_item_field: ModelField | None = None,
    is_json_stream: bool = False,
    form_limits: dict[str, int] | None = None,
) -> RequestHandler:
    """Return `async (request) -> Response` running `dependant` the way a route would.

    `body_field` and `embed_body_fields` are accepted for FastAPI's signature; the body is
    decoded from `dependant`'s own body parameters by the engine's rules (the same answer).
    `yield` dependencies exit when the request's FastAPI-style exit stacks close
    ("fastapi_inner_astack" in the scope), else before the handler returns.
    """
    declared = _Declared(
        dependant,
        response_field,
        status_code,
        response_class,
        response_model_include,
        response_model_exclude,
        response_model_by_alias,
        response_model_exclude_unset,
        response_model_exclude_defaults,
        response_model_exclude_none,
        strict_content_type,
        stream_item_field,
        is_json_stream,
        form_limits,
    )
    plan = compile_route(declared, None, _overrides(dependency_overrides_provider))
    if hooks.replaced() & {"solve_dependencies", "run_endpoint_function"}:
        # An integration instruments FastAPI's resolution or endpoint call: go through it.
        return hooked.request_handler(
            plan, dependant, dependency_overrides_provider, embed_body_fields
        )

    async def handler(request: Request) -> Response:
        conn = Connection(request.scope, request.receive, request._send)
        conn.adopt(request)
        path_params = request.scope.get("path_params", {})
        outer = request.scope.get("fastapi_inner_astack")
        exits = Exits()
        if outer is not None:
            outer.push_async_exit(exits.request.__aexit__)
            async with exits.function:
                response = await plan_response(plan, conn, path_params, exits)
        else:
            async with exits.request, exits.function:
                response = await plan_response(plan, conn, path_params, exits)
        return response

    return handler


def get_websocket_app(
    dependant: Dependant,
    dependency_overrides_provider: Any | None = None,
    embed_body_fields: bool = False,
) -> Callable[[WebSocket], Coroutine[Any, Any, Any]]:
    """Return `async (websocket) -> None` running a WebSocket endpoint's `dependant`."""
    declared = _Declared(
        dependant, None, None, Default(JSONResponse), None, None, True, False, False, False, True
    )
    overrides = _overrides(dependency_overrides_provider)
    plan = compile_route(declared, None, overrides, websocket=True)
    if "solve_dependencies" in hooks.replaced():
        return hooked.websocket_app(plan, dependant, dependency_overrides_provider)

    async def app(websocket: WebSocket) -> None:
        scope = websocket.scope
        await run_websocket(plan, scope, websocket.receive, websocket.send, websocket.path_params)

    return app


async def run_endpoint_function(
    *, dependant: Dependant, values: dict[str, Any], is_coroutine: bool
) -> Any:
    """Call the endpoint with its solved arguments (a plain `def` in the thread pool)."""
    call = dependant.call
    if call is None:
        raise ValueError("dependant.call must be a function")
    if is_coroutine:
        return await call(**values)
    return await run_in_threadpool(call, **values)
