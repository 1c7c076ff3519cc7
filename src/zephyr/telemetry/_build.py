"""How an app built with telemetry possible gets its telemetry layers (imported lazily).

These helpers import the OpenTelemetry-backed modules only when called, so an app built
without telemetry never imports OpenTelemetry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp

from zephyr._pipeline.asgi import AppCore
from zephyr.telemetry._config import TelemetryConfig


def traced_core_class() -> type[AppCore]:
    """Return the core class that reports route selection and traces plans."""
    from zephyr.telemetry._core import TracedCore

    return TracedCore


def traced_server_errors(
    app: ASGIApp,
    *,
    handler: Callable[..., Any] | None,
    debug: bool,
    max_body_size: int | None,
    config: TelemetryConfig,
    owner: Any,
) -> ASGIApp:
    """Return the outermost layer: ServerErrors with the request telemetry around it.

    One object, and a `ServerErrorMiddleware`, because instrumentations that rebuild the
    stack (opentelemetry-instrumentation-fastapi) expect that class outermost; they then
    replace it, native telemetry with it, so nothing is recorded twice.
    """
    from zephyr.telemetry._asgi import TracedServerErrors

    return TracedServerErrors(
        app, handler=handler, debug=debug, max_body_size=max_body_size, config=config, owner=owner
    )
