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
# Where each API module keeps its global provider (None until one is set), and the variable
# that can name one without code. Private to OpenTelemetry, so only read when present.
# (module holding the global slot, slot, variable naming a provider class, module whose getter
# `resolve` calls, that getter's name)
_GLOBAL_SLOTS = (
    (trace, "_TRACER_PROVIDER", "OTEL_PYTHON_TRACER_PROVIDER", trace, "get_tracer_provider"),
    (
        metrics._internal,
        "_METER_PROVIDER",
        "OTEL_PYTHON_METER_PROVIDER",
        metrics,
        "get_meter_provider",
    ),
    (
        _logs._internal,
        "_LOGGER_PROVIDER",
        "OTEL_PYTHON_LOGGER_PROVIDER",
        _logs,
        "get_logger_provider",
    ),
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


def _unset_globals(config: TelemetryConfig) -> tuple[Any, ...] | None:
    """Return the API modules whose global provider slot decides "off" for this app, or None.

    The per-request question "is any provider configured?" costs three `get_*_provider()`
    calls, each reading `os.environ`. When the app has no explicit provider and no
    `OTEL_PYTHON_*_PROVIDER` variable is set, "every global slot is still None" gives the
    same answer by reading three module attributes, as long as the getters are still the
    API's own: code that replaces one (an SDK wrapping it, a test patching it) answers for
    itself. Each entry: (module, slot, getter's module, getter's name, the original getter).
    None: that shortcut does not apply.
    """
    explicit = (config["tracer_provider"], config["meter_provider"], config["logger_provider"])
    if any(provider is not None for provider in explicit):
        return None
    slots = []
    for module, attribute, variable, getter_module, getter in _GLOBAL_SLOTS:
        if variable in os.environ or not hasattr(module, attribute):
            return None
        function = getattr(getter_module, getter)
        if not _api_function(function):
            return None  # already replaced: ask the replacement on every request
        slots.append((module, attribute, getter_module, getter, function))
    return tuple(slots)


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
        self._slots = _unset_globals(config)

    def _pick(self, enabled: bool, explicit: Any, current: Any) -> Any:
        if not enabled:
            return None
        provider = explicit if explicit is not None else current()
        if explicit is None and unconfigured(provider):
            return None
        return None if isinstance(provider, _NO_OP) else provider

    def enabled(self) -> bool:
        """Tell whether any signal has a provider to record to (checked per request)."""
        return self.resolve(websocket=False) is not NONE

    def resolve(self, *, websocket: bool) -> Signals:
        """Return the providers this request records to (`NONE` when it records nothing).

        Args:
            websocket: WebSocket connections record no HTTP metrics.
        """
        # PERF(hello, every scenario with the OpenTelemetry API installed): no SDK configured
        # is the common case; three attribute reads answer it instead of three env lookups.
        slots = self._slots
        if slots is not None:
            for module, name, getter_module, getter, original in slots:
                if (
                    getattr(module, name) is not None
                    or getattr(getter_module, getter) is not original
                ):
                    break
            else:
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
