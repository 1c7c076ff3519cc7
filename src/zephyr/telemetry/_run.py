"""Run a plan for a traced request: the ordinary steps, plus what telemetry observes.

Used only for requests that carry a `RequestTelemetry` (see `_core.py`); an untraced request
runs `zephyr._pipeline.run` unchanged. On top of the ordinary run this fills the request's
`TelemetryData` (request or WebSocket, body, arguments, errors), logs validation failures,
and times operation spans: `fastapi.dependencies` (resolving the dependencies),
`fastapi.endpoint` (in the worker thread for a plain `def`), `fastapi.serialization`, and
`fastapi.background_task` (see `zephyr.background`). The endpoint therefore runs in its own
stage, never in the thread hop of the dependencies before it.
"""

from __future__ import annotations

import dataclasses
import json
from contextlib import AbstractContextManager
from typing import Any

from pydantic_core import PydanticUndefined
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from zephyr._pipeline.body import DIRECT
from zephyr._pipeline.compile import group_stages
from zephyr._pipeline.connection import Connection, endpoint_context
from zephyr._pipeline.errors import RESPONSE_NOT_SENT
from zephyr._pipeline.extract import collect_raw, validate_params
from zephyr._pipeline.handlers import handle_exception
from zephyr._pipeline.plan import EndpointPlan, Stage, Step
from zephyr._pipeline.run import ordered_errors, produce_response, read_inputs, run_http
from zephyr._pipeline.serialize import Encoded, build_response, encode, respond
from zephyr._pipeline.solve import Exits, run_stages
from zephyr.background import BackgroundTasks
from zephyr.exceptions import FastAPIError, RequestValidationError, WebSocketRequestValidationError
from zephyr.security.oauth2 import SecurityScopes
from zephyr.telemetry._data import TelemetryData
from zephyr.telemetry._events import operation, validation_failed
from zephyr.telemetry._state import current


def _data() -> TelemetryData | None:
    telemetry = current()
    return telemetry.data if telemetry is not None else None


def _traced_endpoint(step: Step) -> Step:
    """Return the endpoint step with its call timed as `fastapi.endpoint`.

    A plain `def` is wrapped by a plain function, so the span opens in the worker thread that
    runs it (with the request's context, which the thread hop carries).
    """
    function = step.call
    if step.kind == "async":

        async def call_async(**kwargs: Any) -> Any:
            with operation("endpoint", function):
                return await function(**kwargs)

        return dataclasses.replace(step, call=call_async)
    if step.kind == "sync":

        def call_sync(**kwargs: Any) -> Any:
            with operation("endpoint", function):
                return function(**kwargs)

        return dataclasses.replace(step, call=call_sync)
    return step


def _split(plan: EndpointPlan) -> tuple[tuple[Stage, ...], tuple[Stage, ...]]:
    """Return (stages of the dependencies, the endpoint's own stage)."""
    steps = plan.steps
    return group_stages(steps[:-1]), group_stages((_traced_endpoint(steps[-1]),))


def _arguments(plan: EndpointPlan, values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[key] for name, key in plan.steps[-1].args if key in values}


def _body_seen(received: Any, conn: Connection) -> Any:
    """Return the body as FastAPI reads it: parsed JSON, bytes or form; None when absent."""
    if received is DIRECT:
        return json.loads(conn.body or b"")  # validated from bytes; parsed only for the data
    return None if received is PydanticUndefined else received


async def serve_traced(
    plan: EndpointPlan, scope: Scope, receive: Receive, send: Send, path_params: dict[str, Any]
) -> None:
    """Run a plan for a traced HTTP request and answer its exceptions with the app's handlers."""
    conn = Connection(scope, receive, send)
    data = _data()
    if data is not None:
        data.request = conn.request
    try:
        if plan.response is not None and plan.response.stream is not None:
            await run_http(plan, conn, path_params)  # generator endpoints: no operation spans
        else:
            await _run(plan, conn, path_params, data)
    except Exception as exc:
        await handle_exception(conn, exc)
    finally:
        if conn.form is not None:
            await conn.form.close()


async def _run(
    plan: EndpointPlan, conn: Connection, path_params: dict[str, Any], data: TelemetryData | None
) -> None:
    exits = Exits()
    sent = False
    async with exits.request:
        async with exits.function:
            encoded = await _produce(plan, conn, path_params, exits, data)
        assert plan.response is not None
        await respond(
            plan.response,
            encoded,
            conn.response,
            conn.background,
            conn.scope,
            conn.receive,
            conn.send,
        )
        sent = True
    if not sent:
        # A `yield` dependency swallowed the endpoint's exception: nothing can be sent.
        raise FastAPIError(RESPONSE_NOT_SENT)


async def _produce(
    plan: EndpointPlan,
    conn: Connection,
    path_params: dict[str, Any],
    exits: Exits,
    data: TelemetryData | None,
) -> Encoded:
    try:
        values, errors, received = await read_inputs(plan, conn, path_params)
    except RequestValidationError as exc:  # malformed JSON
        validation_failed(exc)
        raise
    if data is not None:
        data.body = _body_seen(received, conn)
    if "background" in plan.specials:
        # Background tasks that time themselves as `fastapi.background_task`.
        conn.background = values["@background"] = BackgroundTasks()
    dependencies, endpoint = _split(plan)
    failure = await _resolve(plan, conn, values, errors, received, exits, dependencies, data)
    if failure is not None:
        validation_failed(failure)
        raise failure
    response_plan = plan.response
    assert response_plan is not None

    def finish(result: Any) -> Encoded:
        def context() -> Any:
            return endpoint_context(plan, conn.scope)

        if isinstance(result, Response):
            return encode(response_plan, result, context)
        with operation("serialization", plan.endpoint):
            return encode(response_plan, result, context)

    await run_stages(endpoint, values, exits, finish=finish)
    encoded: Encoded = values[plan.steps[-1].result_key]
    return encoded


async def _dependencies(
    plan: EndpointPlan,
    values: dict[str, Any],
    errors: list[tuple[str, dict[str, Any]]],
    exits: Exits,
    dependencies: tuple[Stage, ...],
    data: TelemetryData | None,
) -> list[Any]:
    """Run the dependencies under `fastapi.dependencies`; return the ordered input errors."""
    with operation("dependencies", plan.endpoint):
        if errors:
            # The endpoint is skipped; dependencies not needing the failed inputs still run.
            await run_stages(plan.stages, values, exits, failed_keys=[key for key, _ in errors])
        elif dependencies:
            await run_stages(dependencies, values, exits)
        ordered = ordered_errors(plan, errors)
        if data is not None:
            data.values = _arguments(plan, values)
            data.errors = ordered
    return ordered


async def _resolve(
    plan: EndpointPlan,
    conn: Connection,
    values: dict[str, Any],
    errors: list[tuple[str, dict[str, Any]]],
    received: Any,
    exits: Exits,
    dependencies: tuple[Stage, ...],
    data: TelemetryData | None,
) -> RequestValidationError | None:
    """Run the dependencies under `fastapi.dependencies`; return the 422 to raise, if any."""
    ordered = await _dependencies(plan, values, errors, exits, dependencies, data)
    if not ordered:
        return None
    body = _body_seen(received, conn)
    return RequestValidationError(
        ordered, body=body, endpoint_ctx=endpoint_context(plan, conn.scope)
    )


async def run_traced_websocket(
    plan: EndpointPlan, scope: Scope, receive: Receive, send: Send, path_params: dict[str, Any]
) -> None:
    """Run a WebSocket endpoint's plan for a traced connection."""
    websocket = WebSocket(scope, receive=receive, send=send)
    data = _data()
    if data is not None:
        data.websocket = websocket
    raw_params, chosen = collect_raw(plan.params, scope, path_params)
    values, errors = validate_params(plan.params, raw_params, chosen)
    values["@websocket"] = values["@connection"] = websocket
    for key, scopes in plan.scopes:
        values[key] = SecurityScopes(scopes=list(scopes))
    dependencies, endpoint = _split(plan)
    exits = Exits()
    async with exits.request, exits.function:
        ordered = await _dependencies(plan, values, errors, exits, dependencies, data)
        if ordered:
            failure = WebSocketRequestValidationError(
                ordered, endpoint_ctx=endpoint_context(plan, scope)
            )
            validation_failed(failure)
            raise failure
        await run_stages(endpoint, values, exits)


async def traced_response(
    plan: EndpointPlan, conn: Connection, path_params: dict[str, Any], exits: Exits
) -> Response:
    """Run a plan up to its response object for a traced request, with operation spans.

    What a route's handler does when its class overrides `get_route_handler` (or an
    integration builds the handlers), as `produce_response` does for an untraced request.
    """
    data = _data()
    if data is not None:
        data.request = conn.request
    response = plan.response
    assert response is not None
    if response.stream is not None:
        return await produce_response(plan, conn, path_params, exits)  # no operation spans
    encoded = await _produce(plan, conn, path_params, exits, data)
    return build_response(response, encoded, conn.response, conn.background)


def hooked_operation(name: str, function: Any) -> AbstractContextManager[None]:
    """Time one step of a handler built through replaced `fastapi.routing` functions."""
    return operation(name, function)


def hooked_resolved(values: dict[str, Any], errors: list[Any], body: Any) -> None:
    """Record what `solve_dependencies` returned as the request's telemetry data."""
    data = _data()
    if data is not None:
        data.body = None if body is PydanticUndefined else body
        data.values = values
        data.errors = errors
