"""What the request path reports while a traced request runs (needs OpenTelemetry).

Each function is called by Zephyr's traced request path only (see `_core.py`), never by an
untraced one: route selection (names the server span), validation failures (a WARN log record),
unhandled exceptions (an ERROR log record, once), and operation spans around dependency
resolution, the endpoint, serialization and background tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from time import time_ns
from typing import Any

from opentelemetry._logs import SeverityNumber
from opentelemetry.trace import StatusCode
from starlette.exceptions import HTTPException, WebSocketException
from starlette.websockets import WebSocketDisconnect

from zephyr import compat
from zephyr.exceptions import RequestValidationError, WebSocketRequestValidationError
from zephyr.telemetry._state import RequestTelemetry, current, of_scope

_NOTHING: AbstractContextManager[None] = nullcontext()
# Exceptions that are answers, not failures: they do not mark an operation span as failed.
_ANSWERS = (
    HTTPException,
    RequestValidationError,
    WebSocketException,
    WebSocketRequestValidationError,
)


def exception_type(exc: BaseException) -> str:
    """Return `error.type`: the qualified class name (builtins without their module).

    While `zephyr.compat` aliases `fastapi` to Zephyr, Zephyr's own classes are named as the
    application imports them (`fastapi.exceptions.HTTPException`), so dashboards and alerts
    written for FastAPI keep matching.
    """
    cls = type(exc)
    module = cls.__module__
    if module == "builtins":
        return cls.__qualname__
    if (module == "zephyr" or module.startswith("zephyr.")) and compat.is_installed():
        module = compat.ALIAS + module[len("zephyr") :]
    return f"{module}.{cls.__qualname__}"


def normal_disconnect(exc: BaseException) -> bool:
    """Tell whether a WebSocket closed normally (1000) or because the peer went away (1001)."""
    return isinstance(exc, WebSocketDisconnect) and exc.code in (1000, 1001)


def route_selected(
    scope: MutableMapping[str, Any], path: str | None, *, mount: bool = False
) -> None:
    """Record the route template the router chose; a mount adds its prefix for the inner one.

    A mount's template ends in "/{path}": it names the route until (and unless) a route
    inside the mounted app is selected.
    """
    telemetry = of_scope(scope)
    if telemetry is None or path is None:
        return
    if mount:
        prefix = path.removesuffix("/{path}")
        telemetry.mount_prefix += prefix
        telemetry.route = telemetry.mount_prefix + "/{path}"
    else:
        telemetry.route = telemetry.mount_prefix + path
    if telemetry.span is not None:
        telemetry.span.set_attribute("http.route", telemetry.route)
        telemetry.span.update_name(f"{telemetry.span_method} {telemetry.route}")


def validation_failed(exc: RequestValidationError | WebSocketRequestValidationError) -> None:
    """Keep the errors (and the body) as request data and log a WARN record (no values)."""
    telemetry = current()
    if telemetry is None:
        return
    errors = exc.errors()
    if telemetry.data is not None:
        if isinstance(exc, RequestValidationError):
            telemetry.data.body = exc.body
        telemetry.data.errors = errors
    if telemetry.logger is None:
        return
    attributes: dict[str, Any] = {"fastapi.validation.error_count": len(errors)}
    if telemetry.route is not None:
        attributes["http.route"] = telemetry.route
    telemetry.logger.emit(
        event_name="fastapi.validation.failed",
        timestamp=time_ns(),
        severity_number=SeverityNumber.WARN,
        severity_text="WARN",
        body="Request validation failed",
        attributes=attributes,
    )


def exception_raised(scope: MutableMapping[str, Any], exc: BaseException) -> None:
    """Log an unhandled exception once per request (a normal WebSocket close is not one)."""
    if scope["type"] == "websocket" and normal_disconnect(exc):
        return
    telemetry = of_scope(scope)
    if telemetry is None or any(seen is exc for seen in telemetry.exceptions):
        return
    telemetry.exceptions.append(exc)
    if telemetry.logger is None or not isinstance(exc, Exception):
        return
    websocket = scope["type"] == "websocket"
    telemetry.logger.emit(
        exception=exc,
        event_name="fastapi.websocket.exception" if websocket else "http.server.request.exception",
        timestamp=time_ns(),
        severity_number=SeverityNumber.ERROR,
        severity_text="ERROR",
        body="Unhandled exception in FastAPI WebSocket connection"
        if websocket
        else "Unhandled exception in FastAPI request",
        attributes={"http.route": telemetry.route} if telemetry.route else None,
    )


def operation(
    name: str, function: Callable[..., Any] | None = None
) -> AbstractContextManager[None]:
    """Return a context manager timing one operation as a `fastapi.<name>` child span.

    A no-op unless the current request wants operation spans.
    """
    telemetry = current()
    if telemetry is None or telemetry.tracer is None:
        return _NOTHING
    return _operation_span(telemetry, name, function)


@contextmanager
def _operation_span(
    telemetry: RequestTelemetry, name: str, function: Callable[..., Any] | None
) -> Iterator[None]:
    attributes = {}
    if function is not None:
        module = getattr(function, "__module__", type(function).__module__)
        qualname = getattr(function, "__qualname__", type(function).__qualname__)
        attributes["code.function.name"] = f"{module}.{qualname}"
    with telemetry.tracer.start_as_current_span(
        f"fastapi.{name}",
        attributes=attributes,
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield
        except Exception as exc:
            # A background task has no one to answer: any exception is its failure.
            if name == "background_task" or not (
                isinstance(exc, _ANSWERS) or normal_disconnect(exc)
            ):
                span.set_attribute("error.type", exception_type(exc))
                span.set_status(StatusCode.ERROR)
            raise
