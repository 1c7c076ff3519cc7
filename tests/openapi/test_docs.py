"""The docs page functions render FastAPI's pages byte for byte; the app serves them as FastAPI."""

from __future__ import annotations

import inspect
from typing import Any

import fastapi.openapi.docs as fastapi_docs
import pytest

import zephyr.openapi.docs as zephyr_docs
from zephyr import FastAPI
from zephyr.testclient import TestClient

SWAGGER_CASES: list[dict[str, Any]] = [
    {"openapi_url": "/openapi.json", "title": "API - Swagger UI"},
    {
        "openapi_url": "/api/openapi.json",
        "title": "T",
        "oauth2_redirect_url": "/docs/oauth2-redirect",
        "init_oauth": {
            "clientId": "id",
            "scopes": ["a", "b"],
            "usePkceWithAuthorizationCodeGrant": True,
        },
        "swagger_ui_parameters": {"deepLinking": False, "syntaxHighlight": {"theme": "obsidian"}},
    },
    {
        "openapi_url": "/o.json",
        "title": "</title><script>",
        "swagger_js_url": "/static/swagger-ui-bundle.js",
        "swagger_css_url": "/static/swagger-ui.css",
        "swagger_favicon_url": "/static/favicon.png",
        "swagger_ui_parameters": {"filter": "<script>&", "tryItOutEnabled": True},
    },
]
REDOC_CASES: list[dict[str, Any]] = [
    {"openapi_url": "/openapi.json", "title": "API - ReDoc"},
    {
        "openapi_url": "/x.json",
        "title": "T",
        "redoc_js_url": "/static/redoc.js",
        "redoc_favicon_url": "/f.png",
        "with_google_fonts": False,
    },
]


@pytest.mark.parametrize("kwargs", SWAGGER_CASES)
def test_swagger_ui_html_is_fastapis(kwargs: dict[str, Any]) -> None:
    expected = fastapi_docs.get_swagger_ui_html(**kwargs)
    actual = zephyr_docs.get_swagger_ui_html(**kwargs)
    assert actual.body == expected.body
    assert actual.headers.items() == expected.headers.items()


@pytest.mark.parametrize("kwargs", REDOC_CASES)
def test_redoc_html_is_fastapis(kwargs: dict[str, Any]) -> None:
    assert zephyr_docs.get_redoc_html(**kwargs).body == fastapi_docs.get_redoc_html(**kwargs).body


def test_oauth2_redirect_html_is_fastapis() -> None:
    expected = fastapi_docs.get_swagger_ui_oauth2_redirect_html().body
    assert zephyr_docs.get_swagger_ui_oauth2_redirect_html().body == expected


@pytest.mark.parametrize(
    "name", ["get_swagger_ui_html", "get_redoc_html", "get_swagger_ui_oauth2_redirect_html"]
)
def test_signatures_are_fastapis(name: str) -> None:
    expected = inspect.signature(getattr(fastapi_docs, name))
    actual = inspect.signature(getattr(zephyr_docs, name))
    assert [(p.name, p.kind, p.default) for p in actual.parameters.values()] == [
        (p.name, p.kind, p.default) for p in expected.parameters.values()
    ]
    assert zephyr_docs.swagger_ui_default_parameters == fastapi_docs.swagger_ui_default_parameters


def test_default_pages_load_the_uis_from_the_cdn() -> None:
    with TestClient(FastAPI()) as client:
        docs = client.get("/docs").text
        redoc = client.get("/redoc").text
        assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 404
    assert 'src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"' in docs
    assert 'href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"' in docs
    assert 'src="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"' in redoc
    assert "fonts.googleapis.com" in redoc


def test_local_assets_are_served_under_the_root_path() -> None:
    app = FastAPI(docs_assets="local", docs_assets_url="/ui-files")
    with TestClient(app, root_path="/api") as client:
        docs = client.get("/docs").text
        redoc = client.get("/redoc").text
        css = client.get("/ui-files/swagger-ui.css")
        redoc_js = client.get("/ui-files/redoc.standalone.js")
        icon = client.get("/ui-files/favicon.png")
        missing = client.get("/ui-files/index.html")
    assert 'src="/api/ui-files/swagger-ui-bundle.js"' in docs
    assert "url: '/api/openapi.json'" in docs
    assert 'src="/api/ui-files/redoc.standalone.js"' in redoc
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert redoc_js.status_code == 200 and b"Redoc" in redoc_js.content
    assert icon.headers["content-type"] == "image/png"
    assert missing.status_code == 404
    assert "/ui-files/{name}" not in str(app.openapi()["paths"])


def test_unknown_docs_assets_mode_is_refused() -> None:
    with pytest.raises(AssertionError, match="docs_assets"):
        FastAPI(docs_assets="offline")


def test_local_assets_without_the_extra_say_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "openapi_ui_bundles", None)
    with pytest.raises(AssertionError, match=r"zephyr\[docs-offline\]"):
        FastAPI(docs_assets="local")


def test_docs_routes_follow_the_app_settings() -> None:
    app = FastAPI(
        openapi_url="/spec.json",
        docs_url="/swagger",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    with TestClient(app) as client:
        assert client.get("/spec.json").status_code == 200
        assert "url: '/spec.json'" in client.get("/swagger").text
        assert "oauth2RedirectUrl" not in client.get("/swagger").text
        assert client.get("/redoc").status_code == 404
        assert client.get("/openapi.json").status_code == 404
    closed = FastAPI(openapi_url=None)
    with TestClient(closed) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 404
