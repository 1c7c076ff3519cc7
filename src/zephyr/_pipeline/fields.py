"""STARTUP ONLY: turn a parameter's `FieldInfo` into types Pydantic can validate.

`ModelField` is the FastAPI-shaped description of one parameter (name, alias, FieldInfo) that
`Dependant` lists carry and that third-party code inspects. The engine itself does not validate
field by field: it asks `validation_type()` for each field's annotated type and builds one
validator per endpoint (see `compile.py`). A `ModelField`'s own TypeAdapter is only built the
first time someone calls `.validate()` or `.serialize()` on it.
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

# The FieldInfo attributes Pydantic keeps outside `metadata`. Listed explicitly because
# `FieldInfo.asdict()` only exists on recent Pydantic releases.
_ATTRIBUTES = (
    "default",
    "default_factory",
    "alias",
    "alias_priority",
    "validation_alias",
    "serialization_alias",
    "title",
    "field_title_generator",
    "description",
    "examples",
    "exclude",
    "exclude_if",
    "discriminator",
    "deprecated",
    "json_schema_extra",
    "frozen",
    "validate_default",
    "repr",
    "init",
    "init_var",
    "kw_only",
)
# Where a value sits in the request is the engine's business, not the validator's.
_LOCATION_ATTRIBUTES = frozenset(
    {
        "default",
        "default_factory",
        "alias",
        "alias_priority",
        "validation_alias",
        "serialization_alias",
        "validate_default",
    }
)


def field_attributes(field_info: FieldInfo, *, drop_location: bool = False) -> dict[str, Any]:
    """Return the FieldInfo attributes that were set, as `Field()` keyword arguments."""
    attributes: dict[str, Any] = {}
    for name in _ATTRIBUTES:
        if drop_location and name in _LOCATION_ATTRIBUTES:
            continue
        value = getattr(field_info, name, PydanticUndefined)
        if value is not PydanticUndefined:
            attributes[name] = value
    return attributes


def validation_type(field_info: FieldInfo, *, drop_location: bool = False) -> Any:
    """Return `Annotated[annotation, *metadata, Field(...)]` for a TypeAdapter or a TypedDict.

    Args:
        field_info: The parameter's FieldInfo (annotation and constraints).
        drop_location: Leave out aliases and defaults: the engine extracts the raw value by
            request key itself and applies defaults outside the validator.
    """
    with warnings.catch_warnings():
        # Pydantic warns that aliases inside a bare Annotated are unused; they are, on purpose.
        warnings.simplefilter("ignore")
        extra = Field(**field_attributes(field_info, drop_location=drop_location))
    annotation = field_info.annotation if field_info.annotation is not None else Any
    return Annotated[(annotation, *field_info.metadata, extra)]


class UnresolvedAnnotationError(TypeError):
    """An annotation names something that cannot be found (a forward reference)."""


def build_type_adapter(type_: Any, config: ConfigDict | None = None) -> TypeAdapter[Any]:
    """Build a TypeAdapter, silencing Pydantic's warnings about unused field attributes.

    Raises:
        UnresolvedAnnotationError: The type mentions a name that cannot be resolved, which
            Pydantic would otherwise only report when the first request is validated.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adapter = TypeAdapter(type_, config=config)
    if not adapter.pydantic_complete:
        raise UnresolvedAnnotationError(
            f"{type_!r} refers to a name that cannot be resolved; define it at module level"
            " (with `from __future__ import annotations`, annotations are looked up in the"
            " module's globals, not in the enclosing function)"
        )
    return adapter


@functools.lru_cache(maxsize=1024)
def model_fields(model: type[BaseModel]) -> tuple[ModelField, ...]:
    """Return a model's fields as ModelFields (with the model's config, except for fields
    that are themselves models, dicts or dataclasses, whose own config applies)."""
    fields = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        nested = isinstance(annotation, type) and (
            issubclass(annotation, (BaseModel, dict)) or dataclasses.is_dataclass(annotation)
        )
        fields.append(
            ModelField(field_info=info, name=name, config=None if nested else model.model_config)
        )
    return tuple(fields)


def prefix_errors(errors: list[Any], prefix: tuple[str | int, ...]) -> list[dict[str, Any]]:
    """Return Pydantic error dicts with `prefix` put in front of each `loc`."""
    return [{**error, "loc": prefix + tuple(error.get("loc", ()))} for error in errors]


@dataclass
class ModelField:
    """One declared parameter or response type, the way FastAPI describes it.

    Attributes:
        field_info: The declaration (location class, annotation, constraints, aliases).
        name: The Python parameter name.
        mode: Whether the field validates input or describes output (affects JSON Schema).
        config: Pydantic config for the field's own validator.
    """

    field_info: FieldInfo
    name: str
    mode: Literal["validation", "serialization"] = "validation"
    config: ConfigDict | None = None
    _adapter: TypeAdapter[Any] | None = field(default=None, init=False, repr=False)

    @property
    def alias(self) -> str:
        """The request key: the declared alias, or the parameter name."""
        alias = self.field_info.alias
        return alias if alias is not None else self.name

    @property
    def validation_alias(self) -> str | None:
        """The validation alias when it is a plain string."""
        value = self.field_info.validation_alias
        return value if isinstance(value, str) and value else None

    @property
    def serialization_alias(self) -> str | None:
        """The serialization alias, if any."""
        return self.field_info.serialization_alias or None

    @property
    def default(self) -> Any:
        """The default value (calling a default factory), or Pydantic's Undefined."""
        return self.get_default()

    @property
    def required(self) -> bool:
        """Whether the request must provide a value."""
        return self.field_info.is_required()

    @property
    def type_adapter(self) -> TypeAdapter[Any]:
        """This field's own TypeAdapter, built on first use."""
        if self._adapter is None:
            if self.config is None:
                # Validators are shared between fields of the same type (see adapters.py).
                from zephyr._pipeline.adapters import field_adapter

                self._adapter = field_adapter(self.field_info)
            else:
                self._adapter = build_type_adapter(validation_type(self.field_info), self.config)
        return self._adapter

    def get_default(self) -> Any:
        """Return the default value, or Pydantic's Undefined when the field is required."""
        if self.field_info.is_required():
            return PydanticUndefined
        return self.field_info.get_default(call_default_factory=True)

    def validate(
        self, value: Any, values: dict[str, Any] | None = None, *, loc: tuple[str | int, ...] = ()
    ) -> tuple[Any, list[dict[str, Any]]]:
        """Validate `value`; return `(value, [])` or `(None, errors with loc prefixed)`."""
        try:
            return self.type_adapter.validate_python(value, from_attributes=True), []
        except ValidationError as exc:
            return None, prefix_errors(exc.errors(include_url=False), loc)

    def serialize(self, value: Any, *, mode: Literal["json", "python"] = "json", **kw: Any) -> Any:
        """Dump an already validated value to Python or JSON-compatible data."""
        return self.type_adapter.dump_python(value, mode=mode, **kw)

    def serialize_json(self, value: Any, **kw: Any) -> bytes:
        """Dump an already validated value to JSON bytes."""
        return self.type_adapter.dump_json(value, **kw)

    def __hash__(self) -> int:
        # Each declaration is its own thing, even when two look alike (schemas key on it).
        return id(self)
