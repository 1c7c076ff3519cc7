"""One error shape for every failure: `{"error": {"code", "message", "details", "request_id"}}`.

The handlers keep the status codes (and headers such as `WWW-Authenticate`) of the exceptions
they replace; only the body changes.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from zephyr import FastAPI, Request
from zephyr.encoders import jsonable_encoder
from zephyr.exceptions import RequestValidationError
from zephyr.responses import JSONResponse

from ..services.errors import DomainError
from .request_id import HEADER, current_request_id, request_id_var

logger = logging.getLogger("bookstore.errors")


class ErrorBody(BaseModel):
    """What went wrong."""

    code: str
    message: str
    details: Any = None
    request_id: str | None = None


class ErrorEnvelope(BaseModel):
    """The body of every error response."""

    error: ErrorBody


def _code_for(status_code: int) -> str:
    try:
        phrase = HTTPStatus(status_code).phrase
    except ValueError:
        return "error"
    return phrase.lower().replace(" ", "_").replace("-", "_")


def _request_id(request: Request) -> str | None:
    # The state copy is there even when the contextvar has been reset (500s, see request_id).
    return current_request_id() or getattr(request.state, "request_id", None)


def error_response(
    request: Request,
    status_code: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build an error response in the envelope."""
    request_id = _request_id(request)
    body = ErrorEnvelope(
        error=ErrorBody(code=code, message=message, details=details, request_id=request_id)
    )
    response = JSONResponse(jsonable_encoder(body), status_code=status_code, headers=headers)
    if request_id is not None:
        response.headers[HEADER] = request_id
    return response


async def http_exception_handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Wrap `HTTPException`s, including the router's own 404 and 405."""
    message = exc.detail if isinstance(exc.detail, str) else _code_for(exc.status_code)
    details = None if isinstance(exc.detail, str) else exc.detail
    return error_response(
        request,
        exc.status_code,
        _code_for(exc.status_code),
        message,
        details,
        headers=dict(exc.headers) if exc.headers else None,
    )


def _validation_detail(error: dict[str, Any]) -> dict[str, Any]:
    # "input" is dropped: it would echo passwords and other secrets back (and into logs).
    detail: dict[str, Any] = {key: error[key] for key in ("type", "loc", "msg") if key in error}
    if "ctx" in error:
        # A custom validator's ctx holds the exception object itself; clients get its text.
        detail["ctx"] = {
            key: str(value) if isinstance(value, Exception) else value
            for key, value in error["ctx"].items()
        }
    return detail


async def validation_exception_handler(
    request: Request, exc: RequestValidationError
) -> JSONResponse:
    """Wrap 422s; the details are FastAPI's error list without the rejected input."""
    details = [_validation_detail(error) for error in exc.errors()]
    return error_response(request, 422, "validation_error", "Invalid request", details)


async def domain_error_handler(request: Request, exc: DomainError) -> JSONResponse:
    """Answer a business-rule refusal with its own status and code."""
    return error_response(request, exc.status_code, exc.code, exc.message, exc.details)


async def unhandled_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer a bug with a 500 in the envelope (the traceback goes to the log only)."""
    # This runs outside RequestIdMiddleware (which has reset the contextvar): set it again
    # so that the traceback's log line names the request.
    token = request_id_var.set(_request_id(request))
    try:
        logger.error("unhandled error", exc_info=exc)
    finally:
        request_id_var.reset(token)
    return error_response(request, 500, "internal_error", "Internal server error")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that put every error in the envelope."""
    app.add_exception_handler(StarletteHTTPException, http_exception_handler)
    app.add_exception_handler(RequestValidationError, validation_exception_handler)
    app.add_exception_handler(DomainError, domain_error_handler)
    app.add_exception_handler(Exception, unhandled_error_handler)
