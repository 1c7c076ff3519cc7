"""Swagger UI and ReDoc files served by the app itself, for docs that work offline.

`FastAPI(docs_assets="local")` serves the UIs' JavaScript, CSS and icon from the app (under
`docs_assets_url`, "/docs-assets" by default) instead of the jsDelivr CDN. The files come from
the `openapi-ui-bundles` package (the `docs-offline` extra: `pip install 'zephyr[docs-offline]'`),
which ships Swagger UI 5 and ReDoc 2 as plain package data, with no dependencies of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from zephyr._pipeline.errors import config_error

CDN = "cdn"
LOCAL = "local"
DEFAULT_ASSETS_URL = "/docs-assets"

# Served name -> (UI folder in openapi-ui-bundles, file name there). Only these are served.
_FILES = {
    "swagger-ui-bundle.js": ("swagger_ui", "swagger-ui-bundle.js"),
    "swagger-ui.css": ("swagger_ui", "swagger-ui.css"),
    "favicon.png": ("swagger_ui", "favicon-32x32.png"),
    "redoc.standalone.js": ("redoc", "redoc.standalone.js"),
}
_MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}


def docs_assets_setting(app: Any) -> tuple[str, str]:
    """Return the app's (assets mode, assets URL) from its `docs_assets*` arguments.

    Raises:
        ValueError: The mode is neither "cdn" nor "local".
    """
    extra = getattr(app, "extra", {}) or {}
    mode = getattr(app, "docs_assets", None) or extra.get("docs_assets", CDN)
    url = getattr(app, "docs_assets_url", None) or extra.get("docs_assets_url", DEFAULT_ASSETS_URL)
    if mode not in (CDN, LOCAL):
        raise config_error(
            f"Unknown docs_assets {mode!r}",
            None,
            'use docs_assets="cdn" (the default) or docs_assets="local" (offline docs)',
        )
    return str(mode), str(url).rstrip("/")


def bundle_root() -> Path:
    """Return the folder of the installed `openapi_ui_bundles` package.

    Raises:
        RuntimeError: The `docs-offline` extra is not installed.
    """
    try:
        import openapi_ui_bundles
    except ImportError:
        raise config_error(
            'docs_assets="local" needs the Swagger UI and ReDoc files, which are not installed',
            None,
            "install them with: pip install 'zephyr[docs-offline]'",
        ) from None
    return Path(openapi_ui_bundles.__file__).parent


def asset_path(name: str) -> Path | None:
    """Return the file served as `name`, or None for a name that is not an asset."""
    entry = _FILES.get(name)
    if entry is None:
        return None
    folder, file_name = entry
    return bundle_root() / folder / "vendor" / file_name


def local_urls(prefix: str) -> dict[str, str]:
    """Return the docs pages' asset URLs when served by the app under `prefix`."""
    return {name: f"{prefix}/{name}" for name in _FILES}


async def serve_asset(request: Request) -> Response:
    """Serve one UI file (immutable for a given package version, so cacheable)."""
    name = request.path_params["name"]
    path = asset_path(name)
    if path is None or not path.is_file():
        return PlainTextResponse("Not Found", status_code=404)
    media_type = _MEDIA_TYPES.get(path.suffix, "application/octet-stream")
    headers = {"cache-control": "public, max-age=86400"}
    return FileResponse(path, media_type=media_type, headers=headers)
