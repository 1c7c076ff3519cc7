"""Generate an OpenAPI document: `get_openapi`, with FastAPI's signature and output.

Use it to build the document yourself, e.g. to extend it::

    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title="Shop", version="2.0", routes=app.routes)
        schema["info"]["x-logo"] = {"url": "https://example.com/logo.png"}
        app.openapi_schema = schema
        return schema

    app.openapi = custom_openapi
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.routing import BaseRoute

from zephyr._openapi.document import build_document, info_object
from zephyr._openapi.operation import HTTP_VALIDATION_ERROR as validation_error_response_definition
from zephyr._openapi.operation import STATUS_CODE_RANGES as status_code_ranges
from zephyr._openapi.operation import VALIDATION_ERROR as validation_error_definition

__all__ = [
    "get_openapi",
    "status_code_ranges",
    "validation_error_definition",
    "validation_error_response_definition",
]


def get_openapi(
    *,
    title: str,
    version: str,
    openapi_version: str = "3.1.0",
    summary: str | None = None,
    description: str | None = None,
    routes: Sequence[BaseRoute],
    webhooks: Sequence[BaseRoute] | None = None,
    tags: list[dict[str, Any]] | None = None,
    servers: list[dict[str, str | Any]] | None = None,
    terms_of_service: str | None = None,
    contact: dict[str, str | Any] | None = None,
    license_info: dict[str, str | Any] | None = None,
    separate_input_output_schemas: bool = True,
    external_docs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the OpenAPI document describing `routes` (and `webhooks`) as JSON-ready data.

    Args:
        title: The API's title (`info.title`).
        version: The API's own version (`info.version`), not OpenAPI's.
        openapi_version: The OpenAPI version the document declares.
        summary: A short summary of the API.
        description: A longer description; Markdown is rendered by the docs UIs.
        routes: The routes to document, e.g. `app.routes` (included routers are expanded).
        webhooks: Routes describing requests the API sends, e.g. `app.webhooks.routes`.
        tags: Tag metadata (name, description, externalDocs), in display order.
        servers: Server objects (`{"url": ..., "description": ...}`).
        terms_of_service: A URL to the terms of service.
        contact: The contact object (name, url, email).
        license_info: The license object (name, identifier or url).
        separate_input_output_schemas: Document a model used both as input and as output
            twice (`-Input`/`-Output`) when its two schemas differ.
        external_docs: A link to external documentation (description, url).
    """
    info = info_object(
        title, version, summary, description, terms_of_service, contact, license_info
    )
    return build_document(
        info=info,
        openapi_version=openapi_version,
        routes=routes,
        webhooks=webhooks,
        tags=tags,
        servers=servers,
        separate_input_output_schemas=separate_input_output_schemas,
        external_docs=external_docs,
    )
