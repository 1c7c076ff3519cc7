"""`request_params_to_args` and `request_body_to_args`: FastAPI's per-field validation helpers.

Third-party code (custom routes, WebSocket frameworks, test helpers) calls these with a list of
`ModelField`s and request data. Zephyr answers with the engine's own compiled pieces — the
params extractor and single validator, the JSON body and form decoders — built once per list
of fields and cached, so results and error shapes are those of a real request.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.datastructures import FormData, Headers

from zephyr import params
from zephyr._pipeline.body import validate_received
from zephyr._pipeline.compile_inputs import body_field, build_body_plan, build_params_plan
from zephyr._pipeline.errors import Where
from zephyr._pipeline.extract import collect_values, validate_params
from zephyr._pipeline.fields import ModelField
from zephyr._pipeline.forms import decode_form
from zephyr._pipeline.graph import FieldUse
from zephyr._pipeline.plan import BodyPlan, ParamsPlan

_MULTI_LOCATIONS = ("query", "header")


def _location(field: ModelField) -> str:
    info = field.field_info
    if not isinstance(info, params.Param) or info.in_ is None:
        raise TypeError(f"{field.name!r} is not a path, query, header or cookie parameter")
    return str(info.in_.value)


@functools.lru_cache(maxsize=512)
def _params_plan(fields: tuple[ModelField, ...]) -> ParamsPlan:
    uses = [FieldUse(field.name, _location(field), field) for field in fields]
    return build_params_plan(uses, Where())


def _multi(received: Any, location: str) -> dict[str, list[Any]]:
    """Return {name: [values...]} from a MultiDict, QueryParams, Headers or plain mapping.

    A plain mapping may hold a list per name (repeated values) or a single value.
    """
    multi: dict[str, list[Any]] = {}
    lower = location == "header" and not isinstance(received, Headers)
    if hasattr(received, "multi_items"):
        for name, value in received.multi_items():
            multi.setdefault(name.lower() if lower else name, []).append(value)
        return multi
    for name, value in received.items():
        values = value if isinstance(value, list) else [value]
        multi.setdefault(name.lower() if lower else name, []).extend(values)
    return multi


def request_params_to_args(
    fields: Sequence[ModelField], received_params: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Any]]:
    """Validate path/query/header/cookie parameters from one location's received values.

    Args:
        fields: The parameters (e.g. `dependant.query_params`).
        received_params: `request.query_params`, `request.headers`, a plain mapping...

    Returns:
        (values by parameter name, FastAPI-shaped error dicts).
    """
    if not fields:
        return {}, []
    plan = _params_plan(tuple(fields))
    by_location: dict[str, Any] = {}
    for location in {_location(field) for field in fields}:
        if location in _MULTI_LOCATIONS:
            by_location[location] = _multi(received_params, location)
        else:
            by_location[location] = received_params
    raw, chosen = collect_values(plan, by_location)
    values, keyed_errors = validate_params(plan, raw, chosen)
    return values, [error for _, error in keyed_errors]


@functools.lru_cache(maxsize=512)
def _body_plan(fields: tuple[ModelField, ...], embed: bool) -> BodyPlan:
    uses = [FieldUse(field.name, "body", field) for field in fields]
    plan = build_body_plan(uses, list(fields), True, Where())
    assert plan is not None  # fields is never empty here
    if embed and plan.single_key is not None:
        # The caller says the body is an object keyed by names, even for one parameter.
        keys = tuple(use.key for use in uses)
        embedded = tuple(body_field(use) for use in uses)
        return BodyPlan("json", None, None, None, False, embedded, True, keys)
    return plan


async def request_body_to_args(
    body_fields: list[ModelField], received_body: Any, embed_body_fields: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Validate body parameters from a parsed body (JSON value, FormData, or None).

    Args:
        body_fields: The body parameters (e.g. `dependant.body_params`).
        received_body: The parsed JSON value or form; pydantic's `Undefined` (FastAPI's
            `fastapi._compat.Undefined`) when the request had no body.
        embed_body_fields: The body is an object keyed by parameter names.

    Returns:
        (values by parameter name, FastAPI-shaped error dicts).
    """
    if not body_fields:
        raise ValueError("request_body_to_args() needs at least one body field")
    plan = _body_plan(tuple(body_fields), embed_body_fields)
    if isinstance(received_body, FormData) and plan.kind == "form":
        values, keyed_errors = await decode_form(plan.fields, received_body)
    else:
        values, keyed_errors = validate_received(plan, received_body)
    return values, [error for _, error in keyed_errors]
