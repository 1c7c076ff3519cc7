"""The interactive documentation pages: Swagger UI, ReDoc and Swagger UI's OAuth2 redirect.

The pages are the same bytes FastAPI serves, so anything that scrapes or snapshots them keeps
working. By default they load their JavaScript and CSS from the jsDelivr CDN, as FastAPI's do;
pass other URLs (e.g. `zephyr.openapi.assets` ones, for offline docs) to serve them yourself.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import HTMLResponse

from zephyr.encoders import jsonable_encoder

SWAGGER_JS_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"
SWAGGER_CSS_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"
REDOC_JS_URL = "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"
FAVICON_URL = "https://fastapi.tiangolo.com/img/favicon.png"

swagger_ui_default_parameters: dict[str, Any] = {
    "dom_id": "#swagger-ui",
    "layout": "BaseLayout",
    "deepLinking": True,
    "showExtensions": True,
    "showCommonExtensions": True,
}
"""Swagger UI configuration used unless overridden by `swagger_ui_parameters`."""

# The pages are kept as FastAPI renders them (four-space indented inside the document), so the
# bytes match; `{{`/`}}` are literal braces of the JavaScript.
_SWAGGER_HEAD = """
    <!DOCTYPE html>
    <html>
    <head>
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link type="text/css" rel="stylesheet" href="{css}">
    <link rel="shortcut icon" href="{favicon}">
    <title>{title}</title>
    </head>
    <body>
    <div id="swagger-ui">
    </div>
    <script src="{js}"></script>
    <!-- `SwaggerUIBundle` is now available on the page -->
    <script>
    const ui = SwaggerUIBundle({{
        url: '{openapi_url}',
    """
_SWAGGER_PRESETS = """
    presets: [
        SwaggerUIBundle.presets.apis,
        SwaggerUIBundle.SwaggerUIStandalonePreset
        ],
    })"""
_SWAGGER_INIT_OAUTH = """
        ui.initOAuth({config})
        """
_PAGE_END = """
    </script>
    </body>
    </html>
    """
_REDOC_HEAD = """
    <!DOCTYPE html>
    <html>
    <head>
    <title>{title}</title>
    <!-- needed for adaptive design -->
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    """
_REDOC_FONTS = """
    <link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">
    """  # noqa: E501 - one URL
_REDOC_BODY = """
    <link rel="shortcut icon" href="{favicon}">
    <!--
    ReDoc doesn't change outer page styles
    -->
    <style>
      body {{
        margin: 0;
        padding: 0;
      }}
    </style>
    </head>
    <body>
    <noscript>
        ReDoc requires Javascript to function. Please enable it to browse the documentation.
    </noscript>
    <redoc spec-url="{openapi_url}"></redoc>
    <script src="{js}"> </script>
    </body>
    </html>
    """


def html_safe_json(value: Any) -> str:
    """Return `value` as JSON that cannot close or break out of a `<script>` element."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def get_swagger_ui_html(
    *,
    openapi_url: str,
    title: str,
    swagger_js_url: str = SWAGGER_JS_URL,
    swagger_css_url: str = SWAGGER_CSS_URL,
    swagger_favicon_url: str = FAVICON_URL,
    oauth2_redirect_url: str | None = None,
    init_oauth: dict[str, Any] | None = None,
    swagger_ui_parameters: dict[str, Any] | None = None,
) -> HTMLResponse:
    """Return the Swagger UI page for the document at `openapi_url`.

    Args:
        openapi_url: Where the page fetches the OpenAPI document.
        title: The page title.
        swagger_js_url: The Swagger UI bundle script.
        swagger_css_url: The Swagger UI stylesheet.
        swagger_favicon_url: The page icon.
        oauth2_redirect_url: Path of the OAuth2 redirect page (for the "Authorize" flows).
        init_oauth: Settings passed to `ui.initOAuth(...)` (client id, scopes, PKCE...).
        swagger_ui_parameters: Swagger UI settings merged over the defaults.
    """
    settings = {**swagger_ui_default_parameters, **(swagger_ui_parameters or {})}
    parts = [
        _SWAGGER_HEAD.format(
            css=swagger_css_url,
            favicon=swagger_favicon_url,
            title=title,
            js=swagger_js_url,
            openapi_url=openapi_url,
        )
    ]
    parts.extend(
        f"{html_safe_json(key)}: {html_safe_json(jsonable_encoder(value))},\n"
        for key, value in settings.items()
    )
    if oauth2_redirect_url:
        parts.append(f"oauth2RedirectUrl: window.location.origin + '{oauth2_redirect_url}',")
    parts.append(_SWAGGER_PRESETS)
    if init_oauth:
        config = html_safe_json(jsonable_encoder(init_oauth))
        parts.append(_SWAGGER_INIT_OAUTH.format(config=config))
    parts.append(_PAGE_END)
    return HTMLResponse("".join(parts))


def get_redoc_html(
    *,
    openapi_url: str,
    title: str,
    redoc_js_url: str = REDOC_JS_URL,
    redoc_favicon_url: str = FAVICON_URL,
    with_google_fonts: bool = True,
) -> HTMLResponse:
    """Return the ReDoc page for the document at `openapi_url`.

    Args:
        openapi_url: Where the page fetches the OpenAPI document.
        title: The page title.
        redoc_js_url: The ReDoc standalone bundle script.
        redoc_favicon_url: The page icon.
        with_google_fonts: Load the Montserrat and Roboto fonts from Google Fonts.
    """
    parts = [_REDOC_HEAD.format(title=title)]
    if with_google_fonts:
        parts.append(_REDOC_FONTS)
    parts.append(
        _REDOC_BODY.format(favicon=redoc_favicon_url, openapi_url=openapi_url, js=redoc_js_url)
    )
    return HTMLResponse("".join(parts))


def get_swagger_ui_oauth2_redirect_html() -> HTMLResponse:
    """Return the page an OAuth2 provider redirects to after Swagger UI's "Authorize"."""
    from zephyr._openapi.redirect_page import OAUTH2_REDIRECT_HTML

    return HTMLResponse(content=OAUTH2_REDIRECT_HTML)
