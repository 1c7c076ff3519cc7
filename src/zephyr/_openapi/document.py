"""STARTUP ONLY: assemble the OpenAPI document of a set of routes.

route ──parts──▶ fields of all routes ──one schema run──▶ operations ──▶ document
                                                                          │
                       validated through `zephyr.openapi.models.OpenAPI`, dumped to JSON data

The last step is FastAPI's: the document is validated by the OpenAPI models and dumped with
`by_alias` and `exclude_none`, which normalises it (URLs, dropped `null`s) exactly as FastAPI's
output is normalised.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.routing import BaseRoute

from zephyr._openapi.operation import OperationWriter, RouteParts, route_parts
from zephyr._openapi.routes import api_routes
from zephyr._openapi.schemas import FieldSchemas
from zephyr.openapi.models import OpenAPI


def info_object(
    title: str,
    version: str,
    summary: str | None,
    description: str | None,
    terms_of_service: str | None,
    contact: dict[str, Any] | None,
    license_info: dict[str, Any] | None,
) -> dict[str, Any]:
    """Return the document's `info` object, leaving out what was not given."""
    info: dict[str, Any] = {"title": title, "version": version}
    if summary:
        info["summary"] = summary
    if description:
        info["description"] = description
    if terms_of_service:
        info["termsOfService"] = terms_of_service
    if contact:
        info["contact"] = contact
    if license_info:
        info["license"] = license_info
    return info


def _documented(routes: Sequence[BaseRoute]) -> list[RouteParts]:
    return [route_parts(route) for route in api_routes(routes) if route.include_in_schema]


def _paths(writer: OperationWriter, parts: list[RouteParts]) -> dict[str, dict[str, Any]]:
    paths: dict[str, dict[str, Any]] = {}
    for item in parts:
        path_item = writer.path_item(item)
        if path_item:
            paths.setdefault(item.route.path_format, {}).update(path_item)
    return paths


def strip_nulls(value: Any) -> Any:
    """Drop `None` values (and SQLAlchemy `_sa` keys) from dicts, recursively.

    This is what FastAPI's `jsonable_encoder(..., exclude_none=True)` does to the dumped
    document: `exclude_none` in Pydantic only reaches model fields, not free-form dicts.
    """
    if isinstance(value, dict):
        return {
            key: strip_nulls(item)
            for key, item in value.items()
            if item is not None and not (isinstance(key, str) and key.startswith("_sa"))
        }
    if isinstance(value, list):
        return [strip_nulls(item) for item in value]
    return value


def build_document(
    *,
    info: dict[str, Any],
    openapi_version: str,
    routes: Sequence[BaseRoute],
    webhooks: Sequence[BaseRoute] | None,
    tags: list[dict[str, Any]] | None,
    servers: list[dict[str, Any]] | None,
    separate_input_output_schemas: bool,
    external_docs: dict[str, Any] | None,
) -> dict[str, Any]:
    """Return the OpenAPI document (JSON-compatible data) of `routes` and `webhooks`."""
    output: dict[str, Any] = {"openapi": openapi_version, "info": info}
    if servers:
        output["servers"] = servers
    route_items = _documented(routes)
    webhook_items = _documented(webhooks or [])
    fields = [field for item in (*route_items, *webhook_items) for field in item.fields()]
    schemas = FieldSchemas(fields, separate_input_output=separate_input_output_schemas)
    writer = OperationWriter(schemas, set())
    components: dict[str, Any] = {}
    paths = _paths(writer, route_items)
    webhook_paths = _paths(writer, webhook_items)
    if writer.security_schemes:
        components["securitySchemes"] = writer.security_schemes
    definitions = {**schemas.definitions, **writer.definitions}
    if definitions:
        components["schemas"] = {name: definitions[name] for name in sorted(definitions)}
    if components:
        output["components"] = components
    output["paths"] = paths
    if webhook_paths:
        output["webhooks"] = webhook_paths
    if tags:
        output["tags"] = tags
    if external_docs:
        output["externalDocs"] = external_docs
    document = OpenAPI.model_validate(output)
    dumped = document.model_dump(mode="json", by_alias=True, exclude_none=True)
    return strip_nulls(dumped)  # type: ignore[no-any-return]
