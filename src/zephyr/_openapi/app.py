"""The application's OpenAPI hooks: the docs routes and `app.openapi()`.

`setup_docs(app)` adds, as FastAPI does, `/openapi.json`, `/docs` (Swagger UI, plus its
OAuth2 redirect page) and `/redoc`, each left out of the document itself; with
`docs_assets="local"` it also serves the UIs' files (see `assets.py`). `app_openapi(app)`
generates the document once and keeps it in `app.openapi_schema` until a route or router
changes — so a custom `app.openapi` that caches in `app.openapi_schema` is refreshed too.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse

from zephyr._openapi import assets
from zephyr.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from zephyr.openapi.utils import get_openapi


def app_openapi(app: Any) -> dict[str, Any]:
    """Return the app's OpenAPI document, generating it when there is none cached."""
    if not app.openapi_schema:
        app.openapi_schema = get_openapi(
            title=app.title,
            version=app.version,
            openapi_version=app.openapi_version,
            summary=app.summary,
            description=app.description,
            terms_of_service=app.terms_of_service,
            contact=app.contact,
            license_info=app.license_info,
            routes=app.routes,
            webhooks=app.webhooks.routes,
            tags=app.openapi_tags,
            servers=app.servers,
            separate_input_output_schemas=app.separate_input_output_schemas,
            external_docs=app.openapi_external_docs,
        )
    return app.openapi_schema  # type: ignore[no-any-return]


def _root_path(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


class _DocsEndpoints:
    """The docs routes' endpoints, reading the app's settings at request time (as FastAPI)."""

    def __init__(self, app: Any, asset_urls: dict[str, str] | None) -> None:
        self.app = app
        self.asset_urls = asset_urls

    async def openapi(self, request: Request) -> JSONResponse:
        """Serve the document, with the mount's root path as first server."""
        app = self.app
        root_path = _root_path(request)
        schema = app.openapi()
        if root_path and app.root_path_in_servers:
            urls = {server.get("url") for server in schema.get("servers", [])}
            if root_path not in urls:
                schema = {**schema, "servers": [{"url": root_path}, *schema.get("servers", [])]}
        return JSONResponse(schema)

    async def swagger_ui(self, request: Request) -> HTMLResponse:
        """Serve Swagger UI pointed at the document."""
        app = self.app
        root_path = _root_path(request)
        redirect_url = app.swagger_ui_oauth2_redirect_url
        if redirect_url:
            redirect_url = root_path + redirect_url
        urls: dict[str, Any] = {}
        if self.asset_urls is not None:
            urls = {
                "swagger_js_url": root_path + self.asset_urls["swagger-ui-bundle.js"],
                "swagger_css_url": root_path + self.asset_urls["swagger-ui.css"],
                "swagger_favicon_url": root_path + self.asset_urls["favicon.png"],
            }
        return get_swagger_ui_html(
            openapi_url=root_path + app.openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=redirect_url,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
            **urls,
        )

    async def oauth2_redirect(self, request: Request) -> HTMLResponse:
        """Serve the page OAuth2 providers redirect back to."""
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(self, request: Request) -> HTMLResponse:
        """Serve ReDoc pointed at the document."""
        app = self.app
        root_path = _root_path(request)
        urls: dict[str, Any] = {}
        if self.asset_urls is not None:
            urls = {
                "redoc_js_url": root_path + self.asset_urls["redoc.standalone.js"],
                "redoc_favicon_url": root_path + self.asset_urls["favicon.png"],
                # Offline, the fonts cannot load; ReDoc falls back to the system fonts.
                "with_google_fonts": False,
            }
        return get_redoc_html(
            openapi_url=root_path + app.openapi_url, title=f"{app.title} - ReDoc", **urls
        )


def _forget_document(app: Any) -> Any:
    def forget() -> None:
        app.openapi_schema = None

    return forget


def setup_docs(app: Any) -> None:
    """Add the docs routes the app's settings ask for, and drop the document on changes."""
    app.router._listen(_forget_document(app))
    mode, assets_url = assets.docs_assets_setting(app)
    asset_urls = None
    if mode == assets.LOCAL and app.openapi_url and (app.docs_url or app.redoc_url):
        assets.bundle_root()  # fail now, not on the first page view, if the files are missing
        asset_urls = assets.local_urls(assets_url)
        app.add_route(assets_url + "/{name}", assets.serve_asset, include_in_schema=False)
    endpoints = _DocsEndpoints(app, asset_urls)
    if app.openapi_url:
        app.add_route(app.openapi_url, endpoints.openapi, include_in_schema=False)
    if app.openapi_url and app.docs_url:
        app.add_route(app.docs_url, endpoints.swagger_ui, include_in_schema=False)
        if app.swagger_ui_oauth2_redirect_url:
            app.add_route(
                app.swagger_ui_oauth2_redirect_url,
                endpoints.oauth2_redirect,
                include_in_schema=False,
            )
    if app.openapi_url and app.redoc_url:
        app.add_route(app.redoc_url, endpoints.redoc, include_in_schema=False)
