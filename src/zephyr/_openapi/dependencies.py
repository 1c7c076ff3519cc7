"""STARTUP ONLY: what an endpoint's dependency tree contributes to its operation.

The tree registration built (`route.dependant`) is walked once, the way FastAPI's document
walks it: each dependency counted once per cache key (callable, OAuth2 scopes when they
matter, exit scope), its path/query/header/cookie parameters collected in declaration order,
and every security scheme met below the endpoint recorded with the scopes accumulated on
the way down.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import BaseModel, Json

from zephyr import params
from zephyr._openapi.schemas import model_fields
from zephyr._pipeline.analyze import computed_scope
from zephyr._pipeline.fields import ModelField
from zephyr._pipeline.typeinfo import is_union, lenient_issubclass
from zephyr.dependencies.models import Dependant


@dataclass
class DependencyData:
    """The request parameters and security requirements of one endpoint.

    Attributes:
        path, query, header, cookie: Declared parameters (parameter models not expanded).
        security: (security scheme dependency, OAuth2 scopes) pairs, in walk order.
    """

    path: list[ModelField] = field(default_factory=list)
    query: list[ModelField] = field(default_factory=list)
    header: list[ModelField] = field(default_factory=list)
    cookie: list[ModelField] = field(default_factory=list)
    security: list[tuple[Any, list[str]]] = field(default_factory=list)

    def groups(self) -> list[tuple[str, list[ModelField]]]:
        """Return (location, fields) pairs in the order FastAPI lists parameters."""
        return [
            ("path", self.path),
            ("query", self.query),
            ("header", self.header),
            ("cookie", self.cookie),
        ]


def security_scheme(call: Any) -> Any | None:
    """Return the security scheme object a dependency callable is, if it is one."""
    from zephyr.security.base import SecurityBase

    if call is None:
        return None
    while isinstance(call, functools.partial):
        call = call.func
    unwrapped = inspect.unwrap(call)
    return unwrapped if isinstance(unwrapped, SecurityBase) else None


def _scopes(dependant: Dependant, parent: list[str]) -> list[str]:
    scopes = list(parent)
    for scope in dependant.own_oauth_scopes or []:
        if scope not in scopes:
            scopes.append(scope)
    return scopes


def _uses_scopes(dependant: Dependant, seen: dict[int, bool]) -> bool:
    known = seen.get(id(dependant))
    if known is not None:
        return known
    result = bool(
        dependant.own_oauth_scopes
        or dependant.security_scopes_param_name is not None
        or security_scheme(dependant.call) is not None
        or any(_uses_scopes(sub, seen) for sub in dependant.dependencies)
    )
    seen[id(dependant)] = result
    return result


def _cache_key(dependant: Dependant, seen: dict[int, bool]) -> Hashable:
    scopes: tuple[str, ...] = ()
    if _uses_scopes(dependant, seen):
        scopes = tuple(sorted(set(_scopes(dependant, dependant.parent_oauth_scopes or []))))
    return (dependant.call, scopes, computed_scope(dependant) or "")


def dependency_data(root: Dependant) -> DependencyData:
    """Walk the tree depth first, each cache key once, collecting parameters and security."""
    data = DependencyData()
    visited: set[Hashable] = set()
    visited_unhashable: list[Any] = []  # FastAPI compares keys by equality; keep that
    uses_scopes: dict[int, bool] = {}
    pending: list[tuple[Dependant, list[str], bool]] = [(root, [], True)]
    while pending:
        dependant, parent_scopes, is_root = pending.pop()
        key = _cache_key(dependant, uses_scopes)
        try:
            if key in visited:
                continue
            visited.add(key)
        except TypeError:
            if key in visited_unhashable:
                continue
            visited_unhashable.append(key)
        data.path.extend(dependant.path_params)
        data.query.extend(dependant.query_params)
        data.header.extend(dependant.header_params)
        data.cookie.extend(dependant.cookie_params)
        scopes = list(parent_scopes)
        for scope in _scopes(dependant, dependant.parent_oauth_scopes or []):
            if scope not in scopes:
                scopes.append(scope)
        scheme = security_scheme(dependant.call)
        if not is_root and scheme is not None:
            data.security.append((scheme, scopes))
        pending.extend((sub, scopes, False) for sub in reversed(dependant.dependencies))
    return data


def flat_body_params(root: Dependant) -> list[ModelField]:
    """Return every body parameter in the tree, depth first, repeats kept (as FastAPI)."""
    found: list[ModelField] = []
    pending = [root]
    while pending:
        dependant = pending.pop()
        found.extend(dependant.body_params)
        pending.extend(reversed(dependant.dependencies))
    return found


def is_json_field(field: ModelField) -> bool:
    """Return True for `Json[...]` parameters (never expanded as parameter models)."""
    return any(type(item) is Json for item in field.field_info.metadata)


def optional_model(annotation: Any) -> type[BaseModel] | None:
    """Return the model of `Model` or `Model | None`, else None."""
    if is_union(annotation):
        args = annotation.__args__
        if len(args) == 2 and type(None) in args:
            annotation = next(arg for arg in args if arg is not type(None))
    return annotation if lenient_issubclass(annotation, BaseModel) else None


def param_model(field: ModelField) -> type[BaseModel] | None:
    """Return the parameter model a Query/Header/Cookie parameter is, if it is one."""
    annotation = field.field_info.annotation
    if isinstance(field.field_info, (params.Query, params.Header, params.Cookie)):
        annotation = optional_model(annotation)
    if lenient_issubclass(annotation, BaseModel) and not is_json_field(field):
        return cast(type[BaseModel], annotation)
    return None


@functools.lru_cache(maxsize=1024)
def cached_model_fields(model: type[BaseModel]) -> tuple[ModelField, ...]:
    # Cached so a model's fields are the same objects everywhere in a document.
    return tuple(model_fields(model))


def flat_fields(fields: list[ModelField]) -> list[ModelField]:
    """Return the fields with every parameter model replaced by the model's own fields."""
    flat: list[ModelField] = []
    for item in fields:
        model = param_model(item)
        if model is not None:
            flat.extend(cached_model_fields(model))
        else:
            flat.append(item)
    return flat
