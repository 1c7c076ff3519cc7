"""Every app of `apps.py` documents itself exactly as FastAPI documents it.

Each app is built twice, on FastAPI and on Zephyr; the documents must be equal as data
(`app.openapi()`), and `/openapi.json`, `/docs`, `/docs/oauth2-redirect` and `/redoc` must
answer with the same status, content type and bytes.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from starlette.testclient import TestClient
from tests.differential.harness import Framework

from .apps import BUILDERS


def _build(package: str, name: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BUILDERS[name](Framework(package))


def _diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Return readable paths where two JSON documents differ."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in expected.keys() | actual.keys():
            if key not in actual:
                found.append(f"{path}/{key}: missing")
            elif key not in expected:
                found.append(f"{path}/{key}: unexpected {json.dumps(actual[key])[:200]}")
            else:
                found.extend(_diff(expected[key], actual[key], f"{path}/{key}"))
        return found
    if expected != actual or type(expected) is not type(actual):
        return [f"{path}: expected {json.dumps(expected)[:200]}, got {json.dumps(actual)[:200]}"]
    return []


@pytest.fixture(scope="module")
def documents() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    return {
        name: (_build("fastapi", name).openapi(), _build("zephyr", name).openapi())
        for name in BUILDERS
    }


def test_enough_routes_are_compared() -> None:
    total = 0
    for name in BUILDERS:
        document = _build("fastapi", name).openapi()
        total += sum(len(item) for item in document["paths"].values())
    assert total >= 30


@pytest.mark.parametrize("name", list(BUILDERS))
def test_document_equals_fastapi(
    name: str, documents: dict[str, tuple[dict[str, Any], dict[str, Any]]]
) -> None:
    expected, actual = documents[name]
    assert not _diff(expected, actual), "\n".join(_diff(expected, actual))
    assert expected == actual


def _pages(app: Any) -> list[str]:
    urls = []
    if app.openapi_url:
        urls.append(app.openapi_url)
        if app.docs_url:
            urls.append(app.docs_url)
            if app.swagger_ui_oauth2_redirect_url:
                urls.append(app.swagger_ui_oauth2_redirect_url)
        if app.redoc_url:
            urls.append(app.redoc_url)
    return urls


@pytest.mark.parametrize("name", list(BUILDERS))
def test_served_pages_equal_fastapi(name: str) -> None:
    oracle, subject = _build("fastapi", name), _build("zephyr", name)
    urls = _pages(oracle)
    assert urls == _pages(subject)
    with TestClient(oracle) as expected_client, TestClient(subject) as actual_client:
        for url in [*urls, "/subapi/openapi.json", "/subapi/docs", "/subapi/redoc"]:
            expected = expected_client.get(url)
            actual = actual_client.get(url)
            assert actual.status_code == expected.status_code, url
            assert actual.headers.get("content-type") == expected.headers.get("content-type")
            assert actual.content == expected.content, url


def test_document_is_cached_until_routes_change() -> None:
    app = _build("zephyr", "parameters")
    first = app.openapi()
    assert app.openapi() is first
    assert app.openapi_schema is first

    @app.get("/late")
    def late() -> dict[str, str]:
        return {}

    second = app.openapi()
    assert second is not first
    assert "/late" in second["paths"]
