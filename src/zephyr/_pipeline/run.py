"""Run one HTTP request through its compiled plan: extract -> solve -> call -> serialize -> send.

The order of observable events is FastAPI's: the body is read and parsed first (a malformed
JSON body is a 422 before any dependency runs); dependencies run in order; when inputs were
invalid, the dependencies that do not need them still run, then the 422 is raised inside the
dependency exit stacks; "function"-scoped `yield` dependencies exit before the response is
sent, "request"-scoped ones after it and after background tasks.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import PydanticUndefined
from starlette.background import BackgroundTasks
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.responses import Response

from zephyr._pipeline.body import DIRECT, decode_body, read_body
from zephyr._pipeline.connection import (
    FORM_LIMITS_KEY,
    Connection,
    endpoint_context,
    sub_response,
)
from zephyr._pipeline.errors import RESPONSE_NOT_SENT
from zephyr._pipeline.extract import collect_raw, validate_params
from zephyr._pipeline.formparse import parse_form
from zephyr._pipeline.forms import decode_form
from zephyr._pipeline.limits import limit_error
from zephyr._pipeline.plan import BodyPlan, EndpointPlan
from zephyr._pipeline.serialize import Encoded, build_response, encode, respond
from zephyr._pipeline.solve import Exits, run_stages
from zephyr._pipeline.streaming import jsonl_body, raw_body, sse_body
from zephyr.exceptions import (
    EndpointContext,
    FastAPIError,
    HTTPException,
    RequestValidationError,
)
from zephyr.security.oauth2 import SecurityScopes


def fill_specials(plan: EndpointPlan, values: dict[str, Any], conn: Connection) -> None:
    specials = plan.specials
    if "request" in specials or "connection" in specials:
        values["@request"] = values["@connection"] = conn.request
    if "response" in specials:
        conn.response = values["@response"] = sub_response()
    if "background" in specials:
        conn.background = values["@background"] = BackgroundTasks()
    for key, scopes in plan.scopes:
        values[key] = SecurityScopes(scopes=list(scopes))


def ordered_errors(plan: EndpointPlan, keyed: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """Order errors the way FastAPI reports them (dependency order, repeats included)."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for key, error in keyed:
        by_key.setdefault(key, []).append(error)
    ordered: list[Any] = []
    for key in plan.error_order:
        ordered.extend(by_key.get(key, ()))
    return ordered


async def read_inputs(
    plan: EndpointPlan, conn: Connection, path_params: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]], Any]:
    """Read, parse and validate every request input; return (values, keyed errors, body)."""
    body_values: dict[str, Any] = {}
    body_errors: list[tuple[str, dict[str, Any]]] = []
    received: Any = None
    if plan.body is not None:
        try:
            body_values, body_errors, received = await _body(plan, plan.body, conn)
        except (StarletteHTTPException, RequestValidationError):
            raise  # FastAPI's own answers: 413, form limits (400), malformed JSON (422)
        except Exception as exc:
            # A body-limit 413 wrapped in an exception group (task groups in middleware).
            error = limit_error(exc) if MAX_BODY_SIZE_SCOPE_KEY in conn.scope else None
            if error is not None:
                raise error from exc
            raise HTTPException(400, "There was an error parsing the body") from exc
    raw_params, chosen = collect_raw(plan.params, conn.scope, path_params)
    values, errors = validate_params(plan.params, raw_params, chosen)
    if body_values:
        values.update(body_values)
    if body_errors:
        errors.extend(body_errors)
    fill_specials(plan, values, conn)
    return values, errors, received


async def _body(
    plan: EndpointPlan, body: BodyPlan, conn: Connection
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]], Any]:
    """Read the body (JSON or form) and validate the body parameters."""
    if body.kind == "form":
        inherited = conn.scope.get(FORM_LIMITS_KEY)
        limits = {**inherited, **plan.form_limits} if inherited else plan.form_limits
        form = await parse_form(conn.request, limits)
        conn.form = form  # closed (temporary files removed) once the request is over
        values, errors = await decode_form(body.fields, form)
        return values, errors, form
    if conn.has_request or "request" in plan.specials or "connection" in plan.specials:
        # The Request object caches the body (and may be a custom Request subclass that
        # decodes it): read through it whenever one exists or the steps will get one.
        raw = conn.body = await conn.request.body()
    else:
        raw = conn.body = await read_body(conn.receive)
    return decode_body(body, raw, conn.scope)


async def _produce(
    plan: EndpointPlan, conn: Connection, path_params: dict[str, Any], exits: Exits | None
) -> Encoded:
    """Validate inputs, run the steps and encode the endpoint's result."""
    if plan.no_inputs:
        # PERF: hello — nothing to read from the request: call the endpoint at once.
        assert plan.response is not None
        result = await plan.steps[0].call()
        return encode(plan.response, result, lambda: endpoint_context(plan, conn.scope))
    values, errors, received = await read_inputs(plan, conn, path_params)
    if errors:
        await run_stages(plan.stages, values, exits, failed_keys=[key for key, _ in errors])
        if received is DIRECT:
            # The body was valid and never parsed in Python; the error still carries it.
            received = json.loads(conn.body or b"")
        raise RequestValidationError(
            ordered_errors(plan, errors),
            body=None if received is PydanticUndefined else received,
            endpoint_ctx=endpoint_context(plan, conn.scope),
        )
    response_plan = plan.response
    assert response_plan is not None  # HTTP plans always have one
    if response_plan.stream is not None:
        await run_stages(plan.stages, values, exits)
        generator = values[plan.steps[-1].result_key]
        return Encoded(None, None, None, await _stream_body(plan, generator, conn, exits))

    def finish(result: Any) -> Encoded:
        return encode(response_plan, result, lambda: endpoint_context(plan, conn.scope))

    if plan.direct_call:
        # PERF: hello, path + query — no dependencies: skip the stage machinery.
        step = plan.steps[0]
        if plan.values_are_kwargs:
            return finish(await step.call(**values))
        return finish(await step.call(**{name: values[key] for name, key in step.args}))
    await run_stages(plan.stages, values, exits, finish=finish)
    encoded: Encoded = values[plan.steps[-1].result_key]
    return encoded


async def _stream_body(
    plan: EndpointPlan, generator: Any, conn: Connection, exits: Exits | None
) -> Any:
    """Return the body iterator of a generator endpoint's response."""
    response = plan.response
    assert response is not None

    def context() -> EndpointContext:
        return endpoint_context(plan, conn.scope)

    if response.stream == "jsonl":
        return jsonl_body(response, generator, context)
    if response.stream == "sse":
        assert exits is not None  # SSE plans always have exit stacks
        return await sse_body(response, generator, context, exits)
    return raw_body(generator) if hasattr(generator, "__aiter__") else generator


_JSON_TYPE = (b"content-type", b"application/json")


async def _send(plan: EndpointPlan, conn: Connection, encoded: Encoded) -> None:
    response_plan = plan.response
    assert response_plan is not None
    body = encoded.json
    if body is not None and conn.response is None and response_plan.plain_status is not None:
        # PERF: hello, path + query — JSON with the route's status and no `response`
        # parameter: the two messages JSONResponse would send, built directly.
        conn.started = True
        headers = [(b"content-length", str(len(body)).encode("latin-1")), _JSON_TYPE]
        await conn.send_(
            {
                "type": "http.response.start",
                "status": response_plan.plain_status,
                "headers": headers,
            }
        )
        await conn.send_({"type": "http.response.body", "body": body})
        if conn.background is not None:
            await conn.background()
        return
    await respond(
        response_plan,
        encoded,
        conn.response,
        conn.background,
        conn.scope,
        conn.receive,
        conn.send,
    )


async def produce_response(
    plan: EndpointPlan, conn: Connection, path_params: dict[str, Any], exits: Exits | None
) -> Response:
    """Run the plan up to the response object, without sending it (custom route handlers)."""
    assert plan.response is not None
    encoded = await _produce(plan, conn, path_params, exits)
    return build_response(plan.response, encoded, conn.response, conn.background)


async def run_http(plan: EndpointPlan, conn: Connection, path_params: dict[str, Any]) -> None:
    """Run the plan for one HTTP request and send its response."""
    if plan.body is not None and plan.body.kind == "form":
        try:
            await _run_with_exits(plan, conn, path_params)
        finally:
            if conn.form is not None:
                await conn.form.close()
        return
    if not plan.has_exit_stack:
        # PERF: hello, path + query — no generator dependencies, no exit stacks.
        await _send(plan, conn, await _produce(plan, conn, path_params, None))
        return
    await _run_with_exits(plan, conn, path_params)


async def _run_with_exits(
    plan: EndpointPlan, conn: Connection, path_params: dict[str, Any]
) -> None:
    if not plan.has_exit_stack:
        encoded = await _produce(plan, conn, path_params, None)
        await _send(plan, conn, encoded)
        return
    exits = Exits()
    sent = False
    async with exits.request:
        async with exits.function:
            encoded = await _produce(plan, conn, path_params, exits)
        await _send(plan, conn, encoded)
        sent = True
    if not sent:
        # A `yield` dependency swallowed the endpoint's exception: nothing can be sent.
        raise FastAPIError(RESPONSE_NOT_SENT)
