"""STARTUP ONLY: the request body of an operation as ONE documented field.

An endpoint's body parameters — its own and its dependencies' — are documented as a single
schema: the parameter itself when there is one plain body, otherwise an object model named
`Body_<unique_id>` with one property per parameter (JSON, urlencoded form or multipart). The
combined field is built once per route declaration and kept on it.
"""

from __future__ import annotations

import copy
import functools
from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, create_model
from pydantic.fields import FieldInfo
from pydantic.types import GetPydanticSchema

from zephyr import params
from zephyr._openapi.dependencies import flat_body_params
from zephyr._openapi.forms import apply_form_body_schema, form_model_schema, form_models
from zephyr._pipeline.fields import ModelField
from zephyr._pipeline.typeinfo import lenient_issubclass

_CACHE_ATTRIBUTE = "_zephyr_openapi_body"


def should_embed(fields: list[ModelField]) -> bool:
    """Return True when the body is an object keyed by parameter names (FastAPI's rule)."""
    if not fields:
        return False
    # One parameter used by several dependencies counts once.
    if len({item.name for item in fields}) > 1:
        return True
    first = fields[0]
    first_models = form_models(first)
    if first_models and any(
        not form_models(item) or item.field_info.annotation is not first.field_info.annotation
        for item in fields[1:]
    ):
        return True
    if getattr(first.field_info, "embed", None):
        return True
    # A lone form value needs a key to be read by, so it is embedded; a form model is not.
    return (
        isinstance(first.field_info, params.Form)
        and not lenient_issubclass(first.field_info.annotation, BaseModel)
        and not first_models
    )


def _form_field(index: int, item: ModelField) -> ModelField:
    """Return a body parameter renamed `field_<index>` (the form schema hook renames back)."""
    info = copy.copy(item.field_info)
    models = form_models(item)
    if len(models) == 1:
        model = models[0]
        documented: Any = Annotated[
            model,
            GetPydanticSchema(get_pydantic_json_schema=functools.partial(form_model_schema, model)),
        ]
        info.annotation = documented if info.annotation is model else documented | None
    name = f"field_{index}"
    info.alias = info.validation_alias = info.serialization_alias = name
    info.title = info.title or item.name.replace("_", " ").title()
    return ModelField(field_info=info, name=name)


def _body_model(body_params: list[ModelField], name: str) -> type[BaseModel]:
    fields = body_params
    config: ConfigDict | None = None
    if any(form_models(item) for item in body_params):
        fields = [_form_field(index, item) for index, item in enumerate(body_params)]
        hook = functools.partial(apply_form_body_schema, body_params)
        config = ConfigDict(json_schema_extra=hook)
    definitions: dict[str, Any] = {
        item.name: (item.field_info.annotation, item.field_info) for item in fields
    }
    model: type[BaseModel] = create_model(name, __config__=config, **definitions)
    return model


def _embedded_info(body_params: list[ModelField], model: type[BaseModel]) -> FieldInfo:
    kwargs: dict[str, Any] = {"annotation": model, "alias": "body"}
    if not any(item.field_info.is_required() for item in body_params):
        kwargs["default"] = None
    infos = [item.field_info for item in body_params]
    cls: type[params.Body]
    if any(isinstance(info, params.File) for info in infos):
        return params.File(**kwargs)
    cls = params.Form if any(isinstance(info, params.Form) for info in infos) else params.Body
    media_types = [info.media_type for info in infos if isinstance(info, cls)]
    if cls is params.Form and "multipart/form-data" in media_types:
        kwargs["media_type"] = "multipart/form-data"
    elif len(set(media_types)) == 1:
        kwargs["media_type"] = media_types[0]
    return cls(**kwargs)


def combine_body(body_params: list[ModelField], name: str) -> ModelField | None:
    """Return the one field documenting these body parameters.

    Args:
        body_params: The endpoint's body parameters, dependencies' included, in order.
        name: The route's unique id (names the combined model `Body_<name>`).
    """
    if not body_params:
        return None
    first = body_params[0]
    embed = should_embed(body_params)
    nullable_form_model = any(
        form_models(item) and type(None) in get_args(item.field_info.annotation)
        for item in body_params
    )
    if not embed and not nullable_form_model:
        return first
    model = _body_model(body_params, "Body_" + name)
    if not embed:
        info = copy.copy(first.field_info)
        info.annotation = model
        # The original parameter keeps its constraints; the documented model needs none.
        info.metadata = []
        info.discriminator = None
        return ModelField(field_info=info, name=first.name)
    return ModelField(field_info=_embedded_info(body_params, model), name="body")


def route_body_field(route: Any) -> ModelField | None:
    """Return the route's documented body field, built on first use and kept on the route."""
    cached = route.__dict__.get(_CACHE_ATTRIBUTE)
    # Copies made for included routers share this dict entry until they are re-populated
    # with their own dependant and unique id, so check both.
    if cached is not None and cached[0] is route.dependant and cached[1] == route.unique_id:
        return cached[2]  # type: ignore[no-any-return]
    combined = combine_body(flat_body_params(route.dependant), route.unique_id)
    route.__dict__[_CACHE_ATTRIBUTE] = (route.dependant, route.unique_id, combined)
    return combined
