"""The orjson and ujson responses: same bytes as FastAPI's, same deprecation, lazy imports."""

import sys
import warnings
from collections.abc import Iterator
from typing import Any

import fastapi.exceptions
import fastapi.responses
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from zephyr.exceptions import FastAPIDeprecationWarning, FastAPIError
from zephyr.responses import JSONResponse, ORJSONResponse, UJSONResponse

pytest.importorskip("orjson")
pytest.importorskip("ujson")

PAYLOADS: list[Any] = [
    {"hello": "world"},
    {"name": "café", "city": "Zürich", "kanji": "漢字", "emoji": "🚀"},
    [1, 2.5, None, True, False, "x"],
    {"nested": {"list": [{"a": 1}, {"b": [2, 3]}]}, "empty": {}},
    'plain string with "quotes" and \\ backslash and\nnewline',
    12345678901234567890,
    None,
]


@pytest.fixture(autouse=True)
def _silence_deprecation() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FastAPIDeprecationWarning)
        warnings.simplefilter("ignore", fastapi.exceptions.FastAPIDeprecationWarning)
        yield


@pytest.mark.parametrize("payload", PAYLOADS)
def test_orjson_bytes_match_fastapi(payload: Any) -> None:
    assert ORJSONResponse(payload).body == fastapi.responses.ORJSONResponse(payload).body


@pytest.mark.parametrize("payload", PAYLOADS)
def test_ujson_bytes_match_fastapi(payload: Any) -> None:
    assert UJSONResponse(payload).body == fastapi.responses.UJSONResponse(payload).body


def test_orjson_converts_non_string_keys() -> None:
    payload = {1: "one", 2.5: "x", None: "n"}
    body = ORJSONResponse(payload).body
    assert body == b'{"1":"one","2.5":"x","null":"n"}'
    assert body == fastapi.responses.ORJSONResponse(payload).body


def test_non_ascii_is_utf8_not_escaped() -> None:
    assert ORJSONResponse({"k": "é"}).body == '{"k":"é"}'.encode()
    assert UJSONResponse({"k": "é"}).body == '{"k":"é"}'.encode()


@pytest.mark.parametrize("cls", [ORJSONResponse, UJSONResponse])
def test_response_metadata(cls: type[JSONResponse]) -> None:
    response = cls({"a": 1}, status_code=201, headers={"X-Test": "1"})
    assert issubclass(cls, JSONResponse)
    assert response.status_code == 201
    assert response.media_type == "application/json"
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-test"] == "1"
    assert response.headers["content-length"] == str(len(response.body))


@pytest.mark.parametrize("name", ["ORJSONResponse", "UJSONResponse"])
def test_construction_warns_deprecated_like_fastapi(name: str) -> None:
    def build(cls: type[JSONResponse]) -> JSONResponse:
        return cls({"a": 1})

    locations = []
    for module, category in [
        (fastapi.responses, fastapi.exceptions.FastAPIDeprecationWarning),
        (sys.modules["zephyr.responses"], FastAPIDeprecationWarning),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            with pytest.warns(category, match=f"^{name} is deprecated") as record:
                build(getattr(module, name))
        assert len(record) == 1
        locations.append((record[0].filename, record[0].lineno))
    # Same stacklevel as FastAPI: the warning names the caller of the constructing function.
    assert locations[0] == locations[1]
    assert locations[0][0] == __file__


@pytest.mark.parametrize("cls", [ORJSONResponse, UJSONResponse])
def test_served_through_an_app(cls: type[JSONResponse]) -> None:
    async def endpoint(request: Request) -> JSONResponse:
        return cls({"name": "widget", "price": 9.99, "note": "ü"})

    client = TestClient(Starlette(routes=[Route("/", endpoint)]))
    response = client.get("/")
    assert response.status_code == 200
    assert response.json() == {"name": "widget", "price": 9.99, "note": "ü"}


@pytest.mark.parametrize(("cls", "library"), [(ORJSONResponse, "orjson"), (UJSONResponse, "ujson")])
def test_missing_library_raises_actionable_error(
    cls: type[JSONResponse], library: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # None in sys.modules makes the import fail as if the library were not installed.
    monkeypatch.setitem(sys.modules, library, None)
    with pytest.raises(FastAPIError, match=f"{library} must be installed") as exc_info:
        cls({"a": 1})
    assert isinstance(exc_info.value, RuntimeError)
    assert isinstance(exc_info.value.__cause__, ImportError)


def test_plain_json_response_unaffected_by_missing_libraries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "orjson", None)
    monkeypatch.setitem(sys.modules, "ujson", None)
    assert JSONResponse({"hello": "world"}).body == b'{"hello":"world"}'
