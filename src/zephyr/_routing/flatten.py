"""STARTUP ONLY: flatten a router and the routers it includes into effective routes.

An included router's routes are served with the inclusion's prefix, tags, dependencies,
responses, callbacks, deprecation, schema visibility, response class, unique-id function and
body limit combined as FastAPI 0.165 combines them. The result is a plain ordered list of
routes with full paths, which the route table compiler consumes.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette import routing
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, compile_path

from zephyr.datastructures import Default
from zephyr.utils import generate_unique_id, get_value_or_default

if TYPE_CHECKING:
    from zephyr.routing import APIRouter


@dataclass
class IncludeContext:
    """What an inclusion (possibly nested) adds to the routes of the included router."""

    router: APIRouter
    prefix: str = ""
    tags: list[Any] = field(default_factory=list)
    dependencies: list[Any] = field(default_factory=list)
    default_response_class: Any = field(default_factory=lambda: Default(JSONResponse))
    responses: dict[Any, Any] = field(default_factory=dict)
    callbacks: list[Any] = field(default_factory=list)
    deprecated: bool | None = None
    include_in_schema: bool = True
    generate_unique_id_function: Any = field(default_factory=lambda: Default(generate_unique_id))
    strict_content_type: Any = field(default_factory=lambda: Default(True))
    dependency_overrides_provider: Any = None
    max_body_size: int | None = None
    form_limits: dict[str, int] = field(default_factory=dict)

    @classmethod
    def for_include(cls, parent: APIRouter, router: APIRouter, options: dict[str, Any]) -> Any:
        """Build the context of `parent.include_router(router, **options)`."""
        limits = [router.max_body_size, options.get("max_body_size"), parent.max_body_size]
        return cls(
            router=router,
            prefix=parent.prefix + (options.get("prefix") or ""),
            tags=[*parent.tags, *(options.get("tags") or [])],
            dependencies=[*parent.dependencies, *(options.get("dependencies") or [])],
            default_response_class=get_value_or_default(
                options.get("default_response_class", Default(JSONResponse)),
                parent.default_response_class,
            ),
            responses={**parent.responses, **(options.get("responses") or {})},
            callbacks=[*parent.callbacks, *(options.get("callbacks") or [])],
            deprecated=options.get("deprecated") or parent.deprecated,
            include_in_schema=parent.include_in_schema and options.get("include_in_schema", True),
            generate_unique_id_function=get_value_or_default(
                options.get("generate_unique_id_function", Default(generate_unique_id)),
                parent.generate_unique_id_function,
            ),
            strict_content_type=parent.strict_content_type,
            dependency_overrides_provider=parent.dependency_overrides_provider,
            max_body_size=next((limit for limit in limits if limit is not None), None),
            # The included router's own limits win over those given to include_router().
            form_limits={**(options.get("form_limits") or {}), **router.form_limits},
        )

    def combine(self, child: IncludeContext) -> IncludeContext:
        """Nest `child` (an inclusion inside the included router) under this context."""
        limits = [child.max_body_size, self.max_body_size]
        return IncludeContext(
            router=child.router,
            prefix=self.prefix + child.prefix,
            tags=[*self.tags, *child.tags],
            dependencies=[*self.dependencies, *child.dependencies],
            default_response_class=get_value_or_default(
                child.default_response_class, self.default_response_class
            ),
            responses={**self.responses, **child.responses},
            callbacks=[*self.callbacks, *child.callbacks],
            deprecated=self.deprecated or child.deprecated,
            include_in_schema=self.include_in_schema and child.include_in_schema,
            generate_unique_id_function=get_value_or_default(
                child.generate_unique_id_function, self.generate_unique_id_function
            ),
            strict_content_type=get_value_or_default(
                child.strict_content_type, self.strict_content_type
            ),
            dependency_overrides_provider=self.dependency_overrides_provider,
            max_body_size=next((limit for limit in limits if limit is not None), None),
            form_limits={**self.form_limits, **child.form_limits},
        )


def _api_route(route: Any, ctx: IncludeContext) -> Any:
    """Return the route as served through an inclusion (same class, combined options)."""
    effective = copy.copy(route)
    effective.form_limits = {**ctx.form_limits, **route.form_limits}
    included = ctx.router
    effective._populate(
        ctx.prefix + route.path,
        route.endpoint,
        response_model=route.response_model,
        status_code=route.status_code,
        tags=[*ctx.tags, *route.tags],
        dependencies=[*ctx.dependencies, *route.dependencies],
        summary=route.summary,
        description=route.description,
        response_description=route.response_description,
        responses={**ctx.responses, **route.responses},
        deprecated=route.deprecated or ctx.deprecated,
        name=route.name,
        methods=route.methods,
        operation_id=route.operation_id,
        response_model_include=route.response_model_include,
        response_model_exclude=route.response_model_exclude,
        response_model_by_alias=route.response_model_by_alias,
        response_model_exclude_unset=route.response_model_exclude_unset,
        response_model_exclude_defaults=route.response_model_exclude_defaults,
        response_model_exclude_none=route.response_model_exclude_none,
        include_in_schema=route.include_in_schema and ctx.include_in_schema,
        response_class=get_value_or_default(
            route.response_class, included.default_response_class, ctx.default_response_class
        ),
        dependency_overrides_provider=ctx.dependency_overrides_provider,
        callbacks=[*ctx.callbacks, *(route.callbacks or [])],
        openapi_extra=route.openapi_extra,
        generate_unique_id_function=get_value_or_default(
            route.generate_unique_id_function,
            included.generate_unique_id_function,
            ctx.generate_unique_id_function,
        ),
        strict_content_type=get_value_or_default(
            route.strict_content_type, included.strict_content_type, ctx.strict_content_type
        ),
        max_body_size=route.max_body_size if route.max_body_size is not None else ctx.max_body_size,
        stream_item_type=route.stream_item_type,
    )
    effective.original_route = route
    return effective


def _effective(route: BaseRoute, ctx: IncludeContext) -> BaseRoute | None:
    """Return the route as served through an inclusion."""
    effective = _effective_route(route, ctx)
    if effective is not None and not hasattr(effective, "dependant"):
        # Plain Starlette routes and mounts inherit the inclusion's body limit.
        effective.zephyr_max_body_size = ctx.max_body_size  # type: ignore[attr-defined]
    return effective


def _effective_route(route: BaseRoute, ctx: IncludeContext) -> BaseRoute | None:
    from zephyr.routing import APIRoute, APIWebSocketRoute

    if isinstance(route, APIRoute):
        effective: BaseRoute = _api_route(route, ctx)
        return effective
    if isinstance(route, APIWebSocketRoute):
        return APIWebSocketRoute(
            ctx.prefix + route.path,
            route.endpoint,
            name=route.name,
            dependencies=[*ctx.dependencies, *route.dependencies],
            dependency_overrides_provider=ctx.dependency_overrides_provider,
        )
    if isinstance(route, routing.Route):
        return routing.Route(
            ctx.prefix + route.path,
            endpoint=route.endpoint,
            methods=list(route.methods or []),
            name=route.name,
            include_in_schema=route.include_in_schema,
        )
    if isinstance(route, routing.WebSocketRoute):
        return routing.WebSocketRoute(ctx.prefix + route.path, route.endpoint, name=route.name)
    if isinstance(route, routing.Mount):
        mount = copy.copy(route)
        mount.path = (ctx.prefix + route.path).rstrip("/")
        mount.path_regex, mount.path_format, mount.param_convertors = compile_path(
            mount.path + "/{path:path}"
        )
        return mount
    if isinstance(route, routing.Host):
        app = route.app
        if ctx.prefix:
            app = routing.Router(routes=[routing.Mount(ctx.prefix, app=route.app)])
        return routing.Host(route.host, app=app, name=route.name)
    return route


def _walk(router: APIRouter, ctx: IncludeContext | None) -> Iterator[BaseRoute]:
    from zephyr.routing import IncludedRouter

    for route in router.routes:
        if isinstance(route, IncludedRouter):
            child = IncludeContext.for_include(router, route.router, route.options)
            yield from _walk(route.router, child if ctx is None else ctx.combine(child))
        elif ctx is None:
            yield route
        else:
            effective = _effective(route, ctx)
            if effective is not None:
                yield effective


def effective_routes(
    router: APIRouter, options: dict[str, Any] | None, parent: APIRouter | None
) -> list[BaseRoute]:
    """Return `router`'s routes as served, included routers flattened in place.

    Args:
        router: The router to flatten.
        options: When given, flatten `router` as if included with these `include_router`
            options into `parent` (or into a bare router when `parent` is None).
        parent: The including router, for `options`.
    """
    if options is None:
        return list(_walk(router, None))
    from zephyr.routing import APIRouter as _APIRouter

    host = parent if parent is not None else _APIRouter()
    return list(_walk(router, IncludeContext.for_include(host, router, options)))


@dataclass
class ServedFrontend:
    """A frontend as served: full path, dependencies and body limit of its inclusion."""

    path: str
    frontend: Any
    dependencies: list[Any]
    max_body_size: int | None


def _walk_frontends(router: APIRouter, ctx: IncludeContext | None) -> Iterator[ServedFrontend]:
    from zephyr._routing.frontend import join_paths
    from zephyr.routing import IncludedRouter

    for frontend in router._frontends:
        if ctx is None:
            yield ServedFrontend(frontend.path, frontend, list(frontend.dependencies), None)
        else:
            yield ServedFrontend(
                join_paths(ctx.prefix, frontend.path),
                frontend,
                [*ctx.dependencies, *frontend.dependencies],
                ctx.max_body_size,
            )
    for route in router.routes:
        if isinstance(route, IncludedRouter):
            child = IncludeContext.for_include(router, route.router, route.options)
            yield from _walk_frontends(route.router, child if ctx is None else ctx.combine(child))


def effective_frontends(router: APIRouter) -> list[ServedFrontend]:
    """Return every frontend served by `router` and its included routers, in order."""
    return list(_walk_frontends(router, None))


def included_frontends(router: APIRouter, options: dict[str, Any]) -> list[ServedFrontend]:
    """Return the frontends `router` serves when included (into a bare router) with `options`."""
    from zephyr.routing import APIRouter as _APIRouter

    return list(_walk_frontends(router, IncludeContext.for_include(_APIRouter(), router, options)))
