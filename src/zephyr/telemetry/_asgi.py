"""The outermost layer of a traced app: one server span, metrics and context per request.

`TelemetryMiddleware` wraps the whole middleware stack of an app built with telemetry
possible (see `applications.py`). Per request it checks whether any provider is configured
(an SDK may be set up after the app), then opens the server span (continuing the caller's
trace from its headers), counts the request as active, and puts a `RequestTelemetry` in the
scope and the OpenTelemetry context for the request path to fill in. The request ends when
its last body (or trailers) message is sent — before background tasks run — or when it fails.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from contextlib import nullcontext
from time import perf_counter
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.propagators.textmap import Getter
from opentelemetry.trace import SpanKind, StatusCode
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zephyr._pipeline.outer import ServerErrors
from zephyr.telemetry import _runtime
from zephyr.telemetry._config import TelemetryConfig
from zephyr.telemetry._events import exception_raised, exception_type, normal_disconnect
from zephyr.telemetry._signals import NONE, Providers, Signals, known_methods
from zephyr.telemetry._state import CONTEXT_KEY, SCOPE_KEY, RequestTelemetry

# Query parameters whose values are credentials (OpenTelemetry's HTTP semantic conventions).
_SECRET_QUERY_KEYS = frozenset(
    {"X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "sig", "X-Goog-Signature"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


class _HeaderGetter(Getter[Headers]):
    """Read propagation headers; repeated baggage headers are joined (it reads one value)."""

    def get(self, carrier: Headers, key: str) -> list[str] | None:
        values = carrier.getlist(key)
        if not values:
            return None
        return [",".join(values)] if key.lower() == "baggage" else values

    def keys(self, carrier: Headers) -> list[str]:
        return carrier.keys()


_GETTER = _HeaderGetter()


def contrib_instrumented(stack: Any) -> bool:
    """Tell whether an app's built stack contains contrib's OpenTelemetryMiddleware.

    The built stack is checked, not contrib's "instrumented" flag: the flag is also set when
    contrib could not patch a stack that was already built.
    """
    seen: set[int] = set()
    while stack is not None and id(stack) not in seen:
        seen.add(id(stack))
        cls = type(stack)
        if (cls.__module__, cls.__name__) == (
            "opentelemetry.instrumentation.asgi",
            "OpenTelemetryMiddleware",
        ):
            return True
        stack = getattr(stack, "app", None)
    return False


def server_attributes(scope: Scope) -> dict[str, Any]:
    """Return `server.address`/`server.port` from the Host header (else the ASGI server)."""
    authority = Headers(scope=scope).get("host")
    if authority is None:
        address, port = scope.get("server") or (None, None)
    else:
        try:
            url = urlsplit("//" + authority)
            address, port = url.hostname, url.port
        except ValueError:
            return {}  # a malformed Host must not break the request
        if url.username is not None or url.path or url.query or url.fragment:
            return {}
        if port is None:
            port = _DEFAULT_PORTS.get(scope.get("scheme", "http"))
    if not address:
        return {}
    attributes: dict[str, Any] = {"server.address": address}
    if port is not None:
        attributes["server.port"] = port
    return attributes


def redacted_query(query_string: bytes) -> str:
    """Return the query for `url.query`, with credential values replaced by REDACTED."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return urlencode(
        [(key, "REDACTED" if key in _SECRET_QUERY_KEYS else value) for key, value in pairs]
    )


class TelemetryMiddleware:
    """Give each request or connection of an app its telemetry (outermost layer)."""

    def __init__(self, app: ASGIApp, config: TelemetryConfig, owner: Any) -> None:
        self.app = app
        self.config = config
        self.owner = owner  # the application, whose built stack tells about contrib
        self.providers = Providers(config)
        self.known_methods = known_methods()
        self._checked_stack: Any = None  # the built stack `_contrib` last looked at
        self._contrib = False

    def _legacy(self) -> bool:
        """Tell whether opentelemetry-instrumentation-fastapi (contrib) instruments the app;
        it then owns every signal, so nothing is recorded twice."""
        stack = getattr(self.owner, "middleware_stack", None)
        if stack is not self._checked_stack:  # PERF(hello): walk each built stack once
            self._contrib = contrib_instrumented(stack)
            self._checked_stack = stack
        return self._contrib

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await _runtime.lifespan(self.config, self.app, scope, receive, send)
            return
        # A mounted app inside a traced (or excluded) request: the outer app handles it.
        if kind not in ("http", "websocket") or SCOPE_KEY in scope:
            await self.app(scope, receive, send)
            return
        exclude = self.config["exclude"]
        if exclude is not None and exclude(scope):
            await self._excluded(scope, receive, send)
            return
        signals = self.providers.resolve(websocket=kind == "websocket")
        if signals is NONE or self._legacy():
            await self.app(scope, receive, send)
            return
        await _Exchange(self.app, self, scope, signals).run(receive, send)

    async def _excluded(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Mounted apps must not trace it either, and an in-process request must not write
        # into the telemetry of the request that made it.
        scope[SCOPE_KEY] = None
        token = otel_context.attach(otel_context.set_value(CONTEXT_KEY, None))
        try:
            await self.app(scope, receive, send)
        finally:
            otel_context.detach(token)
            scope.pop(SCOPE_KEY, None)


class _Exchange:
    """One traced request or connection: its span, instruments and end."""

    def __init__(
        self, app: ASGIApp, owner: TelemetryMiddleware, scope: Scope, signals: Signals
    ) -> None:
        self.app = app
        self.scope = scope
        self.websocket = scope["type"] == "websocket"
        original = scope.get("method", "")
        method = original if original in owner.known_methods else "_OTHER"
        self.original_method, self.method = original, method
        span_method = "WS" if self.websocket else "HTTP" if method == "_OTHER" else method
        self.attributes = self._base_attributes(method)
        self.active_attributes = {
            key: value
            for key, value in self.attributes.items()
            if key != "network.protocol.version"
        }
        self.duration, self.active = (None, None)
        if signals.meter_provider is not None:
            self.duration, self.active = owner.providers.instruments(signals.meter_provider)
        tracer = (
            owner.providers.tracer(signals.tracer_provider)
            if signals.tracer_provider is not None
            else None
        )
        self.tracer = tracer
        self.parent: Any = None
        self.span: Any = None
        self.telemetry = RequestTelemetry(
            span=None,
            span_method=span_method,
            tracer=tracer if owner.config["operation_spans"] else None,
            logger=owner.providers.logger(signals.logger_provider)
            if signals.logger_provider is not None
            else None,
            mount_prefix=scope.get("app_root_path", scope.get("root_path", "")).rstrip("/"),
        )
        self.finished = False
        self.trailers = False
        self.disconnected = False
        self.started = 0.0

    def _base_attributes(self, method: str) -> dict[str, Any]:
        scope = self.scope
        attributes: dict[str, Any] = {
            "url.scheme": scope.get("scheme", "ws" if self.websocket else "http")
        }
        if self.websocket:
            attributes["network.protocol.name"] = "websocket"
            return attributes
        attributes["http.request.method"] = method
        if scope.get("http_version"):
            attributes["network.protocol.version"] = scope["http_version"]
        return attributes

    def _start_span(self) -> list[Any]:
        """Open the server span under the caller's trace; return the context tokens."""
        if self.tracer is None:
            return []
        self.parent = propagate.extract(Headers(scope=self.scope), getter=_GETTER)
        token = otel_context.attach(self.parent)
        attributes = {**self.attributes, **server_attributes(self.scope)}
        if not self.websocket:
            attributes["url.path"] = self.scope["path"]
            if self.scope.get("query_string"):
                attributes["url.query"] = redacted_query(self.scope["query_string"])
            if self.original_method != self.method:
                attributes["http.request.method_original"] = self.original_method
        self.span = self.tracer.start_span(
            self.telemetry.span_method,
            context=self.parent,
            kind=SpanKind.SERVER,
            attributes=attributes,
        )
        self.telemetry.span = self.span
        return [token]

    async def run(self, receive: Receive, send: Send) -> None:
        """Serve the request with its telemetry attached, and always end it."""
        if self.active is not None:
            self.active.add(1, self.active_attributes)
        self.started = perf_counter()
        tokens = self._start_span()
        self.scope[SCOPE_KEY] = self.telemetry
        tokens.append(otel_context.attach(otel_context.set_value(CONTEXT_KEY, self.telemetry)))
        current = (
            trace.use_span(
                self.span, end_on_exit=False, record_exception=False, set_status_on_exception=False
            )
            if self.span is not None
            else nullcontext()
        )
        try:
            with current:
                await self._serve(receive, send)
        finally:
            self.telemetry.data = None
            self.telemetry.exceptions.clear()
            for token in reversed(tokens):
                otel_context.detach(token)
            self.scope.pop(SCOPE_KEY, None)

    async def _serve(self, receive: Receive, send: Send) -> None:
        app = self.app
        try:
            if self.websocket:
                await app(self.scope, receive, send)
            else:
                await app(self.scope, self._receive(receive), self._send(send))
        except BaseException as exc:
            exception_raised(self.scope, exc)
            self.finish(None if self.websocket and normal_disconnect(exc) else exc)
            raise
        finally:
            if not self.finished:
                self.finish(self._unfinished_reason())

    def _unfinished_reason(self) -> BaseException | None:
        if self.websocket:
            return None
        if self.disconnected:
            return ConnectionError("Client disconnected")
        return RuntimeError("Incomplete ASGI response")

    def _send(self, send: Send) -> Send:
        async def traced_send(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                self.telemetry.status_code = message["status"]
                self.trailers = bool(message.get("trailers", False))
            await send(message)
            if _is_last(message, self.trailers):
                self.finish(None)

        return traced_send

    def _receive(self, receive: Receive) -> Receive:
        async def traced_receive() -> Message:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
            return message

        return traced_receive

    def finish(self, error: BaseException | None) -> None:
        """End the request once: final attributes, status, duration, active count, span."""
        if self.finished:
            return
        self.finished = True
        telemetry, attributes = self.telemetry, self.attributes
        if telemetry.route is not None:
            attributes["http.route"] = telemetry.route
        if telemetry.status_code is not None:
            attributes["http.response.status_code"] = telemetry.status_code
        failed = error is not None or (
            not self.websocket and (telemetry.status_code is None or telemetry.status_code >= 500)
        )
        if failed:
            failure = error or (telemetry.exceptions[-1] if telemetry.exceptions else None)
            attributes["error.type"] = (
                exception_type(failure)
                if failure is not None
                else str(telemetry.status_code or "incomplete_response")
            )
        if self.span is not None:
            self.span.set_attributes(attributes)
            if failed:
                self.span.set_status(StatusCode.ERROR)
        # Recorded while the span is still current, so exemplars can point at it.
        if self.duration is not None:
            self.duration.record(max(0.0, perf_counter() - self.started), attributes)
        if self.active is not None:
            self.active.add(-1, self.active_attributes)
        if self.span is not None:
            self.span.end()


def _is_last(message: Message, trailers: bool) -> bool:
    """Tell whether `message` completes the response (the request then counts as done)."""
    kind = message["type"]
    if kind == "http.response.body":
        return not message.get("more_body", False) and not trailers
    if kind == "http.response.trailers":
        return not message.get("more_trailers", False)
    return bool(kind == "http.response.pathsend")


class TracedServerErrors(ServerErrors):
    """`ServerErrors` (the app's outermost layer) inside the request telemetry.

    The server span is current while the 500 page or the app's 500 handler runs, and records
    the status it sends.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        handler: Callable[..., Any] | None,
        debug: bool,
        max_body_size: int | None,
        config: TelemetryConfig,
        owner: Any,
    ) -> None:
        super().__init__(app, handler=handler, debug=debug, max_body_size=max_body_size)
        self.telemetry = TelemetryMiddleware(self._server_errors, config, owner)
        # Without an `exclude` hook, a request with no provider to record to needs nothing
        # from the telemetry layer.
        self._skippable = config["exclude"] is None

    async def _server_errors(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)

    async def _error_response(self, request: Request, exc: Exception) -> Response:
        # Logged before the 500 is sent, so the record lies within the request's span.
        exception_raised(request.scope, exc)
        return await super()._error_response(request, exc)

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Coroutine[Any, Any, None]:
        kind = scope["type"]
        # PERF(hello, every scenario with the OpenTelemetry API but no SDK): straight to the
        # error layer, two awaits fewer; and a plain method handing back the layer it chose,
        # so this choice is not a coroutine level of its own (e2e hello).
        if (
            self._skippable
            and kind != "lifespan"
            and self.telemetry.providers.resolve(websocket=kind == "websocket") is NONE
        ):
            return ServerErrors.__call__(self, scope, receive, send)
        return self.telemetry(scope, receive, send)
