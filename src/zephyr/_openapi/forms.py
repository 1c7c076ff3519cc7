"""STARTUP ONLY: the JSON Schema of form bodies that hold form models.

A `Form()` parameter annotated with a model (or a union of models) is not one form key: the
model's fields are keys of the form itself. Its schema is therefore reshaped, by hooks Pydantic
calls while generating the combined `Body_...` schema, so the document shows the keys a client
sends — each model field under the request name it is read by — with the alternatives (unions,
optional groups, repeated names) expressed as JSON Schema conditions.
"""

from __future__ import annotations

import copy
from typing import Any, get_args

from pydantic import AliasChoices, BaseModel, GetJsonSchemaHandler
from pydantic_core import CoreSchema

from zephyr import params
from zephyr._openapi.dependencies import (
    cached_model_fields,
    is_json_field,
    optional_model,
)
from zephyr._pipeline.compile_inputs import request_names
from zephyr._pipeline.fields import ModelField
from zephyr._pipeline.typeinfo import is_union, lenient_issubclass, strip_annotated


def _union_models(annotation: Any) -> list[type[BaseModel]]:
    """Return the models of a union of two or more models (`A | B | None`), else []."""
    if not is_union(annotation):
        return []
    models = []
    for arg in get_args(annotation):
        if arg is type(None):
            continue
        arg = strip_annotated(arg)
        if not lenient_issubclass(arg, BaseModel):
            return []
        models.append(arg)
    # `Model | None` alone is an ordinary (optional) form model.
    return models if len(models) > 1 else []


def form_models(field: ModelField) -> list[type[BaseModel]]:
    """Return the model(s) a `Form()` parameter is read into, or [] for a plain form value."""
    info = field.field_info
    if not isinstance(info, params.Form) or getattr(info, "embed", None) or is_json_field(field):
        return []
    model = optional_model(info.annotation)
    if model is not None:
        return [model]
    return _union_models(info.annotation)


def _validation_name(field: ModelField) -> Any:
    alias = field.field_info.validation_alias
    if isinstance(alias, AliasChoices):
        return alias.choices[0]
    return field.validation_alias or field.alias


def form_model_schema(
    model: type[BaseModel], schema: CoreSchema, handler: GetJsonSchemaHandler
) -> dict[str, Any]:
    """Return a form model's schema with properties named by the keys actually read.

    The shared model definition stays untouched: a form whose keys differ from the model's
    schema names gets its own inline copy.
    """
    json_schema: dict[str, Any] = handler(schema)
    resolved = handler.resolve_ref_schema(json_schema)
    properties = resolved.get("properties", {})
    required = resolved.get("required", [])
    renames: dict[str, list[str]] = {}
    for field in cached_model_fields(model):
        schema_name = _validation_name(field)
        names = [name for name, _ in request_names(field)]
        if (
            isinstance(schema_name, str)
            and schema_name in properties
            and (names[0] != schema_name or (len(names) > 1 and schema_name in required))
        ):
            renames[schema_name] = names
    if not renames:
        return json_schema
    resolved = copy.deepcopy(resolved)
    resolved["properties"] = {
        renames.get(name, [name])[0]: value for name, value in resolved["properties"].items()
    }
    resolved["required"] = []
    for name in required:
        names = renames.get(name, [name])
        if len(names) == 1:
            resolved["required"].append(names[0])
        else:
            # Any one of the accepted names satisfies the requirement.
            resolved.setdefault("allOf", []).append(
                {"anyOf": [{"required": [choice]} for choice in names]}
            )
    return resolved


def _absent_condition(models: list[type[BaseModel]]) -> dict[str, Any]:
    """Return the schema of a form that sends none of the models' keys."""
    if any(model.model_config.get("extra") in ("allow", "forbid") for model in models):
        return {"maxProperties": 0}
    names = sorted(
        {
            name
            for model in models
            for field in cached_model_fields(model)
            for name, _ in request_names(field)
        }
    )
    if not names:
        return {}
    return {"not": {"anyOf": [{"required": [name]} for name in names]}}


def _model_condition(
    param: ModelField, models: list[type[BaseModel]], field_schema: dict[str, Any]
) -> list[dict[str, Any]]:
    """Return the conditions a form model parameter adds to the body schema."""
    field_schema.pop("default", None)
    if type(None) not in get_args(param.field_info.annotation):
        return [field_schema]
    # An optional group is left out by sending none of its keys, not by a null body.
    field_schema["anyOf"] = [
        choice for choice in field_schema["anyOf"] if choice.get("type") != "null"
    ]
    absent = _absent_condition(models)
    if param.field_info.is_required():
        return [{"not": absent}, field_schema]
    return [{"anyOf": [absent, field_schema]}]


def apply_form_body_schema(body_params: list[ModelField], schema: dict[str, Any]) -> None:
    """Rewrite a combined form body schema from `field_<n>` properties to the form's keys."""
    parameter_schemas = schema.pop("properties")
    schema.pop("required", None)
    properties: dict[str, Any] = {}
    required: list[str] = []
    conditions: list[dict[str, Any]] = []
    for index, param in enumerate(body_params):
        field_schema = parameter_schemas[f"field_{index}"]
        models = form_models(param)
        if models:
            conditions.extend(_model_condition(param, models, field_schema))
            continue
        name = request_names(param)[0][0]
        if name in properties:
            # The same key declared twice: both declarations must hold.
            conditions.append({"properties": {name: field_schema}})
        else:
            properties[name] = field_schema
        if param.field_info.is_required() and name not in required:
            required.append(name)
    if properties:
        schema["properties"] = properties
    if required:
        schema["required"] = required
    schema["allOf"] = conditions
