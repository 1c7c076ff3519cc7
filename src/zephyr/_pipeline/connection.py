"""Per-request state shared by the runners: the ASGI triple, the lazily built Request, what
has been sent, and the framework objects (response parameter, background tasks) steps asked for.
"""

from __future__ import annotations

from starlette.background import BackgroundTasks
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from zephyr._pipeline.plan import EndpointPlan
from zephyr.exceptions import EndpointContext

# Form limits of the routers a request went through (an app's, a mounting app's).
FORM_LIMITS_KEY = "zephyr.form_limits"
# The RequestTelemetry of a traced request (see zephyr.telemetry; FastAPI's scope key).
TELEMETRY_KEY = "fastapi.telemetry"


class Connection:
    """Per-request state: the ASGI triple, the lazily built Request, what has been sent."""

    __slots__ = (
        "_request",
        "background",
        "body",
        "form",
        "receive",
        "response",
        "scope",
        "send_",
        "started",
    )

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope = scope
        self.receive = receive
        self.send_ = send
        self.started = False
        self.body: bytes | None = None
        self.form: FormData | None = None
        self._request: Request | None = None
        self.response: Response | None = None
        self.background: BackgroundTasks | None = None

    async def send(self, message: Message) -> None:
        """Forward a message, remembering whether the response has started."""
        if message["type"] == "http.response.start":
            self.started = True
        await self.send_(message)

    @property
    def has_request(self) -> bool:
        """Whether a Request object exists already (custom route handlers pass one in)."""
        return self._request is not None

    def adopt(self, request: Request) -> None:
        """Use an existing Request object (custom route handlers receive one)."""
        self._request = request

    @property
    def request(self) -> Request:
        """The Starlette Request for this connection, built on first use."""
        if self._request is None:
            self._request = Request(self.scope, self.receive, self.send)
            if self.body is not None:
                # The body was read straight from `receive`; let request.body() return it.
                self._request._body = self.body
        return self._request


def endpoint_context(plan: EndpointPlan, scope: Scope) -> EndpointContext:
    """Return FastAPI's context for error messages: function, file, line and "METHOD path"."""
    context: EndpointContext = dict(plan.endpoint_context)  # type: ignore[assignment]
    mount = scope.get("root_path", "").rstrip("/")
    method = scope.get("method", "WS") if scope["type"] == "http" else "WS"
    context["path"] = f"{method} {mount}{plan.path}"
    return context


def sub_response() -> Response:
    """Return the `response: Response` parameter object: no headers, no status yet."""
    response = Response()
    del response.headers["content-length"]
    response.status_code = None  # type: ignore[assignment]
    return response
