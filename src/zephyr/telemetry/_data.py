"""`TelemetryData`: what a request carries for synchronous OpenTelemetry processors.

A span or log processor runs inside the request that produced the record; with
`get_telemetry_data()` it can read the request, the body as read, the parsed arguments and
the validation errors, and decide itself what (if anything) to redact and export. Zephyr never
puts these values on spans or logs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.websockets import WebSocket

if TYPE_CHECKING:
    from opentelemetry.context import Context

# The module holding the per-request state. Until an app activates telemetry it is not
# imported, and then no request can have data: the answer is None without importing
# OpenTelemetry.
_STATE_MODULE = "zephyr.telemetry._state"


@dataclass(kw_only=True)
class TelemetryData:
    """Local data of one request or WebSocket connection, filled in as it is handled.

    Integrations should treat it as read-only and apply their own capture and redaction
    settings before exporting any of it.

    Attributes:
        request: The request, set when its route handler starts.
        websocket: The WebSocket, set when its route handler starts.
        body: The body as read (parsed JSON, or the form), before parameter validation.
        values: The endpoint's arguments, set once dependencies are resolved.
        errors: Request validation errors, including the invalid input values.
    """

    request: Request | None = None
    websocket: WebSocket | None = None
    body: Any = None
    values: dict[str, Any] | None = None
    errors: Sequence[Any] | None = None


def get_telemetry_data(context: Context | None = None) -> TelemetryData | None:
    """Return the data of the request that `context` belongs to (default: the current one).

    Log processors can pass `record.context`. Read it synchronously while the request or
    connection is being handled: afterwards this returns None, also for contexts kept around.
    """
    state = sys.modules.get(_STATE_MODULE)
    if state is None:
        return None
    telemetry = state.current(context)
    return telemetry.data if telemetry is not None else None
