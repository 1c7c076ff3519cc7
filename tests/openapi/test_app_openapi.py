"""`app.openapi()`, its cache, custom `openapi()` functions and `get_openapi`, as in FastAPI."""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import fastapi.openapi.utils as fastapi_utils
import pytest
from tests.differential.harness import Framework

import zephyr.openapi.utils as zephyr_utils
from zephyr import APIRouter, FastAPI
from zephyr.testclient import TestClient


def test_get_openapi_signature_is_fastapis() -> None:
    expected = inspect.signature(fastapi_utils.get_openapi)
    actual = inspect.signature(zephyr_utils.get_openapi)
    assert [(p.name, p.kind, p.default) for p in actual.parameters.values()] == [
        (p.name, p.kind, p.default) for p in expected.parameters.values()
    ]
    assert zephyr_utils.validation_error_definition == fastapi_utils.validation_error_definition
    assert (
        zephyr_utils.validation_error_response_definition
        == fastapi_utils.validation_error_response_definition
    )


def _extended(fw: Any) -> Any:
    """FastAPI's documented "extending OpenAPI" pattern."""
    app = fw.FastAPI()
    router = fw.APIRouter(prefix="/items", tags=["items"])

    @router.get("/{item_id}")
    def read(item_id: int) -> dict[str, int]:
        return {"item_id": item_id}

    app.include_router(router)
    calls: list[int] = []

    def custom_openapi() -> dict[str, Any]:
        calls.append(1)
        if app.openapi_schema:
            return app.openapi_schema
        schema = fw.openapi.utils.get_openapi(
            title="Custom title",
            version="2.5.0",
            summary="This is a very custom OpenAPI schema",
            routes=app.routes,
        )
        schema["info"]["x-logo"] = {"url": "https://example.com/logo.png"}
        app.openapi_schema = schema
        return schema

    app.openapi = custom_openapi
    return app


def test_custom_openapi_function_is_served_and_cached() -> None:
    results = {}
    for package in ("fastapi", "zephyr"):
        app = _extended(Framework(package))
        with TestClient(app) as client:
            first = client.get("/openapi.json")
            second = client.get("/openapi.json")
        assert first.content == second.content
        assert app.openapi() is app.openapi_schema
        results[package] = first.content
    assert results["zephyr"] == results["fastapi"]
    assert b'"x-logo"' in results["zephyr"]
    assert b'"/items/{item_id}"' in results["zephyr"]


def test_custom_openapi_is_regenerated_after_a_route_change() -> None:
    app = _extended(Framework("zephyr"))
    first = app.openapi()

    @app.get("/later")
    def later() -> None:
        return None

    second = app.openapi()
    assert second is not first
    assert "/later" in second["paths"]
    assert second["info"]["x-logo"] == {"url": "https://example.com/logo.png"}


def test_routes_added_to_an_included_router_appear() -> None:
    app = FastAPI()
    router = APIRouter(prefix="/r")
    app.include_router(router)
    assert app.openapi()["paths"] == {}

    @router.get("/new")
    def new() -> None:
        return None

    with TestClient(app) as client:
        assert "/r/new" in client.get("/openapi.json").json()["paths"]

    @router.get("/newer")
    def newer() -> None:
        return None

    # Served once: the document now comes from the app's own flattened routes.
    assert "/r/newer" in app.openapi()["paths"]


def test_assigned_schema_is_served_until_routes_change() -> None:
    app = FastAPI()
    app.openapi_schema = {"openapi": "3.1.0", "info": {"title": "Fixed", "version": "1"}}
    with TestClient(app) as client:
        assert client.get("/openapi.json").json()["info"]["title"] == "Fixed"
    app.add_api_route("/x", lambda: None)
    assert app.openapi()["info"]["title"] == "FastAPI"


def test_root_path_is_the_first_server_once() -> None:
    for package in ("fastapi", "zephyr"):
        fw = Framework(package)
        app = fw.FastAPI(servers=[{"url": "/api/v1"}, {"url": "https://example.com"}])
        with TestClient(app, root_path="/api/v1") as client:
            assert [s["url"] for s in client.get("/openapi.json").json()["servers"]] == [
                "/api/v1",
                "https://example.com",
            ]
        with TestClient(app, root_path="/proxy") as client:
            servers = client.get("/openapi.json").json()["servers"]
            assert [s["url"] for s in servers] == ["/proxy", "/api/v1", "https://example.com"]
        # The cached document itself is never changed by a request's root path.
        assert len(app.openapi()["servers"]) == 2
        hidden = fw.FastAPI(root_path_in_servers=False)
        with TestClient(hidden, root_path="/proxy") as client:
            assert "servers" not in client.get("/openapi.json").json()


def test_duplicate_operation_ids_warn_like_fastapi() -> None:
    messages = {}
    for package in ("fastapi", "zephyr"):
        fw = Framework(package)
        app = fw.FastAPI()

        @app.get("/a", operation_id="same")
        def first() -> None:
            return None

        @app.get("/b", operation_id="same")
        def second() -> None:
            return None

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            app.openapi()
        messages[package] = [str(w.message) for w in caught if "Duplicate" in str(w.message)]
    assert messages["zephyr"] == messages["fastapi"]
    assert messages["zephyr"][0].startswith("Duplicate Operation ID same for function second")


def test_get_openapi_accepts_a_plain_route_list() -> None:
    app = FastAPI()
    router = APIRouter()

    @router.get("/inside")
    def inside(q: int = 0) -> None:
        return None

    app.include_router(router, prefix="/p", tags=["t"])
    routes = list(app.routes)  # a copy: no longer the app's own list
    document = zephyr_utils.get_openapi(title="t", version="1", routes=routes)
    assert document["paths"]["/p/inside"]["get"]["tags"] == ["t"]


@pytest.mark.parametrize("version", ["3.1.0", "3.0.2"])
def test_openapi_version_is_declared(version: str) -> None:
    app = FastAPI()
    app.openapi_version = version
    assert app.openapi()["openapi"] == version
