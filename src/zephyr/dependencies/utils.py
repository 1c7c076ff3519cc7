"""FastAPI's `fastapi.dependencies.utils`, as adapters over Zephyr's engine.

Zephyr analyses callables and compiles routes in `zephyr._pipeline`; this module gives
third-party code the functions it imports from FastAPI's path — `get_dependant`,
`solve_dependencies`, `request_params_to_args`, `get_flat_params`... — with FastAPI's
signatures and results, answered by the same engine a route uses. Nothing here runs on
Zephyr's own request path.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from zephyr._pipeline.analyze import (
    ParamDetails,
    add_field,
    add_special,
    get_dependant,
    get_parameterless_sub_dependant,
    resolve_annotation,
    stream_item_type,
    typed_return_annotation,
    typed_signature,
)
from zephyr._pipeline.analyze import analyze_param as _analyze_param
from zephyr._pipeline.compile_inputs import param_model
from zephyr._pipeline.errors import Where
from zephyr._pipeline.fields import ModelField, model_fields
from zephyr._pipeline.graph import dependency_cache_key
from zephyr._pipeline.multipart_check import (
    ensure_multipart_is_installed,
    multipart_incorrect_install_error,
    multipart_not_installed_error,
)
from zephyr.dependencies._extract import request_body_to_args, request_params_to_args
from zephyr.dependencies._solve import SolvedDependency, solve_dependencies
from zephyr.dependencies.models import Dependant

__all__ = [
    "ParamDetails",
    "SolvedDependency",
    "add_non_field_param_to_dependency",
    "add_param_to_fields",
    "analyze_param",
    "ensure_multipart_is_installed",
    "get_dependant",
    "get_flat_dependant",
    "get_flat_params",
    "get_parameterless_sub_dependant",
    "get_stream_item_type",
    "get_typed_annotation",
    "get_typed_return_annotation",
    "get_typed_signature",
    "get_validation_alias",
    "multipart_incorrect_install_error",
    "multipart_not_installed_error",
    "request_body_to_args",
    "request_params_to_args",
    "solve_dependencies",
]


def get_typed_signature(call: Callable[..., Any]) -> inspect.Signature:
    """Return `call`'s signature with string annotations evaluated where possible."""
    return typed_signature(call)


def get_typed_annotation(annotation: Any, globalns: dict[str, Any]) -> Any:
    """Evaluate a string annotation in `globalns` ("None" gives None); others pass through."""
    return resolve_annotation(annotation, globalns)


def get_typed_return_annotation(call: Callable[..., Any]) -> Any:
    """Return `call`'s evaluated return annotation, or None when it has none."""
    return typed_return_annotation(call)


def get_stream_item_type(annotation: Any) -> Any | None:
    """Return `Item` for `AsyncIterable[Item]`-like annotations (Any when bare), else None."""
    return stream_item_type(annotation)


def analyze_param(
    *, param_name: str, annotation: Any, value: Any, is_path_param: bool
) -> ParamDetails:
    """Classify one parameter: a dependency, a framework object or a request value."""
    return _analyze_param(
        param_name=param_name,
        annotation=annotation,
        value=value,
        path_param_names={param_name} if is_path_param else set(),
        where=Where(),
    )


def add_param_to_fields(*, field: ModelField, dependant: Dependant) -> None:
    """Append a request parameter to the dependant's list for its location."""
    add_field(dependant, field)


def add_non_field_param_to_dependency(
    *, param_name: str, type_annotation: Any, dependant: Dependant
) -> bool | None:
    """Record a Request/WebSocket/Response/... parameter; None when it is not one."""
    return True if add_special(dependant, param_name, type_annotation) else None


def get_validation_alias(field: ModelField) -> str:
    """Return the key a parameter is read under: its validation alias, else its alias."""
    return field.validation_alias or field.alias


def get_flat_params(dependant: Dependant) -> list[ModelField]:
    """Return every path, query, header and cookie parameter of the tree, grouped by
    location; a dependency reached twice (same cache key) counts once, and parameter models
    are replaced by their fields."""
    groups: dict[str, list[ModelField]] = {"path": [], "query": [], "header": [], "cookie": []}
    visited: set[Any] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        key = dependency_cache_key(current)
        if key in visited:
            continue
        visited.add(key)
        groups["path"].extend(current.path_params)
        groups["query"].extend(current.query_params)
        groups["header"].extend(current.header_params)
        groups["cookie"].extend(current.cookie_params)
        pending.extend(reversed(current.dependencies))
    return [field for fields in groups.values() for field in _expand_models(fields)]


def _expand_models(fields: list[ModelField]) -> list[ModelField]:
    expanded: list[ModelField] = []
    for field in fields:
        model = param_model(field)
        expanded.extend(model_fields(model) if model is not None else [field])
    return expanded


def get_flat_dependant(
    dependant: Dependant, *, skip_repeats: bool = False, visited: list[Any] | None = None
) -> Dependant:
    """Return one Dependant holding the parameters of the whole tree (older FastAPI API).

    Args:
        dependant: The root of the tree.
        skip_repeats: Visit a dependency reached twice (same cache key) only once.
        visited: Cache keys already visited (shared across the recursion).
    """
    visited = [] if visited is None else visited
    visited.append(dependency_cache_key(dependant))
    flat = Dependant(
        path_params=list(dependant.path_params),
        query_params=list(dependant.query_params),
        header_params=list(dependant.header_params),
        cookie_params=list(dependant.cookie_params),
        body_params=list(dependant.body_params),
        use_cache=dependant.use_cache,
        path=dependant.path,
    )
    for sub in dependant.dependencies:
        if skip_repeats and dependency_cache_key(sub) in visited:
            continue
        flat_sub = get_flat_dependant(sub, skip_repeats=skip_repeats, visited=visited)
        flat.path_params.extend(flat_sub.path_params)
        flat.query_params.extend(flat_sub.query_params)
        flat.header_params.extend(flat_sub.header_params)
        flat.cookie_params.extend(flat_sub.cookie_params)
        flat.body_params.extend(flat_sub.body_params)
    return flat
