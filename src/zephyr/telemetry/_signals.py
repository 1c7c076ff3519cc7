"""Which signals a request gets, and the tracer and instruments that record them.

Providers are looked up per request, not once: an SDK (or Logfire, Sentry...) configured after
the app was built turns telemetry on for the next request. A provider that is still
OpenTelemetry's deferred proxy, or an explicit no-op provider, means that signal is off.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from opentelemetry import _logs, metrics, trace

from zephyr import __version__
from zephyr.telemetry._config import TelemetryConfig

# The instrumentation scope: FastAPI's name, because the events and attributes are FastAPI's
# conventions (dashboards and vendor integrations key on it); Zephyr's own version.
SCOPE_NAME = "fastapi"
SCHEMA_URL = "https://opentelemetry.io/schemas/1.44.0"
_DURATION_BUCKETS = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.25,
    0.5,
    0.75,
    1.0,
    2.5,
    5.0,
    7.5,
    10.0,
)
HTTP_METHODS = frozenset(
    {"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY", "TRACE"}
)
# OpenTelemetry's placeholders for "no provider set yet" (the API has no public query for it).
_DEFERRED = frozenset(
    {
        ("opentelemetry.trace", "ProxyTracerProvider"),
        ("opentelemetry.metrics._internal", "_ProxyMeterProvider"),
        ("opentelemetry._logs._internal", "ProxyLoggerProvider"),
    }
)
_NO_OP = (trace.NoOpTracerProvider, metrics.NoOpMeterProvider, _logs.NoOpLoggerProvider)
# The API's own getters, and the modules holding the global provider slots they read (None
# until a provider is set). The slots are private to OpenTelemetry: read only when present.
_GETTERS = (trace.get_tracer_provider, metrics.get_meter_provider, _logs.get_logger_provider)
_metrics_api = metrics._internal
_logs_api = _logs._internal
_SLOTS_READABLE = (
    hasattr(trace, "_TRACER_PROVIDER")
    and hasattr(_metrics_api, "_METER_PROVIDER")
    and hasattr(_logs_api, "_LOGGER_PROVIDER")
)
_PROVIDER_VARIABLES = (
    "OTEL_PYTHON_TRACER_PROVIDER",
    "OTEL_PYTHON_METER_PROVIDER",
    "OTEL_PYTHON_LOGGER_PROVIDER",
)


def unconfigured(provider: Any) -> bool:
    """Tell whether `provider` is one of OpenTelemetry's deferred placeholders."""
    cls = type(provider)
    return (cls.__module__, cls.__name__) in _DEFERRED


def known_methods() -> frozenset[str]:
    """Return the HTTP methods reported as themselves (others become "_OTHER").

    `OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS` (comma-separated, case-sensitive) replaces the
    standard list when it names any method.
    """
    names = os.getenv("OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS", "")
    chosen = frozenset(name.strip() for name in names.split(",") if name.strip())
    return chosen or HTTP_METHODS


@dataclass(frozen=True, slots=True)
class Signals:
    """The providers a request records to (None: that signal is off for it)."""

    tracer_provider: Any
    meter_provider: Any
    logger_provider: Any


NONE = Signals(None, None, None)  # nothing to record: the request runs untraced


def _shortcut_applies(config: TelemetryConfig) -> bool:
    """Tell whether `_globals_unset()` may answer "nothing to record" for this app.

    The per-request question "is any provider configured?" costs three `get_*_provider()`
    calls, each reading `os.environ`. When the app has no explicit provider, no
    `OTEL_PYTHON_*_PROVIDER` variable is set and the getters are the API's own, "every global
    slot is still None, and no getter was replaced since" gives the same answer from six
    attribute reads. Code that replaces a getter (an SDK wrapping it, a test patching it)
    then answers for itself.
    """
    explicit = (config["tracer_provider"], config["meter_provider"], config["logger_provider"])
    if any(provider is not None for provider in explicit) or not _SLOTS_READABLE:
        return False
    if any(variable in os.environ for variable in _PROVIDER_VARIABLES):
        return False
    current = (trace.get_tracer_provider, metrics.get_meter_provider, _logs.get_logger_provider)
    return current == _GETTERS and all(_api_function(getter) for getter in _GETTERS)


def _globals_unset() -> bool:
    """Tell whether no global provider was set and no getter replaced (see above)."""
    return (
        trace._TRACER_PROVIDER is None
        and _metrics_api._METER_PROVIDER is None
        and _logs_api._LOGGER_PROVIDER is None
        and trace.get_tracer_provider is _GETTERS[0]
        and metrics.get_meter_provider is _GETTERS[1]
        and _logs.get_logger_provider is _GETTERS[2]
    )


def _api_function(function: Any) -> bool:
    """Tell whether `function` is one of OpenTelemetry's own getters, not a replacement."""
    module = getattr(function, "__module__", None) or ""
    return module.startswith("opentelemetry.") and not hasattr(function, "__wrapped__")


class Providers:
    """Resolves the app's providers per request and caches what it builds from them."""

    def __init__(self, config: TelemetryConfig) -> None:
        self.config = config
        self._tracer: tuple[Any, Any] | None = None  # (provider, tracer)
        self._instruments: tuple[Any, Any, Any] | None = None  # (provider, histogram, counter)
        self._shortcut = _shortcut_applies(config)

    def _pick(self, enabled: bool, explicit: Any, current: Any) -> Any:
        if not enabled:
            return None
        provider = explicit if explicit is not None else current()
        if explicit is None and unconfigured(provider):
            return None
        return None if isinstance(provider, _NO_OP) else provider

    def resolve(self, *, websocket: bool) -> Signals:
        """Return the providers this request records to (`NONE` when it records nothing).

        Args:
            websocket: WebSocket connections record no HTTP metrics.
        """
        # PERF(hello, every scenario with the OpenTelemetry API installed): no SDK configured
        # is the common case; three attribute reads answer it instead of three env lookups.
        if self._shortcut and _globals_unset():
            return NONE
        config = self.config
        signals = Signals(
            self._pick(config["tracing"], config["tracer_provider"], trace.get_tracer_provider),
            self._pick(
                config["metrics"] and not websocket,
                config["meter_provider"],
                metrics.get_meter_provider,
            ),
            self._pick(config["logs"], config["logger_provider"], _logs.get_logger_provider),
        )
        return NONE if signals == NONE else signals

    def tracer(self, provider: Any) -> Any:
        """Return the app's tracer from `provider` (one lookup per provider)."""
        if self._tracer is None or self._tracer[0] is not provider:
            tracer = provider.get_tracer(SCOPE_NAME, __version__, schema_url=SCHEMA_URL)
            self._tracer = (provider, tracer)
        return self._tracer[1]

    def instruments(self, provider: Any) -> tuple[Any, Any]:
        """Return (request duration histogram, active requests counter) from `provider`."""
        if self._instruments is None or self._instruments[0] is not provider:
            meter = provider.get_meter(SCOPE_NAME, __version__, schema_url=SCHEMA_URL)
            duration = meter.create_histogram(
                "http.server.request.duration",
                unit="s",
                description="Duration of HTTP server requests.",
                explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
            )
            active = meter.create_up_down_counter(
                "http.server.active_requests",
                unit="{request}",
                description="Number of active HTTP server requests.",
            )
            self._instruments = (provider, duration, active)
        return self._instruments[1], self._instruments[2]

    def logger(self, provider: Any) -> Any:
        """Return the app's logger from `provider`."""
        return _logs.get_logger(SCOPE_NAME, __version__, provider, schema_url=SCHEMA_URL)
