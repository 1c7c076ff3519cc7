"""Serve routes the way FastAPI does, through the `zephyr.routing` functions integrations replace.

Used only while an integration has replaced one of `hooks.HOOKS` (see `hooks.py`):

- `route_request_handler(route)`: what `APIRoute.get_route_handler()` returns then: the
  handler built by the current `zephyr.routing.get_request_handler`, from a copy of the route's
  Dependant (an integration may rebind `dependant.call` each time a handler is built; the
  route's own Dependant must not collect those wrappers);
- `request_handler(...)` / `websocket_app(...)`: the handlers `get_request_handler` and
  `get_websocket_app` build while `solve_dependencies` or `run_endpoint_function` are replaced.
  They read the body, resolve the arguments with the current `solve_dependencies`, call the
  endpoint with the current `run_endpoint_function` (WebSocket endpoints: directly, as FastAPI
  does) and encode the result with the route's compiled response plan.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Coroutine
from contextlib import AbstractContextManager, AsyncExitStack, nullcontext
from typing import Any

from pydantic_core import PydanticUndefined
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from zephyr._pipeline.body import DIRECT
from zephyr._pipeline.connection import TELEMETRY_KEY, Connection, endpoint_context
from zephyr._pipeline.plan import EndpointPlan
from zephyr._pipeline.run import read_inputs
from zephyr._pipeline.serialize import Encoded, build_response, encode
from zephyr._pipeline.solve import Exits
from zephyr._pipeline.streaming import jsonl_body, raw_body, sse_body
from zephyr._routing import hooks
from zephyr.dependencies.models import Dependant
from zephyr.exceptions import RequestValidationError, WebSocketRequestValidationError

RequestHandler = Callable[[Request], Coroutine[Any, Any, Response]]
EXITS_KEY = "zephyr.exits"  # the Exits of a route served through its handler (handler.py)


def route_request_handler(route: Any) -> RequestHandler:
    """Build `route`'s handler with the current `zephyr.routing.get_request_handler`."""
    handler: RequestHandler = hooks.current("get_request_handler")(
        dependant=dataclasses.replace(route.dependant),
        body_field=route.body_field,
        status_code=route.status_code,
        response_class=route.response_class,
        response_field=route.response_field,
        response_model_include=route.response_model_include,
        response_model_exclude=route.response_model_exclude,
        response_model_by_alias=route.response_model_by_alias,
        response_model_exclude_unset=route.response_model_exclude_unset,
        response_model_exclude_defaults=route.response_model_exclude_defaults,
        response_model_exclude_none=route.response_model_exclude_none,
        dependency_overrides_provider=route.dependency_overrides_provider,
        embed_body_fields=len(route.dependant.body_params) > 1,
        strict_content_type=route.strict_content_type,
        form_limits=route.form_limits,
        stream_item_field=route.stream_item_field,
        is_json_stream=route.is_json_stream,
    )
    return handler


def request_handler(
    plan: EndpointPlan, dependant: Dependant, provider: Any, embed_body_fields: bool
) -> RequestHandler:
    """Return a handler resolving and calling `dependant` through the current hooks."""
    is_coroutine = plan.steps[-1].kind == "async"

    async def handler(request: Request) -> Response:
        conn = Connection(request.scope, request.receive, request._send)
        conn.adopt(request)
        _, _, received = await read_inputs(plan, conn, request.scope.get("path_params", {}))
        body = _parsed(received, conn)
        traced = request.scope.get(TELEMETRY_KEY) is not None
        async with AsyncExitStack() as own_stack:
            try:
                with _operation(traced, "dependencies", plan.endpoint):
                    solved = await hooks.current("solve_dependencies")(
                        request=request,
                        dependant=dependant,
                        body=body,
                        dependency_overrides_provider=provider,
                        async_exit_stack=own_stack,
                        embed_body_fields=embed_body_fields,
                    )
                    if traced:
                        _resolved(solved.values, solved.errors, body)
                if solved.errors:
                    raise _failed(
                        RequestValidationError(
                            solved.errors,
                            body=body,
                            endpoint_ctx=endpoint_context(plan, request.scope),
                        ),
                        traced,
                    )
                with _operation(traced, "endpoint", plan.endpoint):
                    result = await hooks.current("run_endpoint_function")(
                        dependant=dependant, values=solved.values, is_coroutine=is_coroutine
                    )
                conn.response = solved.response
                conn.background = solved.background_tasks
                serializes = plan.response is not None and plan.response.stream is None
                with _operation(traced and serializes, "serialization", plan.endpoint):
                    encoded = await _encode(plan, conn, result, own_stack)
            finally:
                if conn.form is not None:
                    # Closed once the response is sent (background tasks may read uploads).
                    request_stack = request.scope.get("fastapi_inner_astack")
                    if request_stack is not None:
                        request_stack.push_async_callback(conn.form.close)
                    else:
                        await conn.form.close()
        assert plan.response is not None
        return build_response(plan.response, encoded, conn.response, conn.background)

    return handler


def _operation(traced: bool, name: str, function: Any) -> AbstractContextManager[Any]:
    """Time a step as FastAPI's handlers do (`fastapi.<name>`), only for traced requests."""
    if not traced:
        return nullcontext()
    from zephyr.telemetry._run import hooked_operation

    return hooked_operation(name, function)


def _resolved(values: dict[str, Any], errors: list[Any], body: Any) -> None:
    from zephyr.telemetry._run import hooked_resolved

    hooked_resolved(values, errors, body)


def _failed(exc: Any, traced: bool) -> Any:
    """Return `exc`, logged first as a validation failure when the request is traced."""
    if traced:
        from zephyr.telemetry._events import validation_failed

        validation_failed(exc)
    return exc


def _parsed(received: Any, conn: Connection) -> Any:
    """Return the body as FastAPI hands it to `solve_dependencies`: parsed JSON or form, None
    when there is none."""
    if received is DIRECT:  # validated straight from bytes by the plan; parse it for the hook
        return json.loads(conn.body or b"")
    return None if received is PydanticUndefined else received


async def _encode(plan: EndpointPlan, conn: Connection, result: Any, stack: AsyncExitStack) -> Any:
    response = plan.response
    assert response is not None

    def context() -> Any:
        return endpoint_context(plan, conn.scope)

    if response.stream is None:
        return encode(response, result, context)
    if response.stream == "jsonl":
        return Encoded(None, None, None, jsonl_body(response, result, context))
    if response.stream == "sse":
        exits = conn.scope.get(EXITS_KEY)
        if exits is None:
            exits = Exits()
            stack.push_async_exit(exits.request.__aexit__)
        return Encoded(None, None, None, await sse_body(response, result, context, exits))
    body = raw_body(result) if hasattr(result, "__aiter__") else result
    return Encoded(None, None, None, body)


def websocket_app(
    plan: EndpointPlan, dependant: Dependant, provider: Any
) -> Callable[[WebSocket], Coroutine[Any, Any, None]]:
    """Return a WebSocket app resolving `dependant` through the current `solve_dependencies`."""

    async def app(websocket: WebSocket) -> None:
        traced = websocket.scope.get(TELEMETRY_KEY) is not None
        async with AsyncExitStack() as stack:
            with _operation(traced, "dependencies", plan.endpoint):
                solved = await hooks.current("solve_dependencies")(
                    request=websocket,
                    dependant=dependant,
                    dependency_overrides_provider=provider,
                    async_exit_stack=stack,
                    embed_body_fields=False,
                )
                if traced:
                    _resolved(solved.values, solved.errors, PydanticUndefined)
            if solved.errors:
                raise _failed(
                    WebSocketRequestValidationError(
                        solved.errors, endpoint_ctx=endpoint_context(plan, websocket.scope)
                    ),
                    traced,
                )
            assert dependant.call is not None
            await dependant.call(**solved.values)

    return app
