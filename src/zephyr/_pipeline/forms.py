"""Decode a parsed form (urlencoded or multipart) into validated body values.

The form itself is parsed by Starlette's streaming parsers (python-multipart), with the
route's `form_limits`; this module applies FastAPI's rules for reading values out of it: an
empty string or an empty file input counts as "not sent", list parameters take every value,
`bytes` parameters receive an uploaded file's content, a Pydantic model declared as `Form()`
is filled from the form's keys (extra keys included, for the model's `extra` policy).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic_core import PydanticUndefined
from starlette.datastructures import FormData, UploadFile

from zephyr._pipeline.body import validate_field
from zephyr._pipeline.plan import BodyField, FormKey

Undefined: Any = PydanticUndefined
KeyedErrors = list[tuple[str, dict[str, Any]]]


def is_empty_upload(value: Any) -> bool:
    """Return True for what a browser sends when no file was chosen: no name, no content."""
    return isinstance(value, UploadFile) and value.filename == "" and value.size == 0


def form_value(form: FormData, name: str, multi: bool) -> Any:
    """Return the value under `name`, or Undefined when it counts as not sent."""
    value: Any
    if multi:
        value = [item for item in form.getlist(name) if not is_empty_upload(item)]
        return value if value else Undefined
    value = form.get(name)
    if value is None or value == "" or is_empty_upload(value):
        return Undefined
    return value


def form_items(keys: tuple[FormKey, ...], form: FormData) -> Iterator[tuple[str, Any, int]]:
    """Yield (name, value, key index) per declared key, then (name, value, -1) per extra key.

    A key is read under its first name that holds a value; the other names stay available
    as extras (another key or the model's extra policy may use them).
    """
    claimed: set[str] = set()
    for index, key in enumerate(keys):
        for name in key.names:
            claimed.add(name)
            value = form_value(form, name, key.multi)
            if value is not Undefined:
                yield name, value, index
                break
    grouped: dict[str, list[Any]] = {}
    for name, value in form.multi_items():
        if name not in claimed:
            grouped.setdefault(name, []).append(value)
    for name, values in grouped.items():
        yield name, values[0] if len(values) == 1 else values, -1


async def _read_upload(upload: UploadFile) -> bytes:
    """Return an upload's content without moving its read position (it may be shared)."""
    position = upload.file.tell()
    try:
        return await upload.read()
    finally:
        await upload.seek(position)


async def to_bytes(key: FormKey, value: Any) -> Any:
    """Give `bytes` parameters the content of their uploads."""
    if key.file_bytes == "one" and isinstance(value, UploadFile):
        return await _read_upload(value)
    if key.file_bytes == "many" and isinstance(value, list):
        contents = [
            await _read_upload(item) if isinstance(item, UploadFile) else item for item in value
        ]
        return key.sequence_type(contents) if key.sequence_type is not None else contents
    return value


async def model_input(field: BodyField, form: FormData) -> Any:
    """Return the dict a form model validates, or Undefined for an optional model not sent."""
    model = field.form_model
    assert model is not None
    if model.optional and not (
        model.own_names.intersection(form) or (model.extra_matters and len(form) > 0)
    ):
        return Undefined
    return {name: value async for name, value in _model_items(model.keys, form)}


async def _model_items(keys: tuple[FormKey, ...], form: FormData) -> Any:
    for name, value, index in form_items(keys, form):
        yield name, (await to_bytes(keys[index], value) if index >= 0 else value)


async def decode_form(
    fields: tuple[BodyField, ...], form: FormData
) -> tuple[dict[str, Any], KeyedErrors]:
    """Validate every body parameter from the parsed form, FastAPI's way."""
    values: dict[str, Any] = {}
    errors: KeyedErrors = []
    keys = tuple(field.form_key for field in fields if field.form_key is not None)
    found: dict[int, tuple[str, Any]] = {}
    for name, value, index in form_items(keys, form):
        if index >= 0:
            found[index] = (name, await to_bytes(keys[index], value))
    position = 0
    for field in fields:
        loc: tuple[str, ...]
        if field.form_model is not None:
            value, loc = await model_input(field, form), ("body",)
        else:
            name, value = found.get(position, (field.names[0], Undefined))
            loc = ("body", name)
            position += 1
        outcome = validate_field(field, value, loc)
        if isinstance(outcome, list):
            errors.extend((field.key, error) for error in outcome)
        else:
            values[field.key] = outcome[0]
    return values, errors


def normalize_for_model(value: Any, keys: tuple[FormKey, ...]) -> Any:
    """Re-read a form dict for one member of a union of form models (a before-validator).

    Each union member interprets repeated and empty values with its own fields' rules, so
    the raw dict is turned back into form data and read again with this member's keys.
    """
    if not isinstance(value, dict):
        return value
    pairs = [
        (name, item)
        for name, items in value.items()
        for item in (items if isinstance(items, list) else [items])
    ]
    normalized = {name: item for name, item, _ in form_items(keys, FormData(pairs))}
    for name, item in value.items():
        # Values no browser can send, but a validator upstream might have produced.
        if item is None or (isinstance(item, list) and not item):
            normalized[name] = item
    return normalized
