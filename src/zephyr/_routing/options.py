"""The keyword options every path operation decorator accepts (FastAPI's names)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from starlette.routing import BaseRoute
from typing_extensions import TypedDict

from zephyr import params
from zephyr.types import IncEx


class RouteOptions(TypedDict, total=False):
    """Options of `@app.get(...)` and friends; see FastAPI's path operation configuration."""

    response_model: Any
    status_code: int | None
    tags: list[str | Enum] | None
    dependencies: Sequence[params.Depends] | None
    summary: str | None
    description: str | None
    response_description: str
    responses: dict[int | str, dict[str, Any]] | None
    deprecated: bool | None
    operation_id: str | None
    response_model_include: IncEx | None
    response_model_exclude: IncEx | None
    response_model_by_alias: bool
    response_model_exclude_unset: bool
    response_model_exclude_defaults: bool
    response_model_exclude_none: bool
    include_in_schema: bool
    response_class: Any
    name: str | None
    callbacks: list[BaseRoute] | None
    openapi_extra: dict[str, Any] | None
    generate_unique_id_function: Callable[[Any], str]
    strict_content_type: bool
    max_body_size: int | None
    form_limits: dict[str, int] | None
