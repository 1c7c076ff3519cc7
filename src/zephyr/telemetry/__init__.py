"""Native OpenTelemetry: spans, metrics and logs for every request, with no middleware to add.

`FastAPI(telemetry={...})` (see `TelemetryConfig`) follows FastAPI 0.165's documented
behaviour: a server span per HTTP request and WebSocket connection named after the route
template, `http.server.request.duration` and `http.server.active_requests`, a log record for
each validation failure and unhandled exception, and child spans for dependencies, the
endpoint, serialization and background tasks. It uses the global providers unless given
others, so it turns on by itself once an SDK (or Logfire, Sentry...) configures them.

It needs the `telemetry` extra (`pip install 'zephyr[telemetry]'`); without OpenTelemetry
installed, or with every signal off, the app is built with no telemetry code on its request
path. Importing this module never imports OpenTelemetry.
"""

from zephyr.telemetry._config import TelemetryConfig as TelemetryConfig
from zephyr.telemetry._data import TelemetryData as TelemetryData
from zephyr.telemetry._data import get_telemetry_data as get_telemetry_data

__all__ = ["TelemetryConfig", "TelemetryData", "get_telemetry_data"]
