"""Turn an endpoint's return value into the response FastAPI would send.

`encode()` is pure CPU work (validate against the response model, dump JSON in Rust) and runs
where the endpoint ran — inside the sync endpoint's thread hop, or on the loop. `respond()`
then sends: the common JSON case as two raw ASGI messages with precomputed headers, anything
else through the response class, exactly as FastAPI builds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from starlette.background import BackgroundTasks
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from zephyr._pipeline.fields import prefix_errors
from zephyr._pipeline.jsonenc import dumps_jsonable
from zephyr._pipeline.plan import ResponsePlan
from zephyr.encoders import jsonable_encoder
from zephyr.exceptions import EndpointContext, ResponseValidationError
from zephyr.utils import is_body_allowed_for_status_code

_JSON_TYPE = (b"content-type", b"application/json")


class Encoded:
    """An endpoint result ready to send: a Response, JSON bytes, content for a class, or
    a stream (the body iterator of a generator endpoint)."""

    __slots__ = ("json", "payload", "response", "stream")

    def __init__(
        self, response: Response | None, payload: Any, json: bytes | None, stream: Any = None
    ) -> None:
        self.response = response
        self.payload = payload
        self.json = json
        self.stream = stream


def encode(plan: ResponsePlan, content: Any, context: Callable[[], EndpointContext]) -> Encoded:
    """Validate and serialise an endpoint's return value (no I/O).

    Args:
        plan: The route's response plan.
        content: What the endpoint returned.
        context: Builds the endpoint context for a ResponseValidationError (only then).
    """
    if isinstance(content, Response):
        return Encoded(content, None, None)
    if plan.adapter is not None:
        try:
            value = plan.adapter.validate_python(content, from_attributes=True)
        except ValidationError as exc:
            errors = prefix_errors(exc.errors(include_url=False), ("response",))
            raise ResponseValidationError(
                errors=errors, body=content, endpoint_ctx=context()
            ) from None
        if plan.fast_json:
            return Encoded(None, None, plan.adapter.dump_json(value, **plan.dump_options))
        return Encoded(
            None, plan.adapter.dump_python(value, mode="json", **plan.dump_options), None
        )
    if plan.fast_json:
        return Encoded(None, None, dumps_jsonable(content))
    return Encoded(None, jsonable_encoder(content), None)


def status_for(plan: ResponsePlan, sub_response: Response | None) -> int | None:
    """Return the status: a `response: Response` parameter's, else the route's, else None."""
    if sub_response is not None and sub_response.status_code:
        return sub_response.status_code
    return plan.status_code


def build_response(
    plan: ResponsePlan,
    encoded: Encoded,
    sub_response: Response | None,
    background: BackgroundTasks | None,
) -> Response:
    """Return the response object FastAPI would build for an encoded result."""
    response = encoded.response
    if response is not None:
        # A returned Response passes through untouched, except for unclaimed background tasks.
        if response.background is None:
            response.background = background
        return response
    status = status_for(plan, sub_response)
    kwargs: dict[str, Any] = {"background": background}
    if status is not None:
        kwargs["status_code"] = status
    if encoded.stream is not None:
        return _stream_response(plan, encoded.stream, sub_response, kwargs)
    if encoded.json is not None:
        response = Response(content=encoded.json, media_type="application/json", **kwargs)
    else:
        response = plan.response_class(encoded.payload, **kwargs)
    if not is_body_allowed_for_status_code(response.status_code):
        response.body = b""
    if sub_response is not None:
        response.raw_headers.extend(sub_response.raw_headers)
    return response


def _stream_response(
    plan: ResponsePlan, body: Any, sub_response: Response | None, kwargs: dict[str, Any]
) -> Response:
    """Build the streaming response of a generator endpoint, as FastAPI does."""
    response: Response
    if plan.stream == "jsonl":
        response = StreamingResponse(body, media_type="application/jsonl", **kwargs)
    elif plan.stream == "sse":
        response = StreamingResponse(body, media_type="text/event-stream", **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        # Tell nginx not to buffer the events.
        response.headers["X-Accel-Buffering"] = "no"
    else:
        response = plan.response_class(content=body, **kwargs)
    if sub_response is not None:
        response.raw_headers.extend(sub_response.raw_headers)
    return response


async def respond(
    plan: ResponsePlan,
    encoded: Encoded,
    sub_response: Response | None,
    background: BackgroundTasks | None,
    scope: Scope,
    receive: Receive,
    send: Send,
) -> None:
    """Send the response for an encoded result, then run its background tasks."""
    if encoded.json is not None:
        status = status_for(plan, sub_response)
        if status is None or is_body_allowed_for_status_code(status):
            await _send_json(encoded.json, status or 200, sub_response, send)
            if background is not None:
                await background()
            return
    response = build_response(plan, encoded, sub_response, background)
    await response(scope, receive, send)


async def _send_json(body: bytes, status: int, sub_response: Response | None, send: Send) -> None:
    # PERF: hello, path + query — the same messages JSONResponse sends, without building one.
    headers = [(b"content-length", str(len(body)).encode("latin-1")), _JSON_TYPE]
    if sub_response is not None:
        headers.extend(sub_response.raw_headers)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
