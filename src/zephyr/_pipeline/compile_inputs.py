"""STARTUP ONLY: build the request-input half of a plan (parameters and body).

All path, query, header and cookie parameters of an endpoint — its own and its
dependencies' — are validated by ONE pydantic-core call: a TypedDict whose keys are the
plan's values keys. Defaults are applied outside the validator (as FastAPI does: a default is
not validated unless `validate_default` is set), and errors are re-labelled with the request
location and name FastAPI reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import AliasChoices, AliasPath, BaseModel, Json
from pydantic_core import CoreSchema, SchemaValidator

from zephyr import params
from zephyr._pipeline import typeinfo
from zephyr._pipeline.adapters import compose_typed_dict, field_adapter
from zephyr._pipeline.bodyschema import json_direct_safe
from zephyr._pipeline.compile_forms import form_key, form_model, form_models
from zephyr._pipeline.errors import Where, config_error
from zephyr._pipeline.fields import ModelField, model_fields
from zephyr._pipeline.graph import FieldUse
from zephyr._pipeline.plan import (
    PICK_ALL,
    PICK_FIRST,
    PICK_LAST,
    PICK_VALUE,
    BodyField,
    BodyPlan,
    DefaultValue,
    ModelKey,
    ParamSource,
    ParamsPlan,
    SimpleRead,
)

_IMMUTABLE = (type(None), bool, int, float, str, bytes, frozenset, complex)


def make_default(key: str, field: ModelField) -> DefaultValue:
    """Describe how to produce an optional parameter's default for each request."""
    info = field.field_info
    validate = bool(info.validate_default)
    if info.default_factory is not None:
        factory: Any = info.default_factory
        return DefaultValue(key, None, factory, False, validate)
    value = info.default
    # FastAPI deep-copies defaults per request; immutable ones need no copy.
    return DefaultValue(key, value, None, not isinstance(value, _IMMUTABLE), validate)


def is_json_field(field: ModelField) -> bool:
    """Return True for `Json[...]` parameters: their raw value is parsed, never split."""
    return any(type(item) is Json for item in field.field_info.metadata)


def request_names(field: ModelField, *, convert_underscores: bool = False) -> list[tuple[str, str]]:
    """Return (name reported in errors, request key) pairs to try, in preference order."""
    info = field.field_info
    validation_alias = info.validation_alias
    alias = validation_alias if isinstance(validation_alias, str) and validation_alias else None
    alias = alias or field.alias
    request_alias = (
        alias.replace("_", "-") if convert_underscores and alias == field.name else alias
    )
    pairs = [(alias, request_alias)]
    if isinstance(info, params.Path) or isinstance(validation_alias, AliasPath):
        return pairs
    if isinstance(validation_alias, AliasChoices):
        if any(isinstance(choice, AliasPath) for choice in validation_alias.choices):
            return pairs
        pairs = [(str(choice), str(choice)) for choice in validation_alias.choices]
    config = field.config or {}
    by_name = config.get("validate_by_name", config.get("populate_by_name", False))
    if config.get("validate_by_alias") is False or by_name:
        name = field.name.replace("_", "-") if convert_underscores else field.name
        if config.get("validate_by_alias") is False:
            return [(field.name, name)]
        if field.name not in [reported for reported, _ in pairs]:
            pairs.append((field.name, name))
    return pairs


def param_model(field: ModelField) -> type[BaseModel] | None:
    """Return the model of a Query/Header/Cookie parameter model, else None."""
    info = field.field_info
    annotation = info.annotation
    if isinstance(info, (params.Query, params.Header, params.Cookie)):
        annotation = typeinfo.optional_model(annotation)
    if typeinfo.lenient_issubclass(annotation, BaseModel) and not is_json_field(field):
        return annotation  # type: ignore[return-value]
    return None


def _model_source(use: FieldUse, model: type[BaseModel]) -> ParamSource:
    """Describe a Query/Header/Cookie parameter model: one raw dict built from many keys."""
    is_header = use.location == "header"
    default_convert = getattr(use.field.field_info, "convert_underscores", True)
    keys: list[ModelKey] = []
    for inner in model_fields(model):
        info = inner.field_info
        convert = is_header and getattr(info, "convert_underscores", default_convert)
        pairs = request_names(inner, convert_underscores=convert)
        lookups = tuple(
            (request.lower() if is_header else request, key, request) for key, request in pairs
        )
        # An unconverted header field name must not come back in as an "extra" header.
        consumed = {key.lower() for key, request in pairs if key != request} if is_header else ()
        multi = typeinfo.is_sequence(info.annotation) and not is_json_field(inner)
        keys.append(ModelKey(inner.name, lookups, multi, tuple(sorted(consumed))))
    return ParamSource(
        key=use.key,
        location=use.location,  # type: ignore[arg-type]
        model_fields=tuple(keys),
        model_optional=use.field.field_info.annotation is not model,
        model_extra=model.model_config.get("extra") in ("allow", "forbid"),
        model_loc_by_alias=is_header and model.model_config.get("loc_by_alias", True),
    )


def _scalar_source(use: FieldUse) -> ParamSource:
    is_header = use.location == "header"
    pairs = request_names(use.field)
    names = tuple(request.lower() if is_header else request for _, request in pairs)
    reported = tuple(request for _, request in pairs)
    multi = typeinfo.is_sequence(use.field.field_info.annotation) and not is_json_field(use.field)
    return ParamSource(use.key, use.location, names, reported, multi)  # type: ignore[arg-type]


def build_params_plan(uses: Iterable[FieldUse], where: Where) -> ParamsPlan:
    """Build the extraction list and the single validator for non-body parameters."""
    sources: list[ParamSource] = []
    members: dict[str, tuple[CoreSchema, bool]] = {}
    singles: dict[str, SchemaValidator] = {}
    defaults: list[DefaultValue] = []
    validate_defaults: list[DefaultValue] = []
    prefixes: dict[str, tuple[str, ...]] = {}
    for use in uses:
        model = param_model(use.field)
        source = _model_source(use, model) if model else _scalar_source(use)
        sources.append(source)
        prefixes[use.key] = (use.location,) if model else (use.location, source.report_names[0])
        info = use.field.field_info
        required = info.is_required()
        try:
            adapter = field_adapter(info)
        except Exception as exc:  # pydantic raises several types for unsupported annotations
            raise config_error(
                f"Cannot validate parameter {use.field.name!r}: {exc}",
                where.at_param(use.field.name),
            ) from exc
        members[use.key] = (adapter.core_schema, required)
        singles[use.key] = adapter.validator  # type: ignore[assignment]
        if not required:
            target = validate_defaults if info.validate_default else defaults
            target.append(make_default(use.key, use.field))
    validator = compose_typed_dict(members) if members else None
    locations = {source.location for source in sources}
    simple = tuple(read for source in sources if (read := _simple_read(source)) is not None)
    simple_keys = {read[0] for read in simple}
    return ParamsPlan(
        sources=tuple(sources),
        validator=validator,
        defaults=tuple(defaults),
        validate_defaults=tuple(validate_defaults),
        error_prefix=prefixes,
        needs_query="query" in locations,
        needs_headers="header" in locations,
        needs_cookies="cookie" in locations,
        singles=singles,
        simple=simple,
        general=tuple(source for source in sources if source.key not in simple_keys),
    )


def _simple_read(source: ParamSource) -> SimpleRead | None:
    """Return the precomputed read of a one-name, non-model parameter, else None."""
    if source.model_fields or len(source.names) != 1:
        return None
    if source.location not in ("query", "header"):
        # A sequence from path or cookie data is rare: it is read the general way.
        return None if source.multi else (source.key, source.location, source.names[0], PICK_VALUE)
    # Starlette: the last query value wins, the first header wins.
    scalar = PICK_LAST if source.location == "query" else PICK_FIRST
    return (source.key, source.location, source.names[0], PICK_ALL if source.multi else scalar)


def should_embed(fields: list[ModelField]) -> bool:
    """Return True when the body is an object keyed by parameter names (FastAPI's rule)."""
    if not fields:
        return False
    if len({field.name for field in fields}) > 1:
        return True
    first = fields[0]
    first_models = form_models(first, is_json=is_json_field(first))
    # The same parameter name in two dependencies may hold different form models.
    if first_models and any(
        not form_models(field, is_json=is_json_field(field))
        or field.field_info.annotation is not first.field_info.annotation
        for field in fields[1:]
    ):
        return True
    if getattr(first.field_info, "embed", None):
        return True
    return (
        isinstance(first.field_info, params.Form)
        and not typeinfo.lenient_issubclass(first.field_info.annotation, BaseModel)
        and not first_models
    )


def build_body_plan(
    uses: list[FieldUse],
    all_body_fields: list[ModelField],
    strict_content_type: bool,
    where: Where,
) -> BodyPlan | None:
    """Build the body decoder: a form, one JSON value, or an object of embedded values."""
    if not uses:
        return None
    keys = tuple(use.key for use in uses)
    is_form = any(isinstance(use.field.field_info, params.Form) for use in uses)
    try:
        if is_form:
            fields = tuple(_form_field(use) for use in uses)
            return BodyPlan("form", None, None, None, False, fields, strict_content_type, keys)
        if should_embed(all_body_fields):
            fields = tuple(body_field(use) for use in uses)
            return BodyPlan("json", None, None, None, False, fields, strict_content_type, keys)
        use = uses[0]
        adapter = field_adapter(use.field.field_info)
    except Exception as exc:
        raise config_error(f"Cannot build a validator for the request body: {exc}", where) from exc
    default = None if use.field.required else make_default(use.key, use.field)
    # Same-named parameters of other dependencies each validate the whole body too.
    shared = tuple(body_field(other) for other in uses[1:])
    direct = json_direct_safe(adapter.core_schema) and not shared
    return BodyPlan(
        "json", use.key, adapter, default, direct, (), strict_content_type, keys, shared
    )


def body_field(use: FieldUse) -> BodyField:
    """Describe one embedded JSON body parameter (a key of the body object)."""
    names = tuple(reported for reported, _ in request_names(use.field))
    adapter = field_adapter(use.field.field_info)
    default = None if use.field.required else make_default(use.key, use.field)
    return BodyField(use.key, names, adapter, default)


def _form_field(use: FieldUse) -> BodyField:
    """Describe a body parameter read from a form: a plain value, or a form model."""
    field = use.field
    is_json = is_json_field(field)
    names = tuple(reported for reported, _ in request_names(field))
    adapter = field_adapter(field.field_info)
    default = None if field.required else make_default(use.key, field)
    models = form_models(field, is_json=is_json)
    if models:
        return BodyField(use.key, names, adapter, default, form_model=form_model(field, models))
    return BodyField(
        use.key, names, adapter, default, form_key=form_key(field, names, is_json=is_json)
    )
