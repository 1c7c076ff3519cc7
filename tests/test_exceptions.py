"""Exceptions: constructor behaviour, ``errors()``, and messages identical to FastAPI's."""

from typing import Any

import fastapi.exceptions
import pytest
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from zephyr import exceptions
from zephyr.exceptions import (
    DependencyScopeError,
    EndpointContext,
    FastAPIDeprecationWarning,
    FastAPIError,
    HTTPException,
    PydanticV1NotSupportedError,
    RequestValidationError,
    ResponseValidationError,
    ValidationException,
    WebSocketException,
    WebSocketRequestValidationError,
    ZephyrError,
)


class Item(BaseModel):
    name: str
    price: float


def _pydantic_errors() -> list[Any]:
    try:
        Item.model_validate({"price": "cheap"})
    except ValidationError as exc:
        return list(exc.errors())
    raise AssertionError("expected a validation error")


CONTEXTS: list[EndpointContext | None] = [
    None,
    {},
    {"function": "read_item", "path": "GET /items/{item_id}", "file": "/app/main.py", "line": 12},
    {"function": "read_item", "file": "/app/main.py", "line": 12},
    {"path": "GET /items/{item_id}"},
    # Incomplete location: falls back to the path alone.
    {"function": "read_item", "path": "POST /items", "line": 12},
    # Line 0 counts as unknown, as in FastAPI.
    {"function": "f", "path": "GET /", "file": "x.py", "line": 0},
]

ERROR_LISTS: list[list[Any]] = [[], [{"loc": ("query", "q")}], _pydantic_errors()]


@pytest.mark.parametrize("ctx", CONTEXTS)
@pytest.mark.parametrize("errors", ERROR_LISTS)
@pytest.mark.parametrize(
    "name",
    ["RequestValidationError", "ResponseValidationError", "WebSocketRequestValidationError"],
)
def test_message_matches_fastapi(name: str, errors: list[Any], ctx: EndpointContext | None) -> None:
    ours = getattr(exceptions, name)(errors, endpoint_ctx=ctx)
    theirs = getattr(fastapi.exceptions, name)(errors, endpoint_ctx=ctx)
    assert str(ours) == str(theirs)
    assert repr(ours) == repr(theirs)


def test_message_names_endpoint_location() -> None:
    ctx: EndpointContext = {
        "function": "create_item",
        "path": "POST /items",
        "file": "/srv/app.py",
        "line": 40,
    }
    exc = RequestValidationError([{"type": "missing"}], endpoint_ctx=ctx)
    assert str(exc) == (
        "1 validation error:\n"
        "  {'type': 'missing'}\n"
        "\n"
        '  File "/srv/app.py", line 40, in create_item\n'
        "    POST /items"
    )


def test_message_pluralises_and_falls_back_to_path() -> None:
    exc = ResponseValidationError([1, 2], endpoint_ctx={"path": "GET /"})
    assert str(exc) == "2 validation errors:\n  1\n  2\n\n  Endpoint: GET /"


def test_validation_errors_keep_their_arguments() -> None:
    errors = _pydantic_errors()
    ctx: EndpointContext = {"function": "f", "path": "GET /", "file": "m.py", "line": 3}
    exc = RequestValidationError(errors, body={"price": "cheap"}, endpoint_ctx=ctx)
    assert exc.errors() is errors
    assert exc.body == {"price": "cheap"}
    assert exc.endpoint_ctx is ctx
    assert (exc.endpoint_function, exc.endpoint_path, exc.endpoint_file, exc.endpoint_line) == (
        "f",
        "GET /",
        "m.py",
        3,
    )
    bare = ResponseValidationError(errors)
    assert bare.body is None
    assert bare.endpoint_ctx is None
    assert bare.endpoint_function is None and bare.endpoint_line is None


def test_validation_errors_share_a_base() -> None:
    for cls in (RequestValidationError, ResponseValidationError, WebSocketRequestValidationError):
        assert issubclass(cls, ValidationException)
    assert not hasattr(WebSocketRequestValidationError([]), "body")
    with pytest.raises(TypeError):
        RequestValidationError([], {"positional": "body"})  # type: ignore[misc]


def test_http_exception_accepts_any_detail_and_headers() -> None:
    exc = HTTPException(status_code=400, detail={"field": ["bad"]}, headers={"X-Error": "1"})
    assert isinstance(exc, StarletteHTTPException)
    assert exc.status_code == 400
    assert exc.detail == {"field": ["bad"]}
    assert exc.headers == {"X-Error": "1"}


def test_http_exception_defaults_detail_to_status_phrase() -> None:
    exc = HTTPException(404)
    assert exc.detail == "Not Found"
    assert exc.headers is None
    assert str(exc) == "404: Not Found"
    assert repr(exc) == "HTTPException(status_code=404, detail='Not Found')"


def test_websocket_exception() -> None:
    exc = WebSocketException(code=1008)
    assert (exc.code, exc.reason) == (1008, "")
    assert WebSocketException(1011, reason="boom").reason == "boom"


def test_error_hierarchy() -> None:
    assert ZephyrError is FastAPIError
    assert issubclass(FastAPIError, RuntimeError)
    assert issubclass(DependencyScopeError, FastAPIError)
    assert issubclass(PydanticV1NotSupportedError, FastAPIError)
    # A UserWarning, so Python shows it by default (DeprecationWarning is hidden).
    assert issubclass(FastAPIDeprecationWarning, UserWarning)
    assert not issubclass(FastAPIDeprecationWarning, DeprecationWarning)


def test_error_models_are_empty_and_named() -> None:
    assert exceptions.RequestErrorModel.__name__ == "Request"
    assert exceptions.WebSocketErrorModel.__name__ == "WebSocket"
    assert exceptions.RequestErrorModel.model_fields == {}
    assert exceptions.RequestErrorModel.model_json_schema() == (
        fastapi.exceptions.RequestErrorModel.model_json_schema()
    )
