"""Telemetry settings: `FastAPI(telemetry={...})`, with defaults applied once per app.

Importing this module never imports OpenTelemetry: an app decides at build time whether
telemetry can run at all (`telemetry_possible`), and an app without the `telemetry` extra
(or with every signal turned off) gets a request path with no telemetry code in it.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from typing_extensions import TypedDict

if TYPE_CHECKING:
    from opentelemetry._logs import LoggerProvider
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider

AUTO_CONFIGURE_ENV = "FASTAPI_OTEL_AUTO_CONFIGURE"


class TelemetryConfig(TypedDict, total=False):
    """Optional settings for `FastAPI(telemetry={...})`; omitted ones keep their defaults.

    Zephyr uses the global OpenTelemetry providers unless given others, and never shuts
    down providers it did not create.

    Attributes:
        tracer_provider: Use this provider instead of the global tracer provider.
        meter_provider: Use this provider instead of the global meter provider.
        logger_provider: Use this provider instead of the global logger provider.
        tracing: Spans for HTTP requests and WebSocket connections (default True).
        metrics: `http.server.request.duration` and `http.server.active_requests` (default
            True).
        logs: Log validation failures and unhandled exceptions, with exception messages and
            stack traces (default True).
        operation_spans: Child spans for dependency resolution, the endpoint, serialization
            and background tasks (default True).
        auto_configure: Add OTLP/HTTP exporters from the standard `OTEL_*` environment
            variables at startup. Default: False unless `FASTAPI_OTEL_AUTO_CONFIGURE=true`;
            an explicit value wins over the variable.
        exclude: Receives the ASGI scope; return True to skip telemetry for that request or
            connection (health checks, metrics scrapes).
    """

    tracer_provider: TracerProvider | None
    meter_provider: MeterProvider | None
    logger_provider: LoggerProvider | None
    tracing: bool
    metrics: bool
    logs: bool
    operation_spans: bool
    auto_configure: bool
    exclude: Callable[[MutableMapping[str, Any]], bool] | None


def resolve_config(telemetry: TelemetryConfig | None) -> TelemetryConfig:
    """Return a complete copy of the settings: the app's, over the defaults."""
    config: TelemetryConfig = {
        "tracer_provider": None,
        "meter_provider": None,
        "logger_provider": None,
        "tracing": True,
        "metrics": True,
        "logs": True,
        "operation_spans": True,
        "auto_configure": os.getenv(AUTO_CONFIGURE_ENV, "").lower() == "true",
        "exclude": None,
    }
    config.update(telemetry or {})
    return config


def telemetry_possible(config: TelemetryConfig) -> bool:
    """Tell whether this app may ever emit telemetry: a signal is on and the OpenTelemetry
    API is installed. When False the app is built without any telemetry hook."""
    if not (config["tracing"] or config["metrics"] or config["logs"]):
        return False
    return importlib.util.find_spec("opentelemetry") is not None and _has_api()


def _has_api() -> bool:
    try:
        return importlib.util.find_spec("opentelemetry.trace") is not None
    except ModuleNotFoundError:
        return False
