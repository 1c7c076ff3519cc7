"""Route declarations: `APIRoute`, `APIWebSocketRoute` and `APIRouter`.

Registration only: decorators record routes; `include_router` records an inclusion (by
reference, as FastAPI 0.165 does, so routes added to a router later are served too). The
application compiles all of it into plans when it first runs (see `zephyr._pipeline`);
nothing here runs per request.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Awaitable, Callable, Collection, Coroutine, Sequence
from enum import Enum, IntEnum
from typing import Any, Literal, TypeVar

from pydantic.fields import FieldInfo
from starlette import routing
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, compile_path, get_name
from starlette.routing import Mount as Mount  # FastAPI's module exposes it (integrations use it)
from starlette.types import ASGIApp, Lifespan, Receive, Scope, Send
from typing_extensions import Unpack, deprecated

from zephyr import params, sse
from zephyr._form_limits import validate_form_limits, validate_max_body_size
from zephyr._pipeline.analyze import (
    get_dependant,
    get_parameterless_sub_dependant,
    stream_item_type,
    typed_return_annotation,
)
from zephyr._pipeline.callables import is_async_gen_callable, is_gen_callable
from zephyr._pipeline.errors import Where, config_error
from zephyr._pipeline.fields import ModelField
from zephyr._pipeline.pydantic_v1 import reject_pydantic_v1
from zephyr._pipeline.typeinfo import lenient_issubclass
from zephyr._routing import hooks
from zephyr._routing.frontend import Frontend, join_paths, normalize_path, resolve_check_dir

# FastAPI's handler builders, for code that looks them up here (integrations, custom routers);
# Zephyr's own routes run compiled plans and never call them.
from zephyr._routing.handlers import get_request_handler as get_request_handler
from zephyr._routing.handlers import get_websocket_app as get_websocket_app
from zephyr._routing.handlers import run_endpoint_function as run_endpoint_function
from zephyr._routing.lifespan import RouterLifespan, merge_lifespans
from zephyr._routing.options import RouteOptions
from zephyr._routing.routelist import RouteList
from zephyr.datastructures import Default, DefaultPlaceholder
from zephyr.dependencies.models import Dependant
from zephyr.dependencies.utils import solve_dependencies as solve_dependencies
from zephyr.exceptions import FastAPIError
from zephyr.sse import EventSourceResponse, ServerSentEvent
from zephyr.types import DecoratedCallable, IncEx
from zephyr.utils import generate_unique_id, get_value_or_default, is_body_allowed_for_status_code

__all__ = ["APIRoute", "APIRouter", "APIWebSocketRoute", "IncludedRouter"]

_T = TypeVar("_T")

# Seconds of silence before an SSE stream sends a keep-alive comment. Read at each use from
# this module (where FastAPI keeps it), so apps and tests may change it.
_PING_INTERVAL: float = sse._PING_INTERVAL

_INVALID_RESPONSE_TYPE = (
    "Invalid args for response field! Hint: check that {type_} is a valid Pydantic field type."
    " If you are using a return type annotation that is not a valid Pydantic field"
    " (e.g. Union[Response, dict, None]) you can disable generating the response model from"
    " the type annotation with the path operation decorator parameter response_model=None."
    " Read more: https://fastapi.tiangolo.com/tutorial/response-model/"
)


def response_field(name: str, type_: Any) -> ModelField:
    """Build the response model's field now, so an unusable type fails at declaration time."""
    reject_pydantic_v1(type_, "The response model")
    field = ModelField(field_info=FieldInfo(annotation=type_), name=name, mode="serialization")
    try:
        field.type_adapter  # noqa: B018 - built eagerly on purpose
    except Exception as exc:
        raise FastAPIError(_INVALID_RESPONSE_TYPE.format(type_=type_)) from exc
    return field


def build_dependant(
    path: str, call: Callable[..., Any], deps: Sequence[params.Depends]
) -> Dependant:
    """Analyse an endpoint; `dependencies=[...]` run first, in order, their values unused."""
    dependant = get_dependant(path=path, call=call, scope="function")
    for depends in reversed(deps):
        dependant.dependencies.insert(
            0, get_parameterless_sub_dependant(depends=depends, path=path)
        )
    return dependant


class APIRoute(routing.Route):
    """A path operation: an endpoint with its path, methods and FastAPI options."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        self.form_limits = validate_form_limits(options.pop("form_limits", None))
        self._populate(path, endpoint, **options)

    def _populate(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        response_model: Any = Default(None),
        status_code: int | None = None,
        tags: list[str | Enum] | None = None,
        dependencies: Sequence[params.Depends] | None = None,
        summary: str | None = None,
        description: str | None = None,
        response_description: str = "Successful Response",
        responses: dict[int | str, dict[str, Any]] | None = None,
        deprecated: bool | None = None,
        name: str | None = None,
        methods: set[str] | list[str] | None = None,
        operation_id: str | None = None,
        response_model_include: IncEx | None = None,
        response_model_exclude: IncEx | None = None,
        response_model_by_alias: bool = True,
        response_model_exclude_unset: bool = False,
        response_model_exclude_defaults: bool = False,
        response_model_exclude_none: bool = False,
        include_in_schema: bool = True,
        response_class: type[Response] | DefaultPlaceholder = Default(JSONResponse),
        dependency_overrides_provider: Any | None = None,
        callbacks: list[BaseRoute] | None = None,
        openapi_extra: dict[str, Any] | None = None,
        generate_unique_id_function: Callable[[Any], str] | DefaultPlaceholder = Default(
            generate_unique_id
        ),
        strict_content_type: bool | DefaultPlaceholder = Default(True),
        max_body_size: int | None = None,
        stream_item_type: Any | None = None,
    ) -> None:
        if not callable(endpoint):
            raise config_error("An endpoint must be a callable", Where(path))
        self.path = path
        self.endpoint = endpoint
        self.summary = summary
        self.response_description = response_description
        self.deprecated = deprecated
        self.operation_id = operation_id
        self.response_model_include = response_model_include
        self.response_model_exclude = response_model_exclude
        self.response_model_by_alias = response_model_by_alias
        self.response_model_exclude_unset = response_model_exclude_unset
        self.response_model_exclude_defaults = response_model_exclude_defaults
        self.response_model_exclude_none = response_model_exclude_none
        self.include_in_schema = include_in_schema
        self.response_class = response_class
        self.dependency_overrides_provider = dependency_overrides_provider
        self.callbacks = callbacks
        self.openapi_extra = openapi_extra
        self.generate_unique_id_function = generate_unique_id_function
        self.strict_content_type = strict_content_type
        validate_max_body_size(max_body_size)
        self.max_body_size = max_body_size
        self.tags = tags or []
        self.responses = responses or {}
        self.name = get_name(endpoint) if name is None else name
        self.path_regex, self.path_format, self.param_convertors = compile_path(path)
        self.methods = {method.upper() for method in (methods if methods is not None else ["GET"])}
        unique = get_value_or_default(generate_unique_id_function)
        unique_fn = unique.value if isinstance(unique, DefaultPlaceholder) else unique
        self.unique_id = self.operation_id or unique_fn(self)
        self.status_code = int(status_code) if isinstance(status_code, IntEnum) else status_code
        self.dependencies = list(dependencies or [])
        text = description or inspect.cleandoc(endpoint.__doc__ or "")
        # A form feed ends the part of a docstring meant for the API documentation.
        self.description = text.split("\f")[0].strip()
        self.response_fields = self._additional_response_fields()
        self.dependant = build_dependant(self.path_format, endpoint, self.dependencies)
        is_generator = is_gen_callable(endpoint) or is_async_gen_callable(endpoint)
        # A generator endpoint streams: JSON Lines by default, SSE with EventSourceResponse.
        self.is_sse_stream = is_generator and lenient_issubclass(
            response_class, EventSourceResponse
        )
        self.is_json_stream = is_generator and isinstance(response_class, DefaultPlaceholder)
        self.stream_item_type = stream_item_type
        self.response_model = self._resolve_response_model(response_model, is_generator)
        self.stream_item_field: ModelField | None = None
        if self.stream_item_type is not None:
            self.stream_item_field = response_field(
                "StreamItem_" + self.unique_id, self.stream_item_type
            )
        self.response_field: ModelField | None = None
        if self.response_model:
            if not is_body_allowed_for_status_code(self.status_code):
                raise config_error(
                    f"Status code {self.status_code} must not have a response body",
                    Where(self.path_format, (endpoint,)),
                )
            self.response_field = response_field("Response_" + self.unique_id, self.response_model)
        self.body_field = self.dependant.body_params[0] if self.dependant.body_params else None
        self._app: ASGIApp | None = None
        # Compile now: a parameter Pydantic cannot validate fails here, at declaration, as in
        # FastAPI. (Copies made for included routers re-populate, which drops this cache.)
        from zephyr._pipeline.table import compile_declared

        compile_declared(self)

    def _additional_response_fields(self) -> dict[int | str, ModelField]:
        fields: dict[int | str, ModelField] = {}
        for code, response in self.responses.items():
            if not isinstance(response, dict):
                raise config_error("An additional response must be a dict", Where(self.path))
            model = response.get("model")
            if model:
                if not is_body_allowed_for_status_code(code):
                    raise config_error(
                        f"Status code {code} must not have a response body", Where(self.path)
                    )
                fields[code] = response_field(f"Response_{code}_{self.unique_id}", model)
        return fields

    def _resolve_response_model(self, response_model: Any, is_generator: bool) -> Any:
        """Use the return annotation when no response_model was given (None disables it).

        For a generator endpoint annotated `Iterable[Item]` (or AsyncIterator, Generator...)
        the item type validates each streamed item instead (not for ServerSentEvent items,
        which are the wire format itself).
        """
        if not isinstance(response_model, DefaultPlaceholder):
            return response_model
        annotation = typed_return_annotation(self.endpoint)
        if lenient_issubclass(annotation, Response):
            return None
        item = stream_item_type(annotation)
        if item is None or not is_generator:
            return annotation
        streams_items = self.is_json_stream or self.is_sse_stream
        if streams_items and not lenient_issubclass(item, ServerSentEvent):
            self.stream_item_type = item
        return None

    @property
    def app(self) -> ASGIApp:
        """A stand-alone ASGI app for this route (compiled on first use)."""
        if self._app is None:
            from zephyr._pipeline.handler import standalone_route_app

            self._app = standalone_route_app(self)
        return self._app

    @app.setter
    def app(self, value: ASGIApp) -> None:
        self._app = value

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Return a `request -> response` coroutine running this route's plan.

        Custom route classes override this to wrap the handler (timing, request decoding...);
        routes whose class overrides it are served through the handler they return.
        """
        from zephyr._pipeline.handler import route_handler

        if hooks.replaced():
            # An integration replaced a `fastapi.routing` function: build the handler the
            # way FastAPI does, through it (see zephyr._routing.hooks).
            from zephyr._routing.hooked import route_request_handler

            return route_request_handler(self)
        return route_handler(self)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Match like a Starlette route and record this route in the child scope."""
        match, child_scope = super().matches(scope)
        if match != Match.NONE:
            child_scope["route"] = self
        return match, child_scope


class APIWebSocketRoute(routing.WebSocketRoute):
    """A WebSocket endpoint with dependency injection."""

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        name: str | None = None,
        dependencies: Sequence[params.Depends] | None = None,
        dependency_overrides_provider: Any | None = None,
    ) -> None:
        self.path = path
        self.endpoint = endpoint
        self.name = get_name(endpoint) if name is None else name
        self.dependencies = list(dependencies or [])
        self.dependency_overrides_provider = dependency_overrides_provider
        self.path_regex, self.path_format, self.param_convertors = compile_path(path)
        self.dependant = build_dependant(self.path_format, endpoint, self.dependencies)
        self._app: ASGIApp | None = None
        from zephyr._pipeline.table import compile_declared

        compile_declared(self, websocket=True)

    @property
    def app(self) -> ASGIApp:
        """A stand-alone ASGI app for this route (compiled on first use)."""
        if self._app is None:
            from zephyr._pipeline.handler import standalone_route_app

            self._app = standalone_route_app(self)
        return self._app

    @app.setter
    def app(self, value: ASGIApp) -> None:
        self._app = value

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Match like a Starlette route and record this route in the child scope."""
        match, child_scope = super().matches(scope)
        if match != Match.NONE:
            child_scope["route"] = self
        return match, child_scope


class IncludedRouter(BaseRoute):
    """A router included into another, with the options given to `include_router`.

    Kept by reference: routes added to `router` after the inclusion are served too.
    """

    def __init__(self, router: APIRouter, options: dict[str, Any]) -> None:
        self.router = router
        self.options = options

    @property
    def routes(self) -> list[BaseRoute]:
        """The included router's own routes."""
        return self.router.routes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # Routing goes through the compiled table; this record is never matched directly.
        return Match.NONE, {}

    def effective_routes(self) -> list[BaseRoute]:
        """Return the included router's routes as this inclusion serves them (full paths,
        the inclusion's options applied), nested inclusions flattened in place."""
        from zephyr._routing.flatten import effective_routes

        return effective_routes(self.router, self.options, parent=None)

    def effective_low_priority_routes(self) -> list[Any]:
        """Return the frontends (`router.frontend(...)`) this inclusion serves, as served."""
        from zephyr._routing.flatten import included_frontends

        return list(included_frontends(self.router, self.options))

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        for route in self.effective_routes():
            try:
                return route.url_path_for(name, **path_params)
            except routing.NoMatchFound:
                pass
        raise routing.NoMatchFound(name, path_params)

    def __repr__(self) -> str:
        return f"IncludedRouter(prefix={self.options.get('prefix', '')!r}, router={self.router!r})"


class APIRouter(routing.Router):
    """Group path operations; include it in an app (or another router) with `include_router`."""

    def __init__(
        self,
        *,
        prefix: str = "",
        tags: list[str | Enum] | None = None,
        dependencies: Sequence[params.Depends] | None = None,
        default_response_class: type[Response] = Default(JSONResponse),
        responses: dict[int | str, dict[str, Any]] | None = None,
        callbacks: list[BaseRoute] | None = None,
        routes: list[BaseRoute] | None = None,
        redirect_slashes: bool = True,
        default: ASGIApp | None = None,
        dependency_overrides_provider: Any | None = None,
        route_class: type[APIRoute] = APIRoute,
        on_startup: Sequence[Callable[[], Any]] | None = None,
        on_shutdown: Sequence[Callable[[], Any]] | None = None,
        lifespan: Lifespan[Any] | None = None,
        deprecated: bool | None = None,
        include_in_schema: bool = True,
        generate_unique_id_function: Callable[[APIRoute], str] = Default(generate_unique_id),
        strict_content_type: bool = Default(True),
        max_body_size: int | None = None,
        form_limits: dict[str, int] | None = None,
    ) -> None:
        if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
            raise config_error(
                f"Invalid router prefix {prefix!r}",
                None,
                "a prefix starts with '/' and does not end with '/', e.g. prefix='/items'",
            )
        self._lifespan = RouterLifespan(self, lifespan)
        super().__init__(redirect_slashes=redirect_slashes, default=default)
        self.lifespan_context = self._lifespan.context
        self.routes: list[BaseRoute] = RouteList(routes or [], self._changed)
        self.on_startup: list[Callable[[], Any]] = list(on_startup or [])
        self.on_shutdown: list[Callable[[], Any]] = list(on_shutdown or [])
        self.prefix = prefix
        self.tags: list[str | Enum] = tags or []
        self.dependencies = list(dependencies or [])
        self.deprecated = deprecated
        self.include_in_schema = include_in_schema
        self.responses = responses or {}
        self.callbacks = callbacks or []
        self.dependency_overrides_provider = dependency_overrides_provider
        self.route_class = route_class
        self.default_response_class = default_response_class
        self.generate_unique_id_function = generate_unique_id_function
        self.strict_content_type = strict_content_type
        validate_max_body_size(max_body_size)
        self.max_body_size = max_body_size
        self.form_limits = validate_form_limits(form_limits)
        self._listeners: list[Callable[[], None]] = []
        self._core: Any = None
        self._frontends: list[Frontend] = []

    # -- change tracking: an app recompiles when any router it serves changes ---------------

    def _changed(self) -> None:
        self._core = None
        for listener in list(self._listeners):
            listener()

    def _listen(self, listener: Callable[[], None]) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    # -- registration --------------------------------------------------------------------

    def add_api_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: set[str] | list[str] | None = None,
        route_class_override: type[APIRoute] | None = None,
        **options: Unpack[RouteOptions],
    ) -> None:
        """Register a path operation (the decorators call this)."""
        route_class = route_class_override or self.route_class
        kwargs: dict[str, Any] = dict(options)
        kwargs["responses"] = {**self.responses, **(kwargs.get("responses") or {})}
        kwargs["response_class"] = get_value_or_default(
            kwargs.get("response_class", Default(JSONResponse)), self.default_response_class
        )
        kwargs["tags"] = [*self.tags, *(kwargs.get("tags") or [])]
        kwargs["dependencies"] = [*self.dependencies, *(kwargs.get("dependencies") or [])]
        kwargs["callbacks"] = [*self.callbacks, *(kwargs.get("callbacks") or [])]
        kwargs["deprecated"] = kwargs.get("deprecated") or self.deprecated
        kwargs["include_in_schema"] = (
            kwargs.get("include_in_schema", True) and self.include_in_schema
        )
        kwargs["generate_unique_id_function"] = get_value_or_default(
            kwargs.get("generate_unique_id_function", Default(generate_unique_id)),
            self.generate_unique_id_function,
        )
        kwargs["strict_content_type"] = get_value_or_default(
            kwargs.get("strict_content_type", Default(True)), self.strict_content_type
        )
        limit = kwargs.get("max_body_size")
        kwargs["max_body_size"] = limit if limit is not None else self.max_body_size
        if kwargs.get("form_limits") is None:
            kwargs.pop("form_limits", None)
        route = route_class(
            self.prefix + path,
            endpoint=endpoint,
            methods=methods,
            dependency_overrides_provider=self.dependency_overrides_provider,
            **kwargs,
        )
        self.routes.append(route)

    def api_route(
        self, path: str, *, methods: list[str] | None = None, **options: Unpack[RouteOptions]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate an endpoint served for the given methods (GET by default)."""

        def decorator(func: DecoratedCallable) -> DecoratedCallable:
            self.add_api_route(path, func, methods=methods, **options)
            return func

        return decorator

    def get(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[_T], _T]:
        """Decorate a GET path operation."""
        return self.api_route(path, methods=["GET"], **options)  # type: ignore[return-value]

    def put(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[_T], _T]:
        """Decorate a PUT path operation."""
        return self.api_route(path, methods=["PUT"], **options)  # type: ignore[return-value]

    def post(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[_T], _T]:
        """Decorate a POST path operation."""
        return self.api_route(path, methods=["POST"], **options)  # type: ignore[return-value]

    def delete(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[_T], _T]:
        """Decorate a DELETE path operation."""
        return self.api_route(path, methods=["DELETE"], **options)  # type: ignore[return-value]

    def options(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[_T], _T]:
        """Decorate an OPTIONS path operation."""
        return self.api_route(path, methods=["OPTIONS"], **options)  # type: ignore[return-value]

    def head(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[_T], _T]:
        """Decorate a HEAD path operation."""
        return self.api_route(path, methods=["HEAD"], **options)  # type: ignore[return-value]

    def patch(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[_T], _T]:
        """Decorate a PATCH path operation."""
        return self.api_route(path, methods=["PATCH"], **options)  # type: ignore[return-value]

    def trace(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[_T], _T]:
        """Decorate a TRACE path operation."""
        return self.api_route(path, methods=["TRACE"], **options)  # type: ignore[return-value]

    def add_api_websocket_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        name: str | None = None,
        *,
        dependencies: Sequence[params.Depends] | None = None,
    ) -> None:
        """Register a WebSocket endpoint with dependency injection."""
        route = APIWebSocketRoute(
            self.prefix + path,
            endpoint=endpoint,
            name=name,
            dependencies=[*self.dependencies, *(dependencies or [])],
            dependency_overrides_provider=self.dependency_overrides_provider,
        )
        self.routes.append(route)

    def websocket(
        self,
        path: str,
        name: str | None = None,
        *,
        dependencies: Sequence[params.Depends] | None = None,
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a WebSocket endpoint."""

        def decorator(func: DecoratedCallable) -> DecoratedCallable:
            self.add_api_websocket_route(path, func, name=name, dependencies=dependencies)
            return func

        return decorator

    def websocket_route(
        self, path: str, name: str | None = None
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a plain Starlette WebSocket endpoint (no dependency injection)."""

        def decorator(func: DecoratedCallable) -> DecoratedCallable:
            self.add_websocket_route(path, func, name=name)
            return func

        return decorator

    def add_route(
        self,
        path: str,
        endpoint: Callable[[Request], Awaitable[Response] | Response],
        methods: Collection[str] | None = None,
        name: str | None = None,
        include_in_schema: bool = True,
    ) -> None:
        """Register a plain Starlette route (`endpoint(request) -> response`)."""
        self.routes.append(
            routing.Route(
                path, endpoint, methods=methods, name=name, include_in_schema=include_in_schema
            )
        )

    def add_websocket_route(
        self, path: str, endpoint: Callable[..., Any], name: str | None = None
    ) -> None:
        """Register a plain Starlette WebSocket route."""
        self.routes.append(routing.WebSocketRoute(path, endpoint, name=name))

    def route(
        self,
        path: str,
        methods: Collection[str] | None = None,
        name: str | None = None,
        include_in_schema: bool = True,
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a plain Starlette endpoint."""

        def decorator(func: DecoratedCallable) -> DecoratedCallable:
            self.add_route(
                path, func, methods=methods, name=name, include_in_schema=include_in_schema
            )
            return func

        return decorator

    def mount(self, path: str, app: ASGIApp, name: str | None = None) -> None:
        """Serve another ASGI application under `path`."""
        self.routes.append(routing.Mount(path, app=app, name=name))

    def host(self, host: str, app: ASGIApp, name: str | None = None) -> None:
        """Serve another ASGI application for requests to `host`."""
        self.routes.append(routing.Host(host, app=app, name=name))

    def include_router(
        self,
        router: APIRouter,
        *,
        prefix: str = "",
        tags: list[str | Enum] | None = None,
        dependencies: Sequence[params.Depends] | None = None,
        default_response_class: type[Response] = Default(JSONResponse),
        responses: dict[int | str, dict[str, Any]] | None = None,
        callbacks: list[BaseRoute] | None = None,
        deprecated: bool | None = None,
        include_in_schema: bool = True,
        generate_unique_id_function: Callable[[APIRoute], str] = Default(generate_unique_id),
        max_body_size: int | None = None,
        form_limits: dict[str, int] | None = None,
    ) -> None:
        """Serve `router`'s routes from this router, with extra prefix, tags, dependencies..."""
        if router is self:
            raise config_error(
                "Cannot include the same APIRouter instance into itself. Did you mean to"
                " include a different router?",
                None,
            )
        if router._contains(self):
            raise config_error(
                "Cannot include an APIRouter instance that already includes this router.",
                None,
                "did you mean to include a different router?",
            )
        if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
            raise config_error(
                f"Invalid include prefix {prefix!r}",
                None,
                "a prefix starts with '/' and does not end with '/'",
            )
        if not prefix:
            self._check_empty_paths(router)
        validate_max_body_size(max_body_size)
        form_limits = validate_form_limits(form_limits)
        options = {
            "prefix": prefix,
            "tags": tags,
            "dependencies": dependencies,
            "default_response_class": default_response_class,
            "responses": responses,
            "callbacks": callbacks,
            "deprecated": deprecated,
            "include_in_schema": include_in_schema,
            "generate_unique_id_function": generate_unique_id_function,
            "max_body_size": max_body_size,
            "form_limits": form_limits,
        }
        router._listen(self._changed)
        self.on_startup.extend(router.on_startup)
        self.on_shutdown.extend(router.on_shutdown)
        self.lifespan_context = merge_lifespans(self.lifespan_context, router.lifespan_context)
        self.routes.append(IncludedRouter(router, options))

    def _check_empty_paths(self, router: APIRouter) -> None:
        """Refuse an inclusion without prefix of a router holding a route with an empty path."""
        for route in router.routes:
            if isinstance(route, IncludedRouter):
                if not route.options.get("prefix"):
                    self._check_empty_paths(route.router)
            elif getattr(route, "path", None) == "":
                name = getattr(route, "name", "unknown")
                raise FastAPIError(f"Prefix and path cannot be both empty (path operation: {name})")

    def _contains(self, router: APIRouter, seen: set[int] | None = None) -> bool:
        seen = set() if seen is None else seen
        if id(self) in seen:
            return False
        seen.add(id(self))
        for route in self.routes:
            if isinstance(route, IncludedRouter) and (
                route.router is router or route.router._contains(router, seen)
            ):
                return True
        return False

    def frontend(
        self,
        path: str,
        *,
        directory: str | os.PathLike[str],
        fallback: Literal["auto", "index.html", "404.html"] | None = "auto",
        check_dir: bool | Literal["auto"] = "auto",
    ) -> None:
        """Serve a built frontend (e.g. a `dist` folder) at `path`, at low priority.

        API routes always win; frontend files are looked up only when no route matched.
        Missing files fall back to `404.html` (when present), else to `index.html` for page
        loads, so client-side routing works. The router's dependencies protect the files.
        """
        self._frontends.append(
            Frontend(
                join_paths(self.prefix, normalize_path(path)),
                directory=directory,
                fallback=fallback,
                check_dir=resolve_check_dir(directory, check_dir),
                dependencies=list(self.dependencies),
            )
        )
        self._changed()

    # -- events ----------------------------------------------------------------------------

    def add_event_handler(self, event_type: str, func: Callable[[], Any]) -> None:
        """Run `func` at "startup" or "shutdown" (prefer a lifespan context manager)."""
        if event_type == "startup":
            self.on_startup.append(func)
        elif event_type == "shutdown":
            self.on_shutdown.append(func)
        else:
            raise ValueError(f"Unknown event type {event_type!r}: use 'startup' or 'shutdown'")

    @deprecated(
        "on_event is deprecated, use lifespan event handlers instead"
        " (a `lifespan=` async context manager)."
    )
    def on_event(self, event_type: str) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a startup or shutdown handler."""

        def decorator(func: DecoratedCallable) -> DecoratedCallable:
            self.add_event_handler(event_type, func)
            return func

        return decorator

    async def _startup(self) -> None:
        await self._lifespan.startup()

    async def _shutdown(self) -> None:
        await self._lifespan.shutdown()

    # -- serving a router on its own -------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve this router as an ASGI app (compiled on first use)."""
        if self._core is None:
            from zephyr._pipeline.handler import standalone_router_core

            self._core = standalone_router_core(self)
            hooks.watch(self._core)
        await self._core(scope, receive, send)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve this router as an ASGI app (Starlette's name for it)."""
        await self(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve this router when it is used as a route of another router."""
        await self(scope, receive, send)


# Integrations (Sentry, Logfire) replace functions of this module; routes follow them.
hooks.install(sys.modules[__name__])
