"""STARTUP ONLY: the JSON Schema of every documented field, and the shared model definitions.

All fields of a document go through ONE Pydantic JSON Schema generator run, so models
referenced from many places get one definition, and two different models with the same name
get distinct, qualified names — as FastAPI does. What FastAPI feeds that run is reproduced
exactly (each field's `Annotated[type, *metadata, Field(...)]`, plus every model reachable from
the fields as an input of its own), because it decides names and `-Input`/`-Output` splits.

Two things make it cheaper than FastAPI's: schema TypeAdapters are shared between fields that
declare the same thing (a cache keyed by what the schema depends on), and identical inputs are
generated once, not once per route.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Sequence
from enum import Enum
from typing import Any, Literal, cast, get_args, get_origin

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import CoreSchema

from zephyr._pipeline.fields import ModelField, build_type_adapter, field_attributes
from zephyr._pipeline.fields import validation_type as annotated_type
from zephyr._pipeline.typeinfo import lenient_issubclass
from zephyr.openapi.constants import REF_TEMPLATE

Mode = Literal["validation", "serialization"]

_MAX_CACHED = 4096
_adapters: dict[Hashable, TypeAdapter[Any]] = {}
_LEAVES = (int, float, bool, str, bytes, complex, type(None))


class DocumentJsonSchema(GenerateJsonSchema):
    """Pydantic's generator, with bytes documented as an octet stream (as FastAPI does)."""

    def bytes_schema(self, schema: Any) -> JsonSchemaValue:
        """Document `bytes` as a binary string, base64-encoded when the config says so."""
        json_schema: dict[str, Any] = {
            "type": "string",
            "contentMediaType": "application/octet-stream",
        }
        mode = (
            self._config.ser_json_bytes
            if self.mode == "serialization"
            else self._config.val_json_bytes
        )
        if mode == "base64":
            json_schema["contentEncoding"] = "base64"
        self.update_with_validations(json_schema, schema, self.ValidationsMapping.bytes)
        return json_schema


# -- schema adapters, shared between fields declaring the same thing --------------------------


def _freeze(value: Any) -> Hashable:
    """Return a hashable, type-tagged image of `value` (so 1, 1.0 and True stay distinct).

    Raises:
        TypeError: `value` holds something unhashable that cannot be frozen.
    """
    if isinstance(value, (*_LEAVES, type)):
        return (type(value), value)
    origin = get_origin(value)
    if origin is not None:
        # Generic aliases compare their arguments with ==, where Gt(1) == Gt(1.0).
        return (origin, tuple(_freeze(arg) for arg in get_args(value)))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(map(repr, value)) if isinstance(value, (set, frozenset)) else value
        return (type(value), tuple(_freeze(item) for item in items))
    if isinstance(value, dict):
        return (dict, tuple((_freeze(k), _freeze(v)) for k, v in value.items()))
    if dataclasses.is_dataclass(value):
        fields = dataclasses.fields(value)
        return (type(value), tuple((f.name, _freeze(getattr(value, f.name))) for f in fields))
    hash(value)
    return (type(value), value)


def _adapter_key(field: ModelField) -> Hashable | None:
    info = field.field_info
    try:
        key = (
            _freeze(info.annotation),
            tuple(_freeze(item) for item in info.metadata),
            tuple((name, _freeze(value)) for name, value in field_attributes(info).items()),
            _freeze(field.config),
        )
        hash(key)
    except TypeError:
        return None
    return key


def schema_adapter(field: ModelField) -> TypeAdapter[Any]:
    """Return the TypeAdapter whose core schema documents `field` (shared when possible).

    It is the field's full declaration — annotation, constraints, title, default, examples —
    unlike the request path's validators, which leave aliases and defaults out.
    """
    key = _adapter_key(field)
    found = _adapters.get(key) if key is not None else None
    if found is None:
        found = build_type_adapter(annotated_type(field.field_info), field.config)
        if key is not None:
            if len(_adapters) >= _MAX_CACHED:
                _adapters.clear()
            _adapters[key] = found
    return found


# -- models reachable from the fields ----------------------------------------------------------


def model_fields(model: type[BaseModel]) -> list[ModelField]:
    """Return a model's fields as ModelFields, with the model config where Pydantic allows it."""
    fields = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        own_config = lenient_issubclass(annotation, (BaseModel, dict)) or (
            dataclasses.is_dataclass(annotation)
        )
        config = None if own_config else model.model_config
        fields.append(ModelField(field_info=info, name=name, config=config))
    return fields


def _collect(annotation: Any, found: set[type[Any]]) -> None:
    """Add the models and enums reachable from `annotation` the way FastAPI walks them.

    Only classes at the top of a field or inside generic arguments count; a model's fields
    are walked, a dataclass's or TypedDict's are not.
    """
    if lenient_issubclass(annotation, BaseModel):
        if annotation not in found:
            found.add(annotation)
            for info in annotation.model_fields.values():
                _collect(info.annotation, found)
    elif lenient_issubclass(annotation, Enum):
        found.add(annotation)
    elif get_origin(annotation) is not None:
        for arg in get_args(annotation):
            _collect(arg, found)


def flat_models(fields: Iterable[ModelField]) -> set[type[Any]]:
    """Return every model and enum reachable from the fields' annotations."""
    found: set[type[Any]] = set()
    for field in fields:
        _collect(field.field_info.annotation, found)
    return found


# -- computed fields (they keep a field in serialization mode) ---------------------------------


def _annotation_has_computed(annotation: Any, seen: set[type[Any]]) -> bool:
    if lenient_issubclass(annotation, BaseModel):
        if annotation in seen:
            return False
        seen.add(annotation)
        if annotation.model_computed_fields:
            return True
        return any(
            _annotation_has_computed(info.annotation, seen)
            for info in annotation.model_fields.values()
        )
    return any(_annotation_has_computed(arg, seen) for arg in get_args(annotation))


def has_computed_fields(field: ModelField) -> bool:
    """Return True when the field's type (or a model inside it) has computed fields."""
    core = cast(dict[str, Any], schema_adapter(field).core_schema)
    if core.get("schema", {}).get("computed_fields", []):
        return True
    return _annotation_has_computed(field.field_info.annotation, set())


# -- the definitions run -----------------------------------------------------------------------


class FieldSchemas:
    """The JSON Schemas of a document's fields, generated together.

    Attributes:
        definitions: Model name -> schema, to put under `components/schemas`.
    """

    def __init__(self, fields: Sequence[ModelField], *, separate_input_output: bool) -> None:
        self._separate = separate_input_output
        self._modes: dict[int, tuple[int, Mode]] = {}
        inputs: dict[tuple[int, Mode], CoreSchema] = {}
        for field in self._with_model_fields(fields):
            adapter = schema_adapter(field)
            mode = self._mode(field)
            self._modes[id(field)] = (id(adapter), mode)
            # PERF: openapi_500 — many routes declare the same parameter; generate it once.
            inputs.setdefault((id(adapter), mode), adapter.core_schema)
        generator = DocumentJsonSchema(ref_template=REF_TEMPLATE)
        mapping, definitions = generator.generate_definitions(
            [(key, mode, core) for (key, mode), core in inputs.items()]
        )
        self._schemas: dict[tuple[int, Mode], JsonSchemaValue] = mapping
        for definition in definitions.values():
            description = definition.get("description")
            if isinstance(description, str):
                # A form feed ends the part of a docstring meant for the documentation.
                definition["description"] = description.split("\f")[0]
        self.definitions: dict[str, dict[str, Any]] = cast(dict[str, Any], definitions)

    def _mode(self, field: ModelField) -> Mode:
        if self._separate or has_computed_fields(field):
            return field.mode
        return "validation"

    def _with_model_fields(self, fields: Sequence[ModelField]) -> list[ModelField]:
        """Return the fields plus one field per reachable model (FastAPI feeds both)."""
        annotations = {field.field_info.annotation for field in fields}
        extra: list[ModelField] = []
        for mode in ("validation", "serialization"):
            in_mode = [field for field in fields if field.mode == mode]
            for model in flat_models(in_mode):
                if model not in annotations:
                    info = FieldInfo(annotation=model)
                    extra.append(ModelField(field_info=info, name=model.__name__, mode=mode))
        return [*fields, *extra]

    def schema(self, field: ModelField, alias: str | None = None) -> dict[str, Any]:
        """Return the field's JSON Schema, titled after the field when it is not a `$ref`.

        Args:
            field: A field given to the constructor.
            alias: The name to derive the title from (default: the field's own alias).
        """
        json_schema = dict(self._schemas[self._modes[id(field)]])
        if "$ref" not in json_schema:
            if alias is None:
                if field.mode == "validation":
                    alias = field.validation_alias or field.alias
                else:
                    alias = field.serialization_alias or field.alias
            json_schema["title"] = field.field_info.title or alias.title().replace("_", " ")
        return json_schema
