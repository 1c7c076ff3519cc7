"""STARTUP ONLY: read a callable's signature into a `Dependant`.

For each parameter decide what it is — a sub-dependency, a framework object (Request,
Response, BackgroundTasks...), or a request value with a location (path, query, header,
cookie, body, form, file) — using FastAPI's rules, so the same signature means the same thing.
This module and `compile.py` are the only places that inspect signatures and types.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import inspect
from collections.abc import Callable
from copy import copy
from typing import Annotated, Any, ForwardRef, Literal, cast, get_args, get_origin

from pydantic import AliasChoices
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from starlette.background import BackgroundTasks as StarletteBackgroundTasks
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from typing_extensions import TypeAliasType

from zephyr import params
from zephyr._concurrency_limit import DependencyConcurrency
from zephyr._pipeline import typeinfo
from zephyr._pipeline.callables import is_async_gen_callable, is_gen_callable
from zephyr._pipeline.compile_forms import union_models, with_union_normalizers
from zephyr._pipeline.errors import Where, config_error
from zephyr._pipeline.fields import ModelField, field_attributes
from zephyr._pipeline.multipart_check import ensure_multipart_is_installed
from zephyr._pipeline.pydantic_v1 import reject_pydantic_v1
from zephyr.dependencies.models import Dependant
from zephyr.exceptions import DependencyScopeError
from zephyr.security.oauth2 import SecurityScopes

_SPECIAL_TYPES = (
    Request,
    WebSocket,
    HTTPConnection,
    Response,
    StarletteBackgroundTasks,
    SecurityScopes,
)


def path_param_names(path: str) -> set[str]:
    """Return the parameter names in a route path template ("{id:int}" gives "id")."""
    names = set()
    for part in path.split("{")[1:]:
        names.add(part.split("}", 1)[0].split(":", 1)[0])
    return names


def resolve_annotation(annotation: Any, globalns: dict[str, Any]) -> Any:
    """Evaluate a string annotation in the callable's module; keep it unevaluated if unknown."""
    if isinstance(annotation, str):
        from pydantic._internal._typing_extra import try_eval_type

        annotation = try_eval_type(ForwardRef(annotation), globalns, globalns)[0]
        if annotation is type(None):
            return None
    return annotation


def _signature(call: Callable[..., Any]) -> inspect.Signature:
    try:
        return inspect.signature(call, eval_str=True)
    except NameError:
        # Annotations only importable under TYPE_CHECKING: keep the strings.
        return inspect.signature(call)


def typed_signature(call: Callable[..., Any]) -> inspect.Signature:
    """Return `call`'s signature with string annotations evaluated where possible."""
    signature = _signature(call)
    globalns = getattr(inspect.unwrap(call), "__globals__", {})
    return inspect.Signature(
        [
            param.replace(annotation=resolve_annotation(param.annotation, globalns))
            for param in signature.parameters.values()
        ]
    )


def typed_return_annotation(call: Callable[..., Any]) -> Any:
    """Return `call`'s evaluated return annotation, or None when it has none."""
    annotation = _signature(call).return_annotation
    if annotation is inspect.Signature.empty:
        return None
    return resolve_annotation(annotation, getattr(inspect.unwrap(call), "__globals__", {}))


_STREAM_ORIGINS = frozenset(
    {
        collections.abc.AsyncIterable,
        collections.abc.AsyncIterator,
        collections.abc.AsyncGenerator,
        collections.abc.Iterable,
        collections.abc.Iterator,
        collections.abc.Generator,
    }
)


def stream_item_type(annotation: Any) -> Any | None:
    """Return `Item` for `Iterable[Item]`-like annotations (Any when bare), else None."""
    origin = get_origin(annotation)
    if origin is None or origin not in _STREAM_ORIGINS:
        return None
    args = get_args(annotation)
    return args[0] if args else Any


def copy_field_info(field_info: FieldInfo, annotation: Any) -> FieldInfo:
    """Copy a declaration, folding in everything `Annotated[...]` says about the field.

    A Pydantic `Field(alias=..., default_factory=..., validate_default=...)` next to `Query()`
    in the same `Annotated` counts: its attributes are merged into the copy (the location
    class and its own options stay those of the declaration).
    """
    merged = type(field_info).from_annotation(annotation)
    result = copy(field_info)
    for name, value in field_attributes(merged).items():
        setattr(result, name, value)
    result._attributes_set = dict(merged._attributes_set)
    result.metadata = merged.metadata
    result.annotation = merged.annotation
    return result


@dataclasses.dataclass
class ParamDetails:
    """What one parameter turned out to be."""

    type_annotation: Any
    depends: params.Depends | None
    field: ModelField | None


def _fastapi_annotation(annotation: Any) -> FieldInfo | params.Depends | None:
    """Return the last Zephyr declaration inside `Annotated[...]`, if any."""
    found = None
    for arg in get_args(annotation)[1:]:
        if isinstance(arg, (params.Param, params.Body, params.Depends)):
            found = arg
    return found


def _declared(
    name: str, annotation: Any, value: Any, is_path: bool, where: Where
) -> tuple[Any, FieldInfo | None, params.Depends | None]:
    """Find the explicit declaration (in Annotated or as the default) of one parameter."""
    type_annotation = annotation
    field_info: FieldInfo | None = None
    depends: params.Depends | None = None
    if get_origin(annotation) is Annotated:
        type_annotation = get_args(annotation)[0]
        declared = _fastapi_annotation(annotation)
        if isinstance(declared, FieldInfo):
            field_info = copy_field_info(declared, annotation)
            if field_info.default not in (PydanticUndefined, ...):
                raise config_error(
                    f"`{type(declared).__name__}` default value cannot be set in `Annotated`"
                    f" for {name!r}. Set the default value with `=` instead.",
                    where.at_param(name),
                )
            if value is not inspect.Signature.empty:
                if is_path:
                    raise config_error(
                        "Path parameters cannot have default values", where.at_param(name)
                    )
                field_info.default = value
            else:
                field_info.default = PydanticUndefined
        elif isinstance(declared, params.Depends):
            depends = declared
    if isinstance(value, params.Depends):
        if depends is not None:
            raise config_error(
                f"Cannot specify `Depends` in `Annotated` and default value together for {name!r}",
                where.at_param(name),
            )
        if field_info is not None:
            raise config_error(
                "Cannot specify a FastAPI annotation in `Annotated` and `Depends` as a default"
                f" value together for {name!r}",
                where.at_param(name),
            )
        depends = value
    elif isinstance(value, FieldInfo):
        if field_info is not None:
            raise config_error(
                "Cannot specify FastAPI annotations in `Annotated` and default value"
                f" together for {name!r}",
                where.at_param(name),
            )
        field_info = value
        field_info.annotation = type_annotation
    if depends is not None and depends.dependency is None:
        depends = dataclasses.replace(depends, dependency=type_annotation)
    return type_annotation, field_info, depends


def _inferred(annotation: Any, value: Any, is_path: bool) -> FieldInfo:
    """Decide the location of an undeclared parameter from its name and type."""
    default = value if value is not inspect.Signature.empty else PydanticUndefined
    type_annotation = typeinfo.strip_annotated(annotation)
    field_info: FieldInfo
    if is_path:
        field_info = params.Path(annotation=annotation)
    elif typeinfo.is_upload(type_annotation) or typeinfo.is_upload_sequence(type_annotation):
        field_info = params.File(annotation=annotation, default=default)
    elif not typeinfo.is_scalar(type_annotation):
        field_info = params.Body(annotation=annotation, default=default)
    else:
        field_info = params.Query(annotation=annotation, default=default)
    if get_origin(annotation) is Annotated:
        inferred_default = field_info.default
        field_info = copy_field_info(field_info, annotation)
        field_info.default = inferred_default
        if is_path:
            field_info.default_factory = None
    return field_info


def _route_alias(field_info: FieldInfo, path_names: set[str]) -> FieldInfo:
    """For a path parameter with `AliasChoices`, use the choice this route's path declares."""
    choices = field_info.validation_alias
    if not isinstance(choices, AliasChoices) or not all(
        isinstance(choice, str) for choice in choices.choices
    ):
        return field_info
    for choice in choices.choices:
        if choice in path_names:
            # A copy: the same declaration may serve routes with other path names.
            chosen = copy(field_info)
            chosen.validation_alias = choice
            return chosen
    return field_info


def _make_field(name: str, field_info: FieldInfo, is_path: bool, where: Where) -> ModelField:
    """Finish a request parameter: location checks, alias, and its ModelField."""
    if is_path and not isinstance(field_info, params.Path):
        raise config_error(
            f"Cannot use `{type(field_info).__name__}` for path param {name!r}",
            where.at_param(name),
            "a parameter named like a {placeholder} in the path is always a path parameter",
        )
    reject_pydantic_v1(field_info.annotation, f"Parameter {name!r}")
    if isinstance(field_info, params.Form):
        ensure_multipart_is_installed()
    if isinstance(field_info, params.Form) and union_models(field_info.annotation):
        # Each member of a union of form models re-reads the form with its own fields.
        field_info.annotation = with_union_normalizers(field_info.annotation)
    if getattr(field_info, "convert_underscores", None) and not field_info.alias:
        alias = name.replace("_", "-")
    else:
        alias = field_info.alias or name
    field_info.alias = alias
    model_field = ModelField(name=name, field_info=field_info)
    inner = field_info.annotation
    if is_path and not typeinfo.is_scalar(inner):
        raise config_error(
            "Path params must be of one of the supported types", where.at_param(name)
        )
    if isinstance(field_info, params.Query) and not (
        typeinfo.is_scalar(inner)
        or typeinfo.is_scalar_sequence(inner)
        or typeinfo.optional_model(inner) is not None
    ):
        raise config_error(
            f"Query parameter {name!r} must be one of the supported types",
            where.at_param(name),
            "use a scalar, a list of scalars or a Pydantic model; send structured data as a Body",
        )
    return model_field


def analyze_param(
    *, param_name: str, annotation: Any, value: Any, path_param_names: set[str], where: Where
) -> ParamDetails:
    """Classify one parameter of an endpoint or dependency."""
    is_path = param_name in path_param_names
    if isinstance(annotation, TypeAliasType) or type(annotation).__name__ == "TypeAliasType":
        annotation = annotation.__value__
    use_annotation = Any if annotation is inspect.Signature.empty else annotation
    type_annotation, field_info, depends = _declared(
        param_name, use_annotation, value, is_path, where
    )
    if depends is None and typeinfo.lenient_issubclass(type_annotation, _SPECIAL_TYPES):
        if field_info is not None:
            raise config_error(
                f"Cannot specify FastAPI annotation for type {type_annotation!r}",
                where.at_param(param_name),
            )
        return ParamDetails(type_annotation, None, None)
    if depends is not None:
        return ParamDetails(type_annotation, depends, None)
    if field_info is None:
        field_info = _inferred(use_annotation, value, is_path)
    elif isinstance(field_info, params.Param) and getattr(field_info, "in_", None) is None:
        field_info.in_ = params.ParamTypes.query
    if isinstance(field_info, params.Path):
        field_info = _route_alias(field_info, path_param_names)
    model_field = _make_field(param_name, field_info, is_path, where)
    return ParamDetails(type_annotation, None, model_field)


def add_special(dependant: Dependant, name: str, annotation: Any) -> bool:
    """Record a Request/WebSocket/Response/... parameter; return False if it is not one."""
    kinds: tuple[tuple[type[Any], str], ...] = (
        (Request, "request_param_name"),
        (WebSocket, "websocket_param_name"),
        (HTTPConnection, "http_connection_param_name"),
        (Response, "response_param_name"),
        (StarletteBackgroundTasks, "background_tasks_param_name"),
        (SecurityScopes, "security_scopes_param_name"),
    )
    for cls, attribute in kinds:
        if typeinfo.lenient_issubclass(annotation, cls):
            setattr(dependant, attribute, name)
            return True
    return False


def add_field(dependant: Dependant, model_field: ModelField) -> None:
    """Append a request parameter to the dependant's list for its location."""
    info = model_field.field_info
    if isinstance(info, params.Body):
        dependant.body_params.append(model_field)
        return
    location = cast(params.Param, info).in_
    groups = {
        params.ParamTypes.path: dependant.path_params,
        params.ParamTypes.query: dependant.query_params,
        params.ParamTypes.header: dependant.header_params,
        params.ParamTypes.cookie: dependant.cookie_params,
    }
    groups[location].append(model_field)


def computed_scope(dependant: Dependant) -> str | None:
    """Return the exit scope a dependant runs with: its declared one, or "request" for yields."""
    if dependant.scope:
        return dependant.scope
    call = dependant.call
    if call is not None and (is_gen_callable(call) or is_async_gen_callable(call)):
        return "request"
    return None


def get_dependant(
    *,
    path: str,
    call: Callable[..., Any],
    name: str | None = None,
    own_oauth_scopes: list[str] | None = None,
    parent_oauth_scopes: list[str] | None = None,
    use_cache: bool = True,
    scope: Literal["function", "request"] | None = None,
    concurrency: DependencyConcurrency | None = None,
    where: Where | None = None,
) -> Dependant:
    """Analyse `call` and, recursively, its sub-dependencies."""
    where = (where or Where(path)).nested(call)
    dependant = Dependant(
        call=call,
        name=name,
        path=path,
        use_cache=use_cache,
        scope=scope,
        concurrency=concurrency,
        own_oauth_scopes=own_oauth_scopes,
        parent_oauth_scopes=parent_oauth_scopes,
    )
    current_scopes = (parent_oauth_scopes or []) + (own_oauth_scopes or [])
    names = path_param_names(path)
    try:
        signature = typed_signature(call)
    except (TypeError, ValueError) as exc:
        raise config_error(f"Cannot read the signature of {call!r}: {exc}", where) from exc
    for param_name, param in signature.parameters.items():
        details = analyze_param(
            param_name=param_name,
            annotation=param.annotation,
            value=param.default,
            path_param_names=names,
            where=where,
        )
        if details.depends is not None:
            sub = _sub_dependant(dependant, details.depends, param_name, path, current_scopes)
            dependant.dependencies.append(sub(where))
        elif details.field is not None:
            add_field(dependant, details.field)
        else:
            add_special(dependant, param_name, details.type_annotation)
    return dependant


def _sub_dependant(
    parent: Dependant,
    depends: params.Depends,
    name: str,
    path: str,
    parent_scopes: list[str],
) -> Callable[[Where], Dependant]:
    """Check scope rules for a sub-dependency and return a builder for its Dependant."""
    if (
        depends.scope == "function"
        and parent.call is not None
        and computed_scope(parent) == "request"
        and (is_gen_callable(parent.call) or is_async_gen_callable(parent.call))
    ):
        call_name = getattr(parent.call, "__name__", "<unnamed_callable>")
        raise DependencyScopeError(
            f'The dependency "{call_name}" has a scope of "request", it cannot depend on'
            ' dependencies with scope "function".'
        )
    own = list(depends.scopes or []) if isinstance(depends, params.Security) else []
    dependency = depends.dependency
    if dependency is None or not callable(dependency):
        raise config_error(f"Depends() for {name!r} has no callable", None)

    def build(where: Where) -> Dependant:
        return get_dependant(
            path=path,
            call=dependency,
            name=name,
            own_oauth_scopes=own,
            parent_oauth_scopes=parent_scopes,
            use_cache=depends.use_cache,
            scope=depends.scope,
            concurrency=depends._concurrency,
            where=where,
        )

    return build


def get_parameterless_sub_dependant(*, depends: params.Depends, path: str) -> Dependant:
    """Analyse an entry of `dependencies=[...]` (its value is not passed to the endpoint)."""
    if depends.dependency is None or not callable(depends.dependency):
        raise config_error(
            "A parameter-less dependency must have a callable dependency", Where(path)
        )
    own = list(depends.scopes or []) if isinstance(depends, params.Security) else []
    return get_dependant(
        path=path,
        call=depends.dependency,
        scope=depends.scope,
        concurrency=depends._concurrency,
        own_oauth_scopes=own,
    )
