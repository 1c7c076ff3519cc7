"""STARTUP ONLY: build validators once per distinct type, and compose them.

Building a Pydantic TypeAdapter is the most expensive part of compiling a route, and real
apps repeat the same parameter types (`int`, `str | None`, the same body model) across many
routes. Validators are therefore cached by what determines validation — the annotation, its
constraint metadata and its discriminator — and an endpoint's single params validator is a
pydantic-core typed-dict schema composed from cached field schemas, which is far cheaper than
asking Pydantic to build a fresh TypedDict per route.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from pydantic import TypeAdapter
from pydantic.fields import FieldInfo
from pydantic_core import CoreSchema, SchemaValidator, core_schema

from zephyr._pipeline.fields import build_type_adapter, validation_type

_MAX_CACHED = 4096
_adapters: dict[Hashable, TypeAdapter[Any]] = {}


def _key(field_info: FieldInfo) -> Hashable | None:
    """Return a cache key for what validation depends on, or None when unhashable."""
    key = (field_info.annotation, tuple(field_info.metadata), field_info.discriminator)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def field_adapter(field_info: FieldInfo) -> TypeAdapter[Any]:
    """Return a (shared) TypeAdapter validating one parameter, aliases and defaults left out."""
    key = _key(field_info)
    found = _adapters.get(key) if key is not None else None
    if found is None:
        found = build_type_adapter(validation_type(field_info, drop_location=True))
        if key is not None:
            if len(_adapters) >= _MAX_CACHED:
                _adapters.clear()
            _adapters[key] = found
    return found


def compose_typed_dict(fields: Mapping[str, tuple[CoreSchema, bool]]) -> SchemaValidator:
    """Return one validator for a dict of independently validated keys.

    Args:
        fields: key -> (the key's core schema, whether the key is required).
    """
    definitions: dict[str, CoreSchema] = {}
    members: dict[str, core_schema.TypedDictField] = {}
    for key, (schema, required) in fields.items():
        if schema["type"] == "definitions":
            # Model schemas carry their own definitions; hoist them to the outer schema.
            for definition in schema["definitions"]:
                definitions[definition["ref"]] = definition
            schema = schema["schema"]
        members[key] = core_schema.typed_dict_field(schema, required=required)
    composed: CoreSchema = core_schema.typed_dict_schema(members)
    if definitions:
        composed = core_schema.definitions_schema(composed, list(definitions.values()))
    return SchemaValidator(composed)
