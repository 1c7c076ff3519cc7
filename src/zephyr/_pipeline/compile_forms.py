"""STARTUP ONLY: describe how each form body parameter is read from a parsed form."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, Tag

from zephyr import params
from zephyr._pipeline import typeinfo
from zephyr._pipeline.fields import ModelField, model_fields
from zephyr._pipeline.plan import FormKey, FormModel

_CONTAINERS: dict[Any, Callable[[Any], Any]] = {
    Sequence: list,
    list: list,
    tuple: tuple,
    set: set,
    frozenset: frozenset,
    deque: deque,
}


def _container(annotation: Any) -> Callable[[Any], Any]:
    """Return the container type of a (possibly optional) sequence annotation."""
    annotation = typeinfo.strip_annotated(annotation)
    if typeinfo.is_union(annotation):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    origin = get_origin(annotation) or annotation
    return _CONTAINERS.get(origin, list)


def form_key(field: ModelField, names: Sequence[str], *, is_json: bool) -> FormKey:
    """Describe how one parameter (or model field) is read from a form."""
    annotation = field.field_info.annotation
    multi = typeinfo.is_sequence(annotation) and not is_json
    if isinstance(field.field_info, params.File):
        if typeinfo.is_bytes(annotation):
            return FormKey(tuple(names), multi, "one")
        if typeinfo.is_bytes_sequence(annotation):
            return FormKey(tuple(names), multi, "many", _container(annotation))
    return FormKey(tuple(names), multi)


def union_models(annotation: Any) -> list[type[BaseModel]]:
    """Return the models of a union of two or more models (`A | B | None`), else []."""
    if not typeinfo.is_union(annotation):
        return []
    models = []
    for arg in get_args(annotation):
        if arg is type(None):
            continue
        arg = typeinfo.strip_annotated(arg)
        if not typeinfo.lenient_issubclass(arg, BaseModel):
            return []
        models.append(arg)
    return models if len(models) > 1 else []


def form_models(field: ModelField, *, is_json: bool) -> list[type[BaseModel]]:
    """Return the model(s) a `Form()` parameter is filled into, or [] for a plain value."""
    info = field.field_info
    if not isinstance(info, params.Form) or getattr(info, "embed", None) or is_json:
        return []
    model = typeinfo.optional_model(info.annotation)
    if model is not None:
        return [model]
    return union_models(info.annotation)


def model_keys(model: type[BaseModel]) -> tuple[FormKey, ...]:
    """Describe how each field of a form model is read (by its own aliases)."""
    from zephyr._pipeline.compile_inputs import is_json_field, request_names

    keys = []
    for inner in model_fields(model):
        names = [reported for reported, _ in request_names(inner)]
        keys.append(form_key(inner, names, is_json=is_json_field(inner)))
    return tuple(keys)


def form_model(field: ModelField, models: list[type[BaseModel]]) -> FormModel:
    """Describe a form model parameter (a union of models reads every key as extra)."""
    from zephyr._pipeline.compile_inputs import request_names

    own = frozenset(
        reported
        for model in models
        for inner in model_fields(model)
        for reported, _ in request_names(inner)
    )
    keys = model_keys(models[0]) if len(models) == 1 else ()
    optional = type(None) in get_args(field.field_info.annotation)
    extra = any(model.model_config.get("extra") in ("allow", "forbid") for model in models)
    return FormModel(keys, optional, own, extra)


def with_union_normalizers(annotation: Any) -> Any:
    """Make each member of a union of form models re-read the form with its own fields."""
    from zephyr._pipeline.forms import normalize_for_model

    choices: list[Any] = []
    for choice in get_args(annotation):
        if choice is type(None):
            choices.append(choice)
            continue
        model, *metadata = get_args(choice) if get_origin(choice) is Annotated else (choice,)
        normalizer = BeforeValidator(partial(normalize_for_model, keys=model_keys(model)))
        # Keep a tag the user gave (discriminated unions), else name errors by model.
        tag = next((item for item in reversed(metadata) if isinstance(item, Tag)), None)
        choices.append(Annotated[choice, normalizer, tag or Tag(model.__name__)])
    return Union[tuple(choices)]
