"""The application: settings, routes, middleware, exception handlers and the ASGI entry point.

`FastAPI` (also exported as `Zephyr`) takes FastAPI's arguments and keeps FastAPI's
attributes. Its request path is: ServerErrors (Starlette's ServerErrorMiddleware, with the
app's body limit) -> your middleware -> the compiled core (route table + plans + exception
handlers), built on the first request and rebuilt after a
route, router or dependency-override change.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Lifespan, Receive, Scope, Send
from typing_extensions import Unpack, deprecated

from zephyr import routing
from zephyr._form_limits import validate_max_body_size
from zephyr._pipeline.asgi import AppCore
from zephyr._pipeline.outer import ServerErrors
from zephyr._routing import hooks
from zephyr._routing.options import RouteOptions
from zephyr._routing.overrides import OverridesDict
from zephyr.datastructures import Default
from zephyr.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
    websocket_request_validation_exception_handler,
)
from zephyr.exceptions import (
    FastAPIDeprecationWarning,
    RequestValidationError,
    WebSocketRequestValidationError,
)
from zephyr.params import Depends
from zephyr.telemetry._build import (
    traced_core_class,
    traced_server_errors,
)
from zephyr.telemetry._config import TelemetryConfig, resolve_config, telemetry_possible
from zephyr.types import DecoratedCallable
from zephyr.utils import generate_unique_id

AppType = TypeVar("AppType", bound="FastAPI")


_STARLETTE_CALL = Starlette.__call__


class FastAPI(Starlette):
    """A Zephyr application, with FastAPI's constructor and methods."""

    def __init__(
        self: AppType,
        *,
        telemetry: TelemetryConfig | None = None,
        debug: bool = False,
        routes: list[BaseRoute] | None = None,
        title: str = "FastAPI",
        summary: str | None = None,
        description: str = "",
        version: str = "0.1.0",
        openapi_url: str | None = "/openapi.json",
        openapi_tags: list[dict[str, Any]] | None = None,
        servers: list[dict[str, Any]] | None = None,
        dependencies: Sequence[Depends] | None = None,
        default_response_class: type[Response] = Default(JSONResponse),
        redirect_slashes: bool = True,
        docs_url: str | None = "/docs",
        redoc_url: str | None = "/redoc",
        swagger_ui_oauth2_redirect_url: str | None = "/docs/oauth2-redirect",
        swagger_ui_init_oauth: dict[str, Any] | None = None,
        middleware: Sequence[Middleware] | None = None,
        exception_handlers: Mapping[Any, Callable[[Request, Any], Any]] | None = None,
        on_startup: Sequence[Callable[[], Any]] | None = None,
        on_shutdown: Sequence[Callable[[], Any]] | None = None,
        lifespan: Lifespan[AppType] | None = None,
        terms_of_service: str | None = None,
        contact: dict[str, str | Any] | None = None,
        license_info: dict[str, str | Any] | None = None,
        openapi_prefix: str = "",
        root_path: str = "",
        root_path_in_servers: bool = True,
        responses: dict[int | str, dict[str, Any]] | None = None,
        callbacks: list[BaseRoute] | None = None,
        webhooks: routing.APIRouter | None = None,
        deprecated: bool | None = None,
        include_in_schema: bool = True,
        swagger_ui_parameters: dict[str, Any] | None = None,
        generate_unique_id_function: Callable[[routing.APIRoute], str] = Default(
            generate_unique_id
        ),
        separate_input_output_schemas: bool = True,
        openapi_external_docs: dict[str, Any] | None = None,
        strict_content_type: bool = Default(True),
        max_body_size: int | None = None,
        form_limits: dict[str, int] | None = None,
        docs_assets: Literal["cdn", "local"] = "cdn",
        docs_assets_url: str = "/docs-assets",
        **extra: Any,
    ) -> None:
        """Create the application (FastAPI's arguments, plus `docs_assets`).

        `telemetry` configures native OpenTelemetry (see `zephyr.telemetry.TelemetryConfig`;
        it needs the `telemetry` extra). `docs_assets="local"` serves the Swagger UI and ReDoc
        files from the app itself (under `docs_assets_url`), so the docs pages work offline;
        it needs the `docs-offline` extra.
        """
        self._telemetry = resolve_config(telemetry)
        self.debug = debug
        self.title = title
        self.summary = summary
        self.description = description
        self.version = version
        self.terms_of_service = terms_of_service
        self.contact = contact
        self.license_info = license_info
        self.openapi_url = openapi_url
        self.openapi_tags = openapi_tags
        self.root_path_in_servers = root_path_in_servers
        self.docs_url = docs_url
        self.redoc_url = redoc_url
        self.swagger_ui_oauth2_redirect_url = swagger_ui_oauth2_redirect_url
        self.swagger_ui_init_oauth = swagger_ui_init_oauth
        self.swagger_ui_parameters = swagger_ui_parameters
        self.servers = servers or []
        self.separate_input_output_schemas = separate_input_output_schemas
        self.openapi_external_docs = openapi_external_docs
        self.openapi_version = "3.1.0"
        self.openapi_schema: dict[str, Any] | None = None
        self.webhooks = webhooks or routing.APIRouter()
        if root_path:
            warnings.warn(
                "The `root_path` parameter is deprecated. Configure the server's root path"
                " instead, for example with `zephyr run --root-path /api/v1` (or"
                " `fastapi run --root-path /api/v1`).",
                category=FastAPIDeprecationWarning,
                stacklevel=2,
            )
        self.root_path = root_path or openapi_prefix
        validate_max_body_size(max_body_size)
        self.max_body_size = max_body_size
        self.extra = extra
        self.docs_assets = docs_assets
        self.docs_assets_url = docs_assets_url
        self.state = State()
        self._overrides = OverridesDict(self._overrides_changed)
        self.router: routing.APIRouter = routing.APIRouter(
            routes=routes,
            redirect_slashes=redirect_slashes,
            dependency_overrides_provider=self,
            on_startup=on_startup,
            on_shutdown=on_shutdown,
            lifespan=lifespan,
            default_response_class=default_response_class,
            dependencies=dependencies,
            callbacks=callbacks,
            deprecated=deprecated,
            include_in_schema=include_in_schema,
            responses=responses,
            generate_unique_id_function=generate_unique_id_function,
            strict_content_type=strict_content_type,
            max_body_size=max_body_size,
            form_limits=form_limits,
        )
        self.router._listen(self._routes_changed)
        self.exception_handlers: dict[Any, Callable[..., Any]] = dict(exception_handlers or {})
        self.exception_handlers.setdefault(HTTPException, http_exception_handler)
        self.exception_handlers.setdefault(
            RequestValidationError, request_validation_exception_handler
        )
        self.exception_handlers.setdefault(
            WebSocketRequestValidationError, websocket_request_validation_exception_handler
        )
        self.user_middleware: list[Middleware] = list(middleware or [])
        self.middleware_stack: ASGIApp | None = None
        self._core: AppCore | None = None
        self.setup()

    # -- dependency overrides: assigning or mutating them recompiles the plans -------------

    @property
    def dependency_overrides(self) -> dict[Callable[..., Any], Callable[..., Any]]:
        """Replacements for dependencies (for tests): original callable -> replacement."""
        return self._overrides

    @dependency_overrides.setter
    def dependency_overrides(
        self, value: Mapping[Callable[..., Any], Callable[..., Any]] | None
    ) -> None:
        # FastAPI accepts None for "no overrides".
        self._overrides = OverridesDict(self._overrides_changed, value or {})
        self._overrides_changed()

    def _overrides_changed(self) -> None:
        if self._core is not None:
            self._core.invalidate_plans()

    def _routes_changed(self) -> None:
        if self._core is not None:
            self._core.invalidate_routes()

    # -- building ---------------------------------------------------------------------------

    def setup(self) -> None:
        """Add the documentation routes (/openapi.json, /docs, /redoc) as configured."""
        from zephyr._openapi.app import setup_docs

        setup_docs(self)

    def openapi(self) -> dict[str, Any]:
        """Return the OpenAPI document, generated once and cached in `app.openapi_schema`."""
        from zephyr._openapi.app import app_openapi

        return app_openapi(self)

    def build_middleware_stack(self) -> ASGIApp:
        """Return ServerErrorMiddleware -> user middleware -> the compiled core."""
        error_handler = None
        handlers: dict[Any, Callable[..., Any]] = {}
        for key, value in self.exception_handlers.items():
            if key in (500, Exception):
                error_handler = value
            else:
                handlers[key] = value
        # Telemetry layers and core only when telemetry can run (see zephyr.telemetry).
        traced = telemetry_possible(self._telemetry)
        core_class = traced_core_class() if traced else AppCore
        handlers = hooks.instrumented_handlers(handlers, self.debug)
        self._core = core_class(self.router, handlers, lambda: self._overrides)
        hooks.watch(self._core)  # recompiles its routes when an integration replaces a hook
        app: ASGIApp = self._core
        for cls, args, kwargs in reversed(self.user_middleware):
            app = cls(app, *args, **kwargs)
        if not traced:
            return ServerErrors(
                app, handler=error_handler, debug=self.debug, max_body_size=self.max_body_size
            )
        return traced_server_errors(
            app,
            handler=error_handler,
            debug=self.debug,
            max_body_size=self.max_body_size,
            config=self._telemetry,
            owner=self,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.root_path:
            scope["root_path"] = self.root_path
        if Starlette.__call__ is not _STARLETTE_CALL:
            # An integration (Sentry) wraps every Starlette app by replacing this method;
            # FastAPI's apps run through it, so Zephyr's do too.
            await Starlette.__call__(self, scope, receive, send)
            return
        scope["app"] = self
        if self.middleware_stack is None:
            self.middleware_stack = self.build_middleware_stack()
        await self.middleware_stack(scope, receive, send)

    @property
    def routes(self) -> list[BaseRoute]:
        """The routes registered on the app (included routers appear as one entry each)."""
        return self.router.routes

    def add_exception_handler(
        self,
        exc_class_or_status_code: int | type[Exception],
        handler: Callable[..., Any],
    ) -> None:
        """Handle an exception class or an HTTP status code with `handler(request, exc)`."""
        self.exception_handlers[exc_class_or_status_code] = handler
        self.middleware_stack = None

    def exception_handler(
        self, exc_class_or_status_code: int | type[Exception]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a handler for an exception class or an HTTP status code."""

        def decorator(func: DecoratedCallable) -> DecoratedCallable:
            self.add_exception_handler(exc_class_or_status_code, func)
            return func

        return decorator

    def middleware(self, middleware_type: str) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate an `async def (request, call_next)` HTTP middleware."""
        if middleware_type != "http":
            raise ValueError('Only middleware_type="http" is supported')

        def decorator(func: DecoratedCallable) -> DecoratedCallable:
            self.add_middleware(BaseHTTPMiddleware, dispatch=func)
            return func

        return decorator

    # -- registration, delegated to the app's router ---------------------------------------

    def add_api_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: list[str] | None = None,
        **options: Unpack[RouteOptions],
    ) -> None:
        """Register a path operation."""
        self.router.add_api_route(path, endpoint, methods=methods, **options)

    def api_route(
        self, path: str, *, methods: list[str] | None = None, **options: Unpack[RouteOptions]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a path operation for the given methods."""
        return self.router.api_route(path, methods=methods, **options)

    def get(
        self, path: str, **options: Unpack[RouteOptions]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a GET path operation."""
        return self.router.get(path, **options)

    def put(
        self, path: str, **options: Unpack[RouteOptions]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a PUT path operation."""
        return self.router.put(path, **options)

    def post(
        self, path: str, **options: Unpack[RouteOptions]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a POST path operation."""
        return self.router.post(path, **options)

    def delete(
        self, path: str, **options: Unpack[RouteOptions]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a DELETE path operation."""
        return self.router.delete(path, **options)

    def options(
        self, path: str, **options: Unpack[RouteOptions]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate an OPTIONS path operation."""
        return self.router.options(path, **options)

    def head(
        self, path: str, **options: Unpack[RouteOptions]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a HEAD path operation."""
        return self.router.head(path, **options)

    def patch(
        self, path: str, **options: Unpack[RouteOptions]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a PATCH path operation."""
        return self.router.patch(path, **options)

    def trace(
        self, path: str, **options: Unpack[RouteOptions]
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a TRACE path operation."""
        return self.router.trace(path, **options)

    def add_api_websocket_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        name: str | None = None,
        *,
        dependencies: Sequence[Depends] | None = None,
    ) -> None:
        """Register a WebSocket endpoint with dependency injection."""
        self.router.add_api_websocket_route(path, endpoint, name=name, dependencies=dependencies)

    def websocket(
        self, path: str, name: str | None = None, *, dependencies: Sequence[Depends] | None = None
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a WebSocket endpoint."""
        return self.router.websocket(path, name=name, dependencies=dependencies)

    def websocket_route(
        self, path: str, name: str | None = None
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a plain Starlette WebSocket endpoint."""
        return self.router.websocket_route(path, name=name)

    def add_route(
        self,
        path: str,
        route: Callable[[Request], Awaitable[Response] | Response],
        methods: list[str] | None = None,
        name: str | None = None,
        include_in_schema: bool = True,
    ) -> None:
        """Register a plain Starlette route."""
        self.router.add_route(
            path, route, methods=methods, name=name, include_in_schema=include_in_schema
        )

    def add_websocket_route(
        self, path: str, route: Callable[..., Any], name: str | None = None
    ) -> None:
        """Register a plain Starlette WebSocket route."""
        self.router.add_websocket_route(path, route, name=name)

    def route(
        self,
        path: str,
        methods: list[str] | None = None,
        name: str | None = None,
        include_in_schema: bool = True,
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a plain Starlette endpoint."""
        return self.router.route(
            path, methods=methods, name=name, include_in_schema=include_in_schema
        )

    def mount(self, path: str, app: ASGIApp, name: str | None = None) -> None:
        """Serve another ASGI application (a sub-app, static files...) under `path`."""
        self.router.mount(path, app=app, name=name)

    def host(self, host: str, app: ASGIApp, name: str | None = None) -> None:
        """Serve another ASGI application for requests to `host`."""
        self.router.host(host, app=app, name=name)

    def include_router(self, router: routing.APIRouter, **options: Any) -> None:
        """Serve a router's routes, with FastAPI's `include_router` options."""
        self.router.include_router(router, **options)

    def frontend(
        self,
        path: str,
        *,
        directory: str | os.PathLike[str],
        fallback: Literal["auto", "index.html", "404.html"] | None = "auto",
        check_dir: bool | Literal["auto"] = "auto",
    ) -> None:
        """Serve a built frontend at `path`, after every API route (see APIRouter.frontend)."""
        self.router.frontend(path, directory=directory, fallback=fallback, check_dir=check_dir)

    @deprecated(
        "on_event is deprecated, use lifespan event handlers instead"
        " (a `lifespan=` async context manager)."
    )
    def on_event(self, event_type: str) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Decorate a startup or shutdown handler (prefer `lifespan=`)."""
        return self.router.on_event(event_type)

    def add_event_handler(self, event_type: str, func: Callable[[], Any]) -> None:
        """Run `func` at "startup" or "shutdown"."""
        self.router.add_event_handler(event_type, func)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        """Return the URL path of the route called `name`, filled with `path_params`."""
        from starlette.routing import NoMatchFound

        from zephyr._routing.flatten import effective_routes

        for route in effective_routes(self.router, None, None):
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)


Zephyr = FastAPI
