"""The functions users call in signatures: `Query(...)`, `Depends(...)` and friends.

They return the declaration objects from `zephyr.params`, typed as `Any` so that
`q: str = Query(None)` type-checks the way it does with FastAPI.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import AliasChoices, AliasPath, Discriminator
from pydantic_core import PydanticUndefined
from typing_extensions import TypedDict, Unpack

from zephyr import params

__all__ = ["Body", "Cookie", "Depends", "File", "Form", "Header", "Path", "Query", "Security"]


class FieldOptions(TypedDict, total=False):
    """Keyword options shared by every parameter declaration (Pydantic's `Field` options)."""

    default_factory: Callable[[], Any] | None
    alias: str | None
    alias_priority: int | None
    validation_alias: str | AliasPath | AliasChoices | None
    serialization_alias: str | None
    title: str | None
    description: str | None
    gt: float | None
    ge: float | None
    lt: float | None
    le: float | None
    min_length: int | None
    max_length: int | None
    pattern: str | re.Pattern[str] | None
    regex: str | None
    discriminator: str | Discriminator | None
    strict: bool | None
    validate_default: bool | None
    union_mode: Literal["smart", "left_to_right"] | None
    fail_fast: bool | None
    multiple_of: float | None
    allow_inf_nan: bool | None
    max_digits: int | None
    decimal_places: int | None
    examples: list[Any] | None
    example: Any
    openapi_examples: dict[str, Any] | None
    deprecated: Any
    include_in_schema: bool
    json_schema_extra: dict[str, Any] | Callable[[dict[str, Any]], None] | None


def Path(default: Any = ..., **options: Unpack[FieldOptions]) -> Any:
    """Declare a path parameter (always required)."""
    return params.Path(default, **options)


def Query(default: Any = PydanticUndefined, **options: Unpack[FieldOptions]) -> Any:
    """Declare a query-string parameter."""
    return params.Query(default, **options)


def Header(
    default: Any = PydanticUndefined,
    *,
    convert_underscores: bool = True,
    **options: Unpack[FieldOptions],
) -> Any:
    """Declare a header parameter; underscores in its name match hyphens unless told not to."""
    return params.Header(default, convert_underscores=convert_underscores, **options)


def Cookie(default: Any = PydanticUndefined, **options: Unpack[FieldOptions]) -> Any:
    """Declare a cookie parameter."""
    return params.Cookie(default, **options)


def Body(
    default: Any = PydanticUndefined,
    *,
    embed: bool | None = None,
    media_type: str = "application/json",
    **options: Unpack[FieldOptions],
) -> Any:
    """Declare a parameter read from the JSON request body."""
    return params.Body(default, embed=embed, media_type=media_type, **options)


def Form(
    default: Any = PydanticUndefined,
    *,
    media_type: str = "application/x-www-form-urlencoded",
    **options: Unpack[FieldOptions],
) -> Any:
    """Declare a form field (urlencoded or multipart)."""
    return params.Form(default, media_type=media_type, **options)


def File(
    default: Any = PydanticUndefined,
    *,
    media_type: str = "multipart/form-data",
    **options: Unpack[FieldOptions],
) -> Any:
    """Declare an uploaded file (multipart)."""
    return params.File(default, media_type=media_type, **options)


def Depends(
    dependency: Callable[..., Any] | None = None,
    *,
    use_cache: bool = True,
    scope: Literal["function", "request"] | None = None,
    max_concurrency: int | None = None,
) -> Any:
    """Declare that a parameter is the result of calling `dependency` for each request."""
    return params.Depends(
        dependency=dependency, use_cache=use_cache, scope=scope, max_concurrency=max_concurrency
    )


def Security(
    dependency: Callable[..., Any] | None = None,
    *,
    scopes: Sequence[str] | None = None,
    use_cache: bool = True,
    scope: Literal["function", "request"] | None = None,
    max_concurrency: int | None = None,
) -> Any:
    """Declare a dependency that requires the given OAuth2 scopes."""
    return params.Security(
        dependency=dependency,
        scopes=scopes,
        use_cache=use_cache,
        scope=scope,
        max_concurrency=max_concurrency,
    )
