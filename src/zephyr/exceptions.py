"""Exceptions raised by Zephyr and by the applications built on it.

The names, constructor signatures and messages are FastAPI's, so handlers and tests written
against ``fastapi.exceptions`` work unchanged. The engine constructs the validation errors with
the same arguments FastAPI does, including the :class:`EndpointContext` that names the endpoint.
"""

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from pydantic import BaseModel, create_model
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.exceptions import WebSocketException as StarletteWebSocketException


class EndpointContext(TypedDict, total=False):
    """Where an endpoint is defined, attached to validation errors to make them traceable.

    Attributes:
        function: The endpoint function's name.
        path: The route, as ``"GET /items/{item_id}"``.
        file: The source file that defines the function.
        line: The line of the function's definition in ``file``.
    """

    function: str
    path: str
    file: str
    line: int


class HTTPException(StarletteHTTPException):
    """Send an HTTP error response to the client.

    Raise it from an endpoint or a dependency for client errors (not found, unauthorised,
    invalid data...). Unlike Starlette's, ``detail`` may be any JSON-encodable value; it is sent
    as the ``detail`` key of the JSON body.

    Args:
        status_code: The HTTP status code of the response.
        detail: The value of the body's ``detail`` key. Defaults to the status code's phrase.
        headers: Extra headers to send with the response.
    """

    def __init__(
        self,
        status_code: int,
        detail: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status_code, detail=detail, headers=headers)


class WebSocketException(StarletteWebSocketException):
    """Close a WebSocket connection with an error code.

    Args:
        code: A close code from RFC 6455, section 7.4.1 (``status.WS_1008_POLICY_VIOLATION``...).
        reason: A UTF-8 text the client receives with the close frame.
    """

    def __init__(self, code: int, reason: str | None = None) -> None:
        super().__init__(code=code, reason=reason)


# Empty models named after the connection kinds; kept because FastAPI exposes them.
RequestErrorModel: type[BaseModel] = create_model("Request")
WebSocketErrorModel: type[BaseModel] = create_model("WebSocket")


class FastAPIError(RuntimeError):
    """Signal a Zephyr-specific usage or configuration error."""


# The name Zephyr's own code and documentation use; the same class, so either name catches it.
ZephyrError = FastAPIError


class DependencyScopeError(FastAPIError):
    """Signal a dependency that depends on another dependency with a narrower scope."""


class PydanticV1NotSupportedError(FastAPIError):
    """Signal a ``pydantic.v1`` model, which Zephyr does not support."""


class FastAPIDeprecationWarning(UserWarning):
    """Warn about a deprecated feature.

    A ``UserWarning`` rather than a ``DeprecationWarning`` because Python hides the latter by
    default outside ``__main__``, so library deprecations would go unnoticed.
    """


ZephyrDeprecationWarning = FastAPIDeprecationWarning


class ValidationException(Exception):
    """Report data that failed validation, with the endpoint it was validated for.

    Args:
        errors: The errors, as Pydantic's ``ValidationError.errors()`` lists them.
        endpoint_ctx: Where the endpoint is defined; appended to the message when given.
    """

    def __init__(
        self,
        errors: Sequence[Any],
        *,
        endpoint_ctx: EndpointContext | None = None,
    ) -> None:
        super().__init__(errors)
        self._errors = errors
        self.endpoint_ctx = endpoint_ctx
        context: EndpointContext = endpoint_ctx or {}
        self.endpoint_function = context.get("function")
        self.endpoint_path = context.get("path")
        self.endpoint_file = context.get("file")
        self.endpoint_line = context.get("line")

    def errors(self) -> Sequence[Any]:
        """Return the validation errors this exception was raised with."""
        return self._errors

    def __str__(self) -> str:
        count = len(self._errors)
        lines = [f"{count} validation error{'' if count == 1 else 's'}:"]
        lines.extend(f"  {error}" for error in self._errors)
        message = "\n".join(lines) + "\n" + self._describe_endpoint()
        return message.rstrip()

    def _describe_endpoint(self) -> str:
        """Return the message's trailer locating the endpoint, traceback style when possible."""
        if self.endpoint_file and self.endpoint_line and self.endpoint_function:
            # Formatted like a traceback frame so editors and terminals make it clickable.
            where = (
                f'\n  File "{self.endpoint_file}", line {self.endpoint_line}, '
                f"in {self.endpoint_function}"
            )
            return where + (f"\n    {self.endpoint_path}" if self.endpoint_path else "")
        if self.endpoint_path:
            return f"\n  Endpoint: {self.endpoint_path}"
        return ""


class RequestValidationError(ValidationException):
    """Report request data (path, query, headers, cookies, body) that failed validation.

    Args:
        errors: The validation errors.
        body: The request body as received, for handlers that want to echo it.
        endpoint_ctx: Where the endpoint is defined.
    """

    def __init__(
        self,
        errors: Sequence[Any],
        *,
        body: Any = None,
        endpoint_ctx: EndpointContext | None = None,
    ) -> None:
        super().__init__(errors, endpoint_ctx=endpoint_ctx)
        self.body = body


class WebSocketRequestValidationError(ValidationException):
    """Report WebSocket connection data that failed validation.

    Args:
        errors: The validation errors.
        endpoint_ctx: Where the endpoint is defined.
    """

    def __init__(
        self,
        errors: Sequence[Any],
        *,
        endpoint_ctx: EndpointContext | None = None,
    ) -> None:
        super().__init__(errors, endpoint_ctx=endpoint_ctx)


class ResponseValidationError(ValidationException):
    """Report an endpoint's return value that failed validation against its response model.

    This is a server error: the client sent nothing wrong.

    Args:
        errors: The validation errors.
        body: The value the endpoint returned.
        endpoint_ctx: Where the endpoint is defined.
    """

    def __init__(
        self,
        errors: Sequence[Any],
        *,
        body: Any = None,
        endpoint_ctx: EndpointContext | None = None,
    ) -> None:
        super().__init__(errors, endpoint_ctx=endpoint_ctx)
        self.body = body
