"""Per-request telemetry state, kept in the OpenTelemetry context (needs OpenTelemetry).

Keeping it in the OpenTelemetry context, not only in the ASGI scope, is what lets span and log
processors find the request's data from `record.context`, and what makes an in-process
sub-request (an excluded one, or one inside an excluded one) see its own state, not its
caller's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry.context import Context

from zephyr.telemetry._data import TelemetryData

# The ASGI scope key FastAPI uses: a mounted app (Zephyr's or FastAPI's) sees that an outer
# app already handles telemetry for this request.
SCOPE_KEY = "fastapi.telemetry"
CONTEXT_KEY = otel_context.create_key("zephyr.telemetry.request")


@dataclass(kw_only=True, slots=True)
class RequestTelemetry:
    """What one traced request or connection records as it is handled.

    Attributes:
        span: The server span (None when tracing is off for this request).
        span_method: The method part of the span name ("GET", "HTTP", "WS").
        tracer: Set when operation spans are wanted (tracing on and `operation_spans`).
        logger: Set when logs are wanted.
        route: The route template, once the router selected a route.
        status_code: The response status, once the response started.
        data: The request's TelemetryData; None once the request is over.
        mount_prefix: Templates of the mounts passed so far (and the root path).
        exceptions: Exceptions already logged, so each is logged once.
    """

    span: Any
    span_method: str
    tracer: Any = None
    logger: Any = None
    route: str | None = None
    status_code: int | None = None
    data: TelemetryData | None = field(default_factory=TelemetryData)
    mount_prefix: str = ""
    exceptions: list[BaseException] = field(default_factory=list, repr=False)


def current(context: Context | None = None) -> RequestTelemetry | None:
    """Return the request telemetry of `context` (default: the current context)."""
    value = otel_context.get_value(CONTEXT_KEY, context)
    return value if isinstance(value, RequestTelemetry) else None


def of_scope(scope: Any) -> RequestTelemetry | None:
    """Return the request telemetry an outer app put in the ASGI scope, if any."""
    value = scope.get(SCOPE_KEY)
    return value if isinstance(value, RequestTelemetry) else None
