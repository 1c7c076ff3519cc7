"""`auto_configure`: OTLP/HTTP exporters from the `OTEL_*` environment, set up at startup.

With `FastAPI(telemetry={"auto_configure": True})` (or `FASTAPI_OTEL_AUTO_CONFIGURE=true`),
lifespan startup adds an OTLP/HTTP exporter for each enabled signal whose endpoint the
environment names (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT`).
Providers already in place (the app's, or global ones set by an SDK or a vendor) keep their own
exporters and get one more; where there is none, Zephyr creates one. Zephyr shuts down only
what it created, flushes it at lifespan shutdown, and closes it at interpreter exit. Failures
are logged, never fatal: telemetry must not stop an app from starting.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from anyio.to_thread import run_sync
from opentelemetry import _logs, metrics, trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zephyr.exceptions import FastAPIError
from zephyr.logger import logger
from zephyr.telemetry._config import TelemetryConfig
from zephyr.telemetry._signals import unconfigured

_lock = threading.RLock()
_owned: list[Any] = []  # providers and exporting components Zephyr created
_configured: list[tuple[str, Any]] = []  # (signal, provider) that got Zephyr's exporter
_SIGNALS = ("TRACES", "METRICS", "LOGS")
_OPT_OUT = "pass telemetry={'auto_configure': False} to FastAPI()"


def _flush() -> None:
    for component in tuple(_owned):
        try:
            component.force_flush()
        except Exception:
            logger.exception("Zephyr telemetry: flushing an exporter failed")


def _shutdown() -> None:
    with _lock:
        owned = tuple(_owned)
        _owned.clear()
    for component in owned:
        try:
            component.shutdown()
        except Exception:
            logger.exception("Zephyr telemetry: shutting down an exporter failed")


atexit.register(_shutdown)


def export_endpoint(signal: str) -> str | None:
    """Return the OTLP/HTTP URL the environment names for `signal` ("TRACES"...), or None.

    Raises:
        FastAPIError: The environment asks for an exporter or protocol this does not
            support, or the endpoint is not an absolute HTTP(S) URL.
    """
    exporter = (os.getenv(f"OTEL_{signal}_EXPORTER") or "otlp").strip().lower()
    endpoint = os.getenv(f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT")
    if not endpoint:
        base = os.getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
        endpoint = f"{base.removesuffix('/')}/v1/{signal.lower()}" if base else None
    if not endpoint or exporter == "none":
        return None
    if exporter != "otlp":
        raise FastAPIError(
            f"Automatic telemetry supports OTEL_{signal}_EXPORTER=otlp or none. Configure "
            f"other exporters yourself and {_OPT_OUT}."
        )
    protocol = (
        os.getenv(f"OTEL_EXPORTER_OTLP_{signal}_PROTOCOL")
        or os.getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    )
    if protocol != "http/protobuf":
        raise FastAPIError(
            "Automatic telemetry exports with the OTLP http/protobuf protocol only. Configure "
            f"other transports yourself and {_OPT_OUT}."
        )
    parsed = urlsplit(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise FastAPIError(
            f"Invalid OTLP {signal.lower()} endpoint {endpoint!r}: use an absolute HTTP or "
            "HTTPS URL."
        )
    return endpoint


def registration_provider(provider: Any) -> Any:
    """Return the object to register an exporter with (Logfire's older meter wrapper hides
    `add_metric_reader`; its SDK provider has it)."""
    cls = type(provider)
    if (cls.__module__, cls.__name__) == (
        "logfire._internal.metrics",
        "ProxyMeterProvider",
    ) and not hasattr(provider, "add_metric_reader"):
        return provider.provider
    return provider


def _sdk() -> dict[str, Any]:
    try:
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk._logs import LoggerProvider
        from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise FastAPIError(
            "Automatic OpenTelemetry export needs the SDK and the OTLP/HTTP exporter: "
            f"pip install 'zephyr[telemetry]', configure providers yourself, or {_OPT_OUT}."
        ) from exc
    return {
        "TRACES": (TracerProvider, "add_span_processor", trace.set_tracer_provider,
                   lambda url: BatchSpanProcessor(OTLPSpanExporter(endpoint=url))),
        "METRICS": (MeterProvider, "add_metric_reader", metrics.set_meter_provider,
                    lambda url: PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=url))),
        "LOGS": (LoggerProvider, "add_log_record_processor", _logs.set_logger_provider,
                 lambda url: BatchLogRecordProcessor(OTLPLogExporter(endpoint=url))),
    }  # fmt: skip


_GLOBAL: dict[str, Callable[[], Any]] = {
    "TRACES": trace.get_tracer_provider,
    "METRICS": metrics.get_meter_provider,
    "LOGS": _logs.get_logger_provider,
}


def configure_from_environment(config: TelemetryConfig) -> None:
    """Add an OTLP/HTTP exporter per enabled signal the environment names an endpoint for.

    Each provider gets Zephyr's exporter once, however many apps start; exporters that other
    components installed are neither inspected nor de-duplicated.
    """
    if not config["auto_configure"] or os.getenv("OTEL_SDK_DISABLED", "").lower() == "true":
        return
    enabled = {"TRACES": config["tracing"], "METRICS": config["metrics"], "LOGS": config["logs"]}
    explicit = {
        "TRACES": config["tracer_provider"],
        "METRICS": config["meter_provider"],
        "LOGS": config["logger_provider"],
    }
    with _lock:
        wanted = [
            (signal, url)
            for signal in _SIGNALS
            if enabled[signal] and (url := export_endpoint(signal)) is not None
        ]
        if not wanted:
            return
        sdk = _sdk()
        for signal, url in wanted:
            _export_signal(signal, url, explicit[signal], sdk[signal])


def _export_signal(signal: str, url: str, explicit: Any, sdk: tuple[Any, ...]) -> None:
    provider_class, register_name, set_global, component_for = sdk
    provider = registration_provider(explicit if explicit is not None else _GLOBAL[signal]())
    if any(seen == signal and known is provider for seen, known in _configured):
        return
    if explicit is None and unconfigured(provider):
        created = _new_provider(signal, provider_class, component_for(url))
        set_global(created)
        current = _GLOBAL[signal]()
        if current is created:
            _configured.append((signal, created))
            _owned.append(created)
            return
        # Another component set the global provider meanwhile: use theirs.
        created.shutdown()
        provider = registration_provider(current)
    register = getattr(provider, register_name, None)
    if not callable(register):
        raise FastAPIError(
            f"The configured OpenTelemetry {signal.lower()} provider cannot take an OTLP "
            f"exporter. Configure export through that provider and {_OPT_OUT}."
        )
    component = component_for(url)
    try:
        register(component)
    except Exception:
        component.shutdown()
        raise
    _configured.append((signal, provider))
    _owned.append(component)


def _new_provider(signal: str, provider_class: Any, component: Any) -> Any:
    """Create an SDK provider that exports through `component` (closed by Zephyr only)."""
    if signal == "METRICS":
        return provider_class(metric_readers=[component], shutdown_on_exit=False)
    provider = provider_class(shutdown_on_exit=False)
    if signal == "TRACES":
        provider.add_span_processor(component)
    else:
        provider.add_log_record_processor(component)
    return provider


async def lifespan(
    config: TelemetryConfig, app: ASGIApp, scope: Scope, receive: Receive, send: Send
) -> None:
    """Run the app's lifespan, configuring export at startup and flushing at the end."""

    async def startup_receive() -> Message:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                configure_from_environment(config)
            except Exception as exc:
                logger.warning("Zephyr automatic telemetry configuration failed: %s", exc)
        return message

    async def flushing_send(message: Message) -> None:
        ends = ("lifespan.shutdown.complete", "lifespan.shutdown.failed", "lifespan.startup.failed")
        if message["type"] in ends and _owned:
            await run_sync(_flush)
        await send(message)

    await app(scope, startup_receive, flushing_send)
