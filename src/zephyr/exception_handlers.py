"""The default exception handlers, producing FastAPI's error responses.

Applications install them for ``HTTPException``, ``RequestValidationError`` and
``WebSocketRequestValidationError``; custom handlers can delegate to them.
"""

from collections.abc import Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.status import WS_1008_POLICY_VIOLATION
from starlette.websockets import WebSocket

from zephyr.encoders import jsonable_encoder
from zephyr.exceptions import RequestValidationError, WebSocketRequestValidationError
from zephyr.utils import is_body_allowed_for_status_code


async def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    """Answer an ``HTTPException`` with ``{"detail": exc.detail}`` and its headers.

    Statuses that must not carry a body (1xx, 204, 205, 304) get an empty response.
    Starlette's ``HTTPException`` is handled too, so errors raised by Starlette itself (404,
    405) get the same shape.
    """
    headers = getattr(exc, "headers", None)
    if not is_body_allowed_for_status_code(exc.status_code):
        return Response(status_code=exc.status_code, headers=headers)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)


def _encode_errors(errors: Sequence[Any]) -> Any:
    """Encode errors for JSON; bytes that are not UTF-8 are shown with replacement marks.

    FastAPI answers 500 when a client sends bytes that are not UTF-8 where a string was
    expected (the error's `input` cannot be decoded); a client's bytes must never make a
    server error, so only in that case the input is decoded leniently.
    """
    try:
        return jsonable_encoder(errors)
    except UnicodeDecodeError:
        return jsonable_encoder([_lenient(error) for error in errors])


def _lenient(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, dict):
        return {key: _lenient(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_lenient(item) for item in value)
    return value


async def request_validation_exception_handler(
    request: Request, exc: RequestValidationError
) -> JSONResponse:
    """Answer a request validation failure with 422 and ``{"detail": [errors...]}``."""
    return JSONResponse(status_code=422, content={"detail": _encode_errors(exc.errors())})


async def websocket_request_validation_exception_handler(
    websocket: WebSocket, exc: WebSocketRequestValidationError
) -> None:
    """Close the WebSocket with 1008 (policy violation), the errors as the close reason.

    As in FastAPI, the reason is the JSON-compatible list of errors itself, not a string.
    """
    await websocket.close(code=WS_1008_POLICY_VIOLATION, reason=_encode_errors(exc.errors()))
