"""Request body size limits (`max_body_size` on the app, routers, inclusions and routes).

The counting is Starlette's `RequestBodyLimitMiddleware`: the outermost limited level wraps
`receive` and counts bytes as they stream in (a declared Content-Length over the limit fails
before anything is read); inner levels replace the limit on that same counter, so the most
specific setting wins and a body already read by a middleware is re-checked against it. A
too-large body surfaces as an HTTPException(413), answered by the app's handlers.
"""

from __future__ import annotations

import sys
from typing import Any

from starlette.exceptions import HTTPException
from starlette.middleware import body_limit
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY, RequestBodyLimitMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if sys.version_info >= (3, 11):
    _GROUP: Any = BaseExceptionGroup  # noqa: F821 - a builtin from 3.11
else:  # pragma: no cover - anyio brings the backport on 3.10
    from exceptiongroup import BaseExceptionGroup as _GROUP

# Starlette has no public names for its two body-limit signals.
_LIMIT_ERRORS: tuple[type[BaseException], ...] = tuple(
    cls
    for cls in (
        getattr(body_limit, "_RequestBodyTooLarge", None),
        getattr(body_limit, "_RequestBodyLimitResponseSent", None),
    )
    if cls is not None
)


def limit_error(exc: BaseException) -> BaseException | None:
    """Return the body-limit error inside `exc` (itself, or a group made only of them)."""
    if isinstance(exc, _GROUP):
        matched, rest = exc.split(_LIMIT_ERRORS)
        if matched is None or rest is not None:
            return None
        # When Starlette has already sent its 413, let it finish that response.
        sent = getattr(body_limit, "_RequestBodyLimitResponseSent", None)
        if sent is not None:
            matched = matched.subgroup(sent) or matched
        while isinstance(matched, _GROUP):
            matched = matched.exceptions[0]
        found: BaseException = matched
        return found
    return exc if isinstance(exc, _LIMIT_ERRORS) else None


class _UnwrapLimitGroups:
    """Re-raise a body-limit error that a task group (e.g. BaseHTTPMiddleware) wrapped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except _GROUP as exc:
            error = limit_error(exc) if scope["type"] == "http" else None
            if error is None:
                raise
            raise error from exc


def with_body_limit(app: ASGIApp, max_body_size: int | None) -> ASGIApp:
    """Wrap `app` so HTTP request bodies over `max_body_size` bytes are refused (413)."""
    if max_body_size is None:
        return app
    return RequestBodyLimitMiddleware(_UnwrapLimitGroups(app), max_body_size=max_body_size)


class AppBodyLimit:
    """The application-level limit, also correct when this app is mounted in another.

    A mounted app shares its parent's byte counter (the scope carries it). A limit error
    that escapes this app (a middleware read the body, say) would otherwise reach this app's
    ServerErrorMiddleware and become a 500; it is answered here with the 413 handler instead,
    unless the response has already started.
    """

    def __init__(self, app: ASGIApp, max_body_size: int | None) -> None:
        self.app = with_body_limit(app, max_body_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if MAX_BODY_SIZE_SCOPE_KEY not in scope:
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            error = limit_error(exc)
            if started or not isinstance(error, HTTPException):
                raise
            from zephyr.exception_handlers import http_exception_handler

            response = await http_exception_handler(Request(scope, receive), error)
            await response(scope, receive, send)
