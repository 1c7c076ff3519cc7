"""Read the request body and decode it into validated body values.

A JSON body whose schema allows it goes straight from the raw bytes into pydantic-core
(`validate_json`, no Python-level JSON parse). Anything unusual — a schema where JSON mode
could decide differently, a validation failure, bytes that are not UTF-8 JSON — takes
FastAPI's own path (`json.loads`, then Python-mode validation), so results and error bodies
are FastAPI's exactly.
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticUndefined
from starlette.requests import ClientDisconnect
from starlette.types import Receive

from zephyr._pipeline.defaults import produce_default
from zephyr._pipeline.errors import missing_error
from zephyr._pipeline.fields import prefix_errors
from zephyr._pipeline.plan import BodyField, BodyPlan
from zephyr.exceptions import HTTPException, RequestValidationError

Undefined: Any = PydanticUndefined
KeyedErrors = list[tuple[str, dict[str, Any]]]


class _Direct:
    """Marks a body validated straight from bytes: parse it only if an error needs it."""

    __slots__ = ()


DIRECT: Any = _Direct()


async def read_body(receive: Receive) -> bytes:
    """Read the whole body from the ASGI receive channel."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            if chunk:
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect()
    # PERF: json body — most bodies arrive in one message; skip the join copy.
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def content_type(scope: Mapping[str, Any]) -> str | None:
    """Return the first Content-Type header value, or None."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            return str(value.decode("latin-1"))
    return None


def is_json_content_type(value: str) -> bool:
    """Return True for application/json and any application/*+json type (parameters allowed)."""
    if value == "application/json":  # PERF: json body — the usual header needs no parsing
        return True
    message = email.message.Message()
    message["content-type"] = value
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


def _wants_json(plan: BodyPlan, value: str | None) -> bool:
    if value is None:
        return not plan.strict_content_type
    return is_json_content_type(value)


def parse_json(raw: bytes) -> Any:
    """Parse JSON as FastAPI does; decode errors become its 422, other failures its 400."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        error = {
            "type": "json_invalid",
            "loc": ("body", exc.pos),
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": exc.msg},
        }
        raise RequestValidationError([error], body=exc.doc) from exc
    except Exception as exc:
        raise HTTPException(status_code=400, detail="There was an error parsing the body") from exc


def decode_body(
    plan: BodyPlan, raw: bytes, scope: Mapping[str, Any]
) -> tuple[dict[str, Any], KeyedErrors, Any]:
    """Validate a JSON (or raw-bytes) body; return (values, keyed errors, body for errors)."""
    received: Any = Undefined
    if raw:
        if _wants_json(plan, content_type(scope)):
            if plan.json_direct:
                direct = _validate_direct(plan, raw)
                if direct is not None:
                    return direct, [], DIRECT
            received = parse_json(raw)
        else:
            received = raw
    if plan.single_key is not None:
        values, errors = _single(plan, received)
    else:
        values, errors = _embedded(plan.fields, received)
    return values, errors, received


def validate_received(plan: BodyPlan, received: Any) -> tuple[dict[str, Any], KeyedErrors]:
    """Validate an already parsed JSON body (or raw bytes, or Undefined when absent)."""
    if plan.single_key is not None:
        return _single(plan, received)
    return _embedded(plan.fields, received)


def _validate_direct(plan: BodyPlan, raw: bytes) -> dict[str, Any] | None:
    """Validate raw JSON bytes in one Rust call; None means "take the reference path"."""
    assert plan.single_adapter is not None and plan.single_key is not None
    try:
        return {plan.single_key: plan.single_adapter.validate_json(raw)}
    except ValidationError:
        # Invalid JSON or invalid data: redo it the reference way for FastAPI's exact errors.
        return None


def _single(plan: BodyPlan, received: Any) -> tuple[dict[str, Any], KeyedErrors]:
    if plan.shared:
        return _single_shared(plan, received)
    return _single_value(plan, received)


def _single_shared(plan: BodyPlan, received: Any) -> tuple[dict[str, Any], KeyedErrors]:
    """Validate the one body value for each same-named parameter, each with its own type."""
    values, errors = _single_value(plan, received)
    for field in plan.shared:
        outcome = validate_field(field, received, ("body",))
        if isinstance(outcome, list):
            errors.extend((field.key, error) for error in outcome)
        else:
            values[field.key] = outcome[0]
    return values, errors


def _single_value(plan: BodyPlan, received: Any) -> tuple[dict[str, Any], KeyedErrors]:
    assert plan.single_key is not None and plan.single_adapter is not None
    key = plan.single_key
    if received is Undefined:
        if plan.single_default is None:
            return {}, [(key, missing_error(("body",)))]
        value = produce_default(plan.single_default)
        if not plan.single_default.validate:
            return {key: value}, []
        received = value
    try:
        return {key: plan.single_adapter.validate_python(received, from_attributes=True)}, []
    except ValidationError as exc:
        errors = prefix_errors(exc.errors(include_url=False), ("body",))
        return {}, [(key, error) for error in errors]


def _embedded(fields: tuple[BodyField, ...], received: Any) -> tuple[dict[str, Any], KeyedErrors]:
    values: dict[str, Any] = {}
    errors: KeyedErrors = []
    for field in fields:
        loc: tuple[str, ...] = ("body", field.names[0])
        value: Any = Undefined
        if received is not Undefined and not isinstance(received, bytes):
            if not isinstance(received, dict):
                # FastAPI: embedded values need an object; anything else reads as "missing".
                errors.append((field.key, missing_error(loc)))
                continue
            for name in field.names:
                value = received.get(name, Undefined)
                if value is not Undefined:
                    loc = ("body", name)
                    break
        outcome = validate_field(field, value, loc)
        if isinstance(outcome, list):
            errors.extend((field.key, error) for error in outcome)
        else:
            values[field.key] = outcome[0]
    return values, errors


def validate_field(
    field: BodyField, value: Any, loc: tuple[str, ...]
) -> tuple[Any] | list[dict[str, Any]]:
    """Validate one embedded value: a 1-tuple with the value, or a list of errors."""
    if value is Undefined:
        if field.default is None:
            return [missing_error(loc)]
        value = produce_default(field.default)
        if not field.default.validate:
            return (value,)
    try:
        return (field.adapter.validate_python(value, from_attributes=True),)
    except ValidationError as exc:
        return prefix_errors(exc.errors(include_url=False), loc)
