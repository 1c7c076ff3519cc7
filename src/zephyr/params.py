"""Parameter declarations: where a value comes from and how it is validated.

`Path`, `Query`, `Header`, `Cookie`, `Body`, `Form` and `File` are Pydantic `FieldInfo`
subclasses, so everything Pydantic's `Field()` accepts (constraints, aliases, examples...) works
on them. `Depends` and `Security` declare dependencies. The engine reads these objects once, when
an endpoint is compiled; nothing here runs per request.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from pydantic import AliasChoices, AliasPath, Discriminator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from zephyr._concurrency_limit import DependencyConcurrency

__all__ = [
    "Body",
    "Cookie",
    "Depends",
    "File",
    "Form",
    "Header",
    "Param",
    "ParamTypes",
    "Path",
    "Query",
    "Security",
]

Undefined = PydanticUndefined


class _UnsetType:
    """Marks a keyword the caller did not pass, so it is not forwarded to `FieldInfo`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<unset>"

    def __bool__(self) -> bool:
        return False


_Unset: Any = _UnsetType()


class ParamTypes(Enum):
    """The request locations a non-body parameter can be read from."""

    query = "query"
    header = "header"
    path = "path"
    cookie = "cookie"


def _deprecation(message: str) -> None:
    # Imported lazily: zephyr.exceptions is a public module that imports heavier things.
    from zephyr.exceptions import FastAPIDeprecationWarning

    warnings.warn(message, category=FastAPIDeprecationWarning, stacklevel=5)


def _field_kwargs(
    *,
    default: Any,
    default_factory: Any,
    annotation: Any,
    alias: Any,
    alias_priority: Any,
    validation_alias: Any,
    serialization_alias: Any,
    title: Any,
    description: Any,
    gt: Any,
    ge: Any,
    lt: Any,
    le: Any,
    min_length: Any,
    max_length: Any,
    pattern: Any,
    regex: Any,
    discriminator: Any,
    strict: Any,
    validate_default: Any,
    union_mode: Any,
    fail_fast: Any,
    multiple_of: Any,
    allow_inf_nan: Any,
    max_digits: Any,
    decimal_places: Any,
    examples: Any,
    example: Any,
    deprecated: Any,
    json_schema_extra: Any,
) -> dict[str, Any]:
    """Build the keyword arguments for `FieldInfo.__init__`, dropping the ones left unset."""
    if example is not _Unset:
        _deprecation("`example` has been deprecated, please use `examples` instead")
    if regex is not None:
        _deprecation("`regex` has been deprecated, please use `pattern` instead")
    # An alias names the request key; by default it also names the key in serialized output.
    if serialization_alias in (_Unset, None) and isinstance(alias, str):
        serialization_alias = alias
    if validation_alias in (_Unset, None):
        validation_alias = alias
    kwargs: dict[str, Any] = {
        "default": default,
        "default_factory": default_factory,
        "annotation": annotation,
        "alias": alias,
        "alias_priority": alias_priority,
        "validation_alias": validation_alias,
        "serialization_alias": serialization_alias,
        "title": title,
        "description": description,
        "gt": gt,
        "ge": ge,
        "lt": lt,
        "le": le,
        "min_length": min_length,
        "max_length": max_length,
        "pattern": pattern or regex,
        "discriminator": discriminator,
        "strict": strict,
        "validate_default": validate_default,
        "union_mode": union_mode,
        "fail_fast": fail_fast,
        "multiple_of": multiple_of,
        "allow_inf_nan": allow_inf_nan,
        "max_digits": max_digits,
        "decimal_places": decimal_places,
        "examples": examples,
        "deprecated": deprecated,
        "json_schema_extra": json_schema_extra,
    }
    return {key: value for key, value in kwargs.items() if value is not _Unset}


class Param(FieldInfo):  # type: ignore[misc]
    """A parameter read from the path, the query string, a header or a cookie."""

    in_: ParamTypes

    def __init__(
        self,
        default: Any = Undefined,
        *,
        default_factory: Callable[[], Any] | None = _Unset,
        annotation: Any | None = None,
        alias: str | None = _Unset,
        alias_priority: int | None = _Unset,
        validation_alias: str | AliasPath | AliasChoices | None = _Unset,
        serialization_alias: str | None = _Unset,
        title: str | None = _Unset,
        description: str | None = _Unset,
        gt: float | None = None,
        ge: float | None = None,
        lt: float | None = None,
        le: float | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | re.Pattern[str] | None = None,
        regex: str | None = None,
        discriminator: str | Discriminator | None = _Unset,
        strict: bool | None = _Unset,
        validate_default: bool | None = _Unset,
        union_mode: Literal["smart", "left_to_right"] | None = _Unset,
        fail_fast: bool | None = _Unset,
        multiple_of: float | None = _Unset,
        allow_inf_nan: bool | None = _Unset,
        max_digits: int | None = _Unset,
        decimal_places: int | None = _Unset,
        examples: list[Any] | None = _Unset,
        example: Any = _Unset,
        openapi_examples: dict[str, Any] | None = None,
        deprecated: Any = _Unset,
        include_in_schema: bool = True,
        json_schema_extra: dict[str, Any] | Callable[[dict[str, Any]], None] | None = _Unset,
    ) -> None:
        self.example = example
        self.include_in_schema = include_in_schema
        self.openapi_examples = openapi_examples
        super().__init__(
            **_field_kwargs(
                default=default,
                default_factory=default_factory,
                annotation=annotation,
                alias=alias,
                alias_priority=alias_priority,
                validation_alias=validation_alias,
                serialization_alias=serialization_alias,
                title=title,
                description=description,
                gt=gt,
                ge=ge,
                lt=lt,
                le=le,
                min_length=min_length,
                max_length=max_length,
                pattern=pattern,
                regex=regex,
                discriminator=discriminator,
                strict=strict,
                validate_default=validate_default,
                union_mode=union_mode,
                fail_fast=fail_fast,
                multiple_of=multiple_of,
                allow_inf_nan=allow_inf_nan,
                max_digits=max_digits,
                decimal_places=decimal_places,
                examples=examples,
                example=example,
                deprecated=deprecated,
                json_schema_extra=json_schema_extra,
            )
        )

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.default})"


class Path(Param):  # type: ignore[misc]
    """A parameter taken from the URL path; always required."""

    in_ = ParamTypes.path

    def __init__(self, default: Any = ..., **kwargs: Any) -> None:
        if default is not ...:
            from zephyr._pipeline.errors import ConfigurationError

            raise ConfigurationError("Path parameters cannot have a default value")
        super().__init__(default=default, **kwargs)


class Query(Param):  # type: ignore[misc]
    """A parameter taken from the query string."""

    in_ = ParamTypes.query


class Header(Param):  # type: ignore[misc]
    """A parameter taken from a request header.

    By default the parameter name's underscores become hyphens (`user_agent` reads
    `User-Agent`); pass `convert_underscores=False` to keep them.
    """

    in_ = ParamTypes.header

    def __init__(
        self, default: Any = Undefined, *, convert_underscores: bool = True, **kwargs: Any
    ) -> None:
        self.convert_underscores = convert_underscores
        super().__init__(default=default, **kwargs)


class Cookie(Param):  # type: ignore[misc]
    """A parameter taken from a request cookie."""

    in_ = ParamTypes.cookie


class Body(FieldInfo):  # type: ignore[misc]
    """A parameter taken from the request body.

    `embed=True` expects the value under a key named after the parameter even when it is the
    only body parameter.
    """

    def __init__(
        self,
        default: Any = Undefined,
        *,
        default_factory: Callable[[], Any] | None = _Unset,
        annotation: Any | None = None,
        embed: bool | None = None,
        media_type: str = "application/json",
        alias: str | None = _Unset,
        alias_priority: int | None = _Unset,
        validation_alias: str | AliasPath | AliasChoices | None = _Unset,
        serialization_alias: str | None = _Unset,
        title: str | None = _Unset,
        description: str | None = _Unset,
        gt: float | None = None,
        ge: float | None = None,
        lt: float | None = None,
        le: float | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | re.Pattern[str] | None = None,
        regex: str | None = None,
        discriminator: str | Discriminator | None = _Unset,
        strict: bool | None = _Unset,
        validate_default: bool | None = _Unset,
        union_mode: Literal["smart", "left_to_right"] | None = _Unset,
        fail_fast: bool | None = _Unset,
        multiple_of: float | None = _Unset,
        allow_inf_nan: bool | None = _Unset,
        max_digits: int | None = _Unset,
        decimal_places: int | None = _Unset,
        examples: list[Any] | None = _Unset,
        example: Any = _Unset,
        openapi_examples: dict[str, Any] | None = None,
        deprecated: Any = _Unset,
        include_in_schema: bool = True,
        json_schema_extra: dict[str, Any] | Callable[[dict[str, Any]], None] | None = _Unset,
    ) -> None:
        self.embed = embed
        self.media_type = media_type
        self.example = example
        self.include_in_schema = include_in_schema
        self.openapi_examples = openapi_examples
        super().__init__(
            **_field_kwargs(
                default=default,
                default_factory=default_factory,
                annotation=annotation,
                alias=alias,
                alias_priority=alias_priority,
                validation_alias=validation_alias,
                serialization_alias=serialization_alias,
                title=title,
                description=description,
                gt=gt,
                ge=ge,
                lt=lt,
                le=le,
                min_length=min_length,
                max_length=max_length,
                pattern=pattern,
                regex=regex,
                discriminator=discriminator,
                strict=strict,
                validate_default=validate_default,
                union_mode=union_mode,
                fail_fast=fail_fast,
                multiple_of=multiple_of,
                allow_inf_nan=allow_inf_nan,
                max_digits=max_digits,
                decimal_places=decimal_places,
                examples=examples,
                example=example,
                deprecated=deprecated,
                json_schema_extra=json_schema_extra,
            )
        )

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.default})"


class Form(Body):  # type: ignore[misc]
    """A field of an urlencoded or multipart form body."""

    def __init__(
        self,
        default: Any = Undefined,
        *,
        media_type: str = "application/x-www-form-urlencoded",
        **kwargs: Any,
    ) -> None:
        super().__init__(default=default, media_type=media_type, **kwargs)


class File(Form):  # type: ignore[misc]
    """An uploaded file in a multipart form body."""

    def __init__(
        self,
        default: Any = Undefined,
        *,
        media_type: str = "multipart/form-data",
        **kwargs: Any,
    ) -> None:
        super().__init__(default=default, media_type=media_type, **kwargs)


@dataclass(frozen=True)
class Depends:
    """Declare that a parameter's value is the result of calling `dependency`.

    Attributes:
        dependency: The callable to run; when None, the parameter's annotation is called.
        use_cache: Reuse the value when the same dependency appears again in one request.
        scope: When a `yield` dependency's exit code runs: "function" (before the response is
            sent) or "request" (after it, the default for generators).
        max_concurrency: At most this many concurrent runs of this declaration per event loop.
    """

    dependency: Callable[..., Any] | None = None
    use_cache: bool = True
    scope: Literal["function", "request"] | None = None
    max_concurrency: int | None = field(default=None, kw_only=True)
    # Identity of the concurrency budget: copies made by dataclasses.replace keep it.
    _concurrency: DependencyConcurrency | None = field(default=None, repr=False, kw_only=True)

    def __post_init__(self) -> None:
        limit = self.max_concurrency
        if limit is None:
            object.__setattr__(self, "_concurrency", None)
            return
        if type(limit) is not int or limit < 1:
            raise ValueError("max_concurrency must be a positive integer or None")
        if self._concurrency is None or self._concurrency.max_concurrency != limit:
            object.__setattr__(self, "_concurrency", DependencyConcurrency(limit))


@dataclass(frozen=True)
class Security(Depends):
    """A dependency that also declares the OAuth2 scopes it requires."""

    scopes: Sequence[str] | None = None
