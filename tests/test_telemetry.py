"""Native OpenTelemetry (`FastAPI(telemetry=...)`, `zephyr.telemetry`), through TestClient.

Each test gives the app its own SDK providers with in-memory exporters, so nothing leaks into
the global OpenTelemetry state.
"""

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from opentelemetry import trace
from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from pydantic import BaseModel
from starlette.middleware.errors import ServerErrorMiddleware

from zephyr import (
    APIRouter,
    BackgroundTasks,
    Depends,
    FastAPI,
    HTTPException,
    Request,
    WebSocket,
)
from zephyr._pipeline.asgi import AppCore
from zephyr.routing import APIRoute
from zephyr.telemetry import TelemetryConfig, get_telemetry_data
from zephyr.telemetry._runtime import export_endpoint
from zephyr.testclient import TestClient


class Telemetry:
    """An app's providers and what they recorded."""

    def __init__(self) -> None:
        self.spans = InMemorySpanExporter()
        self.tracer_provider = TracerProvider(shutdown_on_exit=False)
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.spans))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader], shutdown_on_exit=False)
        self.logs = InMemoryLogRecordExporter()
        self.logger_provider = LoggerProvider(shutdown_on_exit=False)
        self.logger_provider.add_log_record_processor(SimpleLogRecordProcessor(self.logs))

    def config(self, **options: Any) -> TelemetryConfig:
        config: TelemetryConfig = {
            "tracer_provider": self.tracer_provider,
            "meter_provider": self.meter_provider,
            "logger_provider": self.logger_provider,
        }
        config.update(options)  # type: ignore[typeddict-item]
        return config

    def server_spans(self) -> list[Any]:
        return [s for s in self.spans.get_finished_spans() if s.kind == SpanKind.SERVER]

    def points(self, name: str = "http.server.request.duration") -> list[Any]:
        data = self.reader.get_metrics_data()
        if data is None:
            return []
        return [
            point
            for resource in data.resource_metrics
            for scope in resource.scope_metrics
            for metric in scope.metrics
            if metric.name == name
            for point in metric.data.data_points
        ]

    def shutdown(self) -> None:
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()
        self.logger_provider.shutdown()


@pytest.fixture
def telemetry() -> Iterator[Telemetry]:
    recorded = Telemetry()
    yield recorded
    recorded.shutdown()


def test_server_span_named_after_the_route_template(telemetry: Telemetry) -> None:
    app = FastAPI(telemetry=telemetry.config())

    @app.get("/items/{item_id}")
    async def read_item(item_id: int) -> int:
        return item_id

    parent = "00-" + "1" * 32 + "-" + "2" * 16 + "-01"
    response = TestClient(app).get("/items/7?sig=secret&page=2", headers={"traceparent": parent})
    assert response.json() == 7
    (span,) = telemetry.server_spans()
    assert span.name == "GET /items/{item_id}"
    assert span.context.trace_id == int("1" * 32, 16)  # continues the caller's trace
    assert span.parent.span_id == int("2" * 16, 16)
    assert span.attributes["http.route"] == "/items/{item_id}"
    assert span.attributes["http.response.status_code"] == 200
    assert span.attributes["url.path"] == "/items/7"
    assert span.attributes["url.query"] == "sig=REDACTED&page=2"
    assert span.status.status_code == StatusCode.UNSET
    (point,) = telemetry.points()
    assert point.count == 1
    assert point.attributes["http.route"] == "/items/{item_id}"
    assert "url.path" not in point.attributes  # metrics stay low-cardinality
    assert telemetry.points("http.server.active_requests")[0].value == 0


@pytest.mark.parametrize("sync", [False, True])
def test_operation_spans_are_children_of_the_server_span(telemetry: Telemetry, sync: bool) -> None:
    started: dict[str, int] = {}

    class Threads(SpanProcessor):
        def on_start(self, span: Any, parent_context: Any = None) -> None:
            started[span.name] = threading.get_ident()

    telemetry.tracer_provider.add_span_processor(Threads())
    app = FastAPI(telemetry=telemetry.config())

    def dependency() -> str:
        return "value"

    def sync_endpoint(value: Annotated[str, Depends(dependency)]) -> str:
        return value

    async def async_endpoint(value: Annotated[str, Depends(dependency)]) -> str:
        return value

    app.get("/")(sync_endpoint if sync else async_endpoint)
    assert TestClient(app).get("/").json() == "value"
    (server,) = telemetry.server_spans()
    children = [s for s in telemetry.spans.get_finished_spans() if s is not server]
    assert {s.name for s in children} == {
        "fastapi.dependencies",
        "fastapi.endpoint",
        "fastapi.serialization",
    }
    assert all(s.parent.span_id == server.context.span_id for s in children)
    assert all("code.function.name" in s.attributes for s in children)
    # A plain `def` endpoint's span opens in the worker thread that runs it.
    assert (started["fastapi.endpoint"] != started["fastapi.dependencies"]) == sync


def test_operation_spans_can_be_turned_off(telemetry: Telemetry) -> None:
    app = FastAPI(telemetry=telemetry.config(operation_spans=False))
    app.get("/")(lambda: "ok")
    TestClient(app).get("/")
    assert [s.name for s in telemetry.spans.get_finished_spans()] == ["GET /"]


def test_request_data_is_visible_while_the_request_runs(telemetry: Telemetry) -> None:
    app = FastAPI(telemetry=telemetry.config())
    service = object()
    seen: list[str] = []

    class Item(BaseModel):
        name: str

    def dependency(request: Request) -> object:
        data = get_telemetry_data()
        assert data is not None and data.request is request
        assert data.body == {"name": "x"}  # the body as read, before validation
        assert data.values is None  # not resolved yet
        seen.append("dependency")
        return service

    @app.post("/{kind}")
    async def create(kind: str, item: Item, request: Request, value: Any = Depends(dependency)):
        data = get_telemetry_data()
        assert data is not None and data.request is request
        assert data.values is not None
        assert data.values["item"] is item and data.values["value"] is service
        assert data.errors == []
        seen.append("endpoint")
        return kind

    assert TestClient(app).post("/thing", json={"name": "x"}).json() == "thing"
    assert seen == ["dependency", "endpoint"]
    assert get_telemetry_data() is None  # cleared once the request is over


def test_validation_failure_is_a_warning_log_with_the_errors_as_data(
    telemetry: Telemetry,
) -> None:
    app = FastAPI(telemetry=telemetry.config())

    @app.get("/items/{item_id}")
    def read_item(item_id: int) -> int:
        raise AssertionError("not reached")  # pragma: no cover

    assert TestClient(app).get("/items/private-input").status_code == 422
    (log,) = telemetry.logs.get_finished_logs()
    record = log.log_record
    assert record.event_name == "fastapi.validation.failed"
    assert record.severity_number == SeverityNumber.WARN
    assert record.attributes == {
        "http.route": "/items/{item_id}",
        "fastapi.validation.error_count": 1,
    }
    assert "private-input" not in repr(record.attributes)  # values stay out of the export
    (span,) = telemetry.server_spans()
    assert span.status.status_code == StatusCode.UNSET  # a 422 is an answer, not a failure


def test_unhandled_exception_is_logged_once_and_fails_the_span(telemetry: Telemetry) -> None:
    app = FastAPI(telemetry=telemetry.config())
    error = ValueError("boom")

    @app.get("/fail")
    def fail() -> None:
        raise error

    assert TestClient(app, raise_server_exceptions=False).get("/fail").status_code == 500
    (log,) = telemetry.logs.get_finished_logs()
    assert log.log_record.event_name == "http.server.request.exception"
    assert log.log_record.exception is error
    assert log.log_record.attributes["http.route"] == "/fail"
    (span,) = telemetry.server_spans()
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes["error.type"] == "ValueError"
    assert span.attributes["http.response.status_code"] == 500
    endpoint = next(s for s in telemetry.spans.get_finished_spans() if s.name == "fastapi.endpoint")
    assert endpoint.status.status_code == StatusCode.ERROR


def test_mounts_prefix_the_inner_route_template(telemetry: Telemetry) -> None:
    app = FastAPI(telemetry=telemetry.config())
    child = FastAPI()
    router = APIRouter(prefix="/v1")

    @router.get("/items/{item_id}")
    def read_item(item_id: int) -> int:
        return item_id

    child.include_router(router)
    app.mount("/tenants/{tenant}", child)
    assert TestClient(app).get("/tenants/acme/v1/items/3").json() == 3
    (span,) = telemetry.server_spans()
    assert span.name == "GET /tenants/{tenant}/v1/items/{item_id}"
    assert "acme" not in repr(telemetry.points()[0].attributes)


def test_slash_redirect_and_missing_routes(telemetry: Telemetry) -> None:
    app = FastAPI(telemetry=telemetry.config())
    app.get("/ok")(lambda: "ok")
    client = TestClient(app)
    assert client.get("/ok/", follow_redirects=False).status_code == 307
    assert client.get("/missing").status_code == 404
    redirect, missing = telemetry.server_spans()
    assert redirect.attributes["http.route"] == "/ok"  # the route the redirect leads to
    assert "http.route" not in missing.attributes
    assert missing.name == "GET"


def test_excluded_requests_record_nothing(telemetry: Telemetry) -> None:
    config = telemetry.config(exclude=lambda scope: scope["path"] == "/health")
    app = FastAPI(telemetry=config)

    @app.get("/health")
    def health() -> str:
        assert get_telemetry_data() is None
        return "ok"

    client = TestClient(app)
    client.get("/health")
    assert telemetry.spans.get_finished_spans() == ()
    assert telemetry.points() == []
    client.get("/other")
    assert len(telemetry.server_spans()) == 1


def test_background_tasks_get_their_own_spans_after_the_response(telemetry: Telemetry) -> None:
    app = FastAPI(telemetry=telemetry.config())
    ran: list[str] = []

    def task(name: str) -> None:
        span = trace.get_current_span()
        ran.append(getattr(span, "name", ""))

    @app.get("/")
    async def endpoint(tasks: BackgroundTasks) -> str:
        tasks.add_task(task, "first")
        return "ok"

    assert TestClient(app).get("/").json() == "ok"
    assert ran == ["fastapi.background_task"]
    (server,) = telemetry.server_spans()
    (span,) = [s for s in telemetry.spans.get_finished_spans() if s.name == ran[0]]
    assert span.parent.span_id == server.context.span_id
    assert span.start_time >= server.end_time  # the request counts as done at its last byte


def test_websocket_connection_span(telemetry: Telemetry) -> None:
    app = FastAPI(telemetry=telemetry.config())

    @app.websocket("/rooms/{room}")
    async def room(websocket: WebSocket, room: int) -> None:
        data = get_telemetry_data()
        assert data is not None and data.websocket is websocket
        assert data.values is not None and data.values["room"] == room
        await websocket.accept()
        await websocket.send_text(await websocket.receive_text())
        await websocket.close()

    with TestClient(app).websocket_connect("/rooms/5") as websocket:
        websocket.send_text("hi")
        assert websocket.receive_text() == "hi"
    (span,) = telemetry.server_spans()
    assert span.name == "WS /rooms/{room}"
    assert span.attributes["network.protocol.name"] == "websocket"
    assert telemetry.points() == []  # WebSocket connections record no HTTP metrics


@pytest.mark.parametrize(
    "options",
    [{"tracing": False, "metrics": False, "logs": False}],
    ids=["all-signals-off"],
)
def test_telemetry_off_builds_no_telemetry_code(options: dict[str, bool]) -> None:
    app = FastAPI(telemetry=options)  # type: ignore[arg-type]
    app.get("/")(lambda: "ok")
    assert TestClient(app).get("/").json() == "ok"
    assert type(app._core) is AppCore


def test_traced_stack_keeps_server_error_middleware_outermost(telemetry: Telemetry) -> None:
    # opentelemetry-instrumentation-fastapi rebuilds the stack around this class.
    app = FastAPI(telemetry=telemetry.config())
    assert isinstance(app.build_middleware_stack(), ServerErrorMiddleware)


def test_unconfigured_global_providers_mean_no_telemetry() -> None:
    # The API's default (proxy) providers record nothing: the request is served untraced.
    app = FastAPI()

    @app.get("/")
    def endpoint() -> bool:
        return get_telemetry_data() is None

    assert TestClient(app).get("/").json() is True


_LATE_GLOBAL_PROVIDER = """
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from zephyr import FastAPI
from zephyr.testclient import TestClient

app = FastAPI()
app.get("/items/{item_id}")(lambda item_id: item_id)
client = TestClient(app)
client.get("/items/1")  # no SDK yet: served untraced
spans = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(spans))
trace.set_tracer_provider(provider)  # an SDK configured after the app was built
client.get("/items/2")
print([s.name for s in spans.get_finished_spans() if s.kind == trace.SpanKind.SERVER])
"""


def test_a_global_provider_set_after_the_app_was_built_traces_the_next_request() -> None:
    # Global providers can be set once per process, hence the subprocess.
    env = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
    result = subprocess.run(
        [sys.executable, "-c", _LATE_GLOBAL_PROVIDER],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert result.stdout.strip() == "['GET /items/{item_id}']"


def test_telemetry_package_does_not_import_opentelemetry() -> None:
    code = (
        "import sys, zephyr, zephyr.telemetry;"
        "app = zephyr.FastAPI(telemetry={'tracing': False, 'metrics': False, 'logs': False});"
        "app.build_middleware_stack();"
        "print(any(name.startswith('opentelemetry') for name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "environment,expected",
    [
        ({}, None),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"},
            "http://collector:4318/v1/traces",
        ),
        (
            {
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://traces.example/in",
            },
            "https://traces.example/in",
        ),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"}, None),
    ],
)
def test_auto_configure_reads_the_standard_environment(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str | None
) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert export_endpoint("TRACES") == expected


@pytest.mark.parametrize(
    "name,value", [("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), ("OTEL_TRACES_EXPORTER", "zipkin")]
)
def test_auto_configure_refuses_what_it_cannot_export(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    from zephyr.exceptions import FastAPIError

    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    monkeypatch.setenv(name, value)
    with pytest.raises(FastAPIError, match="auto_configure"):
        export_endpoint("TRACES")


def test_auto_configure_adds_an_exporter_to_the_apps_provider(
    telemetry: Telemetry, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zephyr.telemetry import _runtime

    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    added: list[Any] = []
    monkeypatch.setattr(telemetry.tracer_provider, "add_span_processor", added.append)
    app = FastAPI(telemetry=telemetry.config(auto_configure=True, metrics=False, logs=False))
    try:
        with TestClient(app):  # lifespan startup configures export
            pass
        assert [type(component).__name__ for component in added] == ["BatchSpanProcessor"]
    finally:
        _runtime._shutdown()


@pytest.mark.parametrize("when", ["before-build", "after-first-request"])
def test_a_replaced_global_getter_is_asked_for_the_provider(
    telemetry: Telemetry, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    # SDKs (and tests) may replace `trace.get_tracer_provider` instead of setting the global
    # provider; the app must ask the replacement, whether it came before the app or after.
    app = FastAPI()
    app.get("/")(lambda: "ok")
    client = TestClient(app)
    if when == "before-build":
        monkeypatch.setattr(trace, "get_tracer_provider", lambda: telemetry.tracer_provider)
    else:
        assert client.get("/").json() == "ok"
        assert telemetry.server_spans() == []
        monkeypatch.setattr(trace, "get_tracer_provider", lambda: telemetry.tracer_provider)

    for _ in range(2):
        assert client.get("/").json() == "ok"

    assert [span.name for span in telemetry.server_spans()] == ["GET /", "GET /"]


@pytest.mark.parametrize("aliased", [False, True])
def test_error_type_names_zephyr_classes_as_the_app_imports_them(
    telemetry: Telemetry, monkeypatch: pytest.MonkeyPatch, aliased: bool
) -> None:
    # Under zephyr.compat the app imported `fastapi.exceptions.HTTPException`; dashboards
    # written for FastAPI match on that name.
    import zephyr.compat

    monkeypatch.setattr(zephyr.compat, "is_installed", lambda: aliased)
    app = FastAPI(telemetry=telemetry.config())

    def fail() -> None:
        raise HTTPException(503)

    @app.get("/")
    async def endpoint(tasks: BackgroundTasks) -> str:
        tasks.add_task(fail)
        return "ok"

    assert TestClient(app, raise_server_exceptions=False).get("/").json() == "ok"
    (task,) = [s for s in telemetry.spans.get_finished_spans() if s.name.endswith("_task")]
    package = "fastapi" if aliased else "zephyr"
    assert task.attributes["error.type"] == f"{package}.exceptions.HTTPException"


def _custom_route_app(telemetry: Telemetry) -> FastAPI:
    class TimedRoute(APIRoute):
        def get_route_handler(self) -> Any:
            handler = super().get_route_handler()

            async def timed(request: Request) -> Any:
                return await handler(request)

            return timed

    app = FastAPI(telemetry=telemetry.config())
    app.router.route_class = TimedRoute

    def token() -> str:
        return "t"

    @app.get("/items/{item_id}")
    def read_item(item_id: int, tok: Annotated[str, Depends(token)]) -> dict[str, Any]:
        return {"item_id": item_id, "tok": tok}

    return app


def _operation_names(telemetry: Telemetry) -> list[str]:
    return sorted(s.name for s in telemetry.spans.get_finished_spans() if s.kind != SpanKind.SERVER)


def test_routes_served_through_their_handler_time_the_same_operations(
    telemetry: Telemetry,
) -> None:
    client = TestClient(_custom_route_app(telemetry))
    assert client.get("/items/3").json() == {"item_id": 3, "tok": "t"}
    assert _operation_names(telemetry) == [
        "fastapi.dependencies",
        "fastapi.endpoint",
        "fastapi.serialization",
    ]
    telemetry.spans.clear()
    assert client.get("/items/x").status_code == 422
    assert _operation_names(telemetry) == ["fastapi.dependencies"]


def test_routes_served_through_replaced_routing_functions_time_the_same_operations(
    telemetry: Telemetry, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zephyr.routing

    solve = zephyr.routing.solve_dependencies

    async def instrumented_solve(**kwargs: Any) -> Any:
        return await solve(**kwargs)

    monkeypatch.setattr(zephyr.routing, "solve_dependencies", instrumented_solve)
    client = TestClient(_custom_route_app(telemetry))
    assert client.get("/items/3").json() == {"item_id": 3, "tok": "t"}
    assert _operation_names(telemetry) == [
        "fastapi.dependencies",
        "fastapi.endpoint",
        "fastapi.serialization",
    ]
    telemetry.spans.clear()
    assert client.get("/items/x").status_code == 422
    assert _operation_names(telemetry) == ["fastapi.dependencies"]
    (record,) = telemetry.logs.get_finished_logs()
    assert record.log_record.severity_number == SeverityNumber.WARN
