"""(0) The outermost layer of an application: unhandled errors become a 500, and the app-level
body limit.

FastAPI puts Starlette's `ServerErrorMiddleware` outside everything; `ServerErrors` is that
middleware (a subclass, so its debug page and default 500 are the same), with two changes to
its request path: the app-level body limit is folded in rather than being a layer of its own,
and a request needs no extra layer when there is no limit to apply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zephyr._pipeline.callables import is_coroutine_callable
from zephyr._pipeline.limits import AppBodyLimit


class ServerErrors(ServerErrorMiddleware):
    """Answer an exception nothing else handled with a 500 (debug page or handler), re-raise it."""

    def __init__(
        self,
        app: ASGIApp,
        handler: Callable[..., Any] | None = None,
        debug: bool = False,
        max_body_size: int | None = None,
    ) -> None:
        limited = AppBodyLimit(app, max_body_size)
        super().__init__(limited, handler=handler, debug=debug)
        # Without a limit of its own, the app needs the limit layer only when a mounting app
        # set one (its counter is in the scope).
        self.unlimited = app if max_body_size is None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self.app
        if self.unlimited is not None and MAX_BODY_SIZE_SCOPE_KEY not in scope:
            # PERF: hello, path + query — one layer fewer per request.
            app = self.unlimited
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = False

        def tracking_send(message: Message) -> Awaitable[None]:
            # PERF: e2e hello — hands back the server's own awaitable: no coroutine per send.
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            return send(message)

        try:
            await app(scope, receive, tracking_send)
        except Exception as exc:
            response = await self._error_response(Request(scope), exc)
            if not started:
                await response(scope, receive, send)
            # Re-raised so the server logs it (and a TestClient raises it in the test).
            raise

    async def _error_response(self, request: Request, exc: Exception) -> Response:
        if self.debug:
            return await run_in_threadpool(self.debug_response, request, exc)
        handler: Any = self.handler
        if handler is None:
            return self.error_response(request, exc)
        if is_coroutine_callable(handler):
            response: Response = await handler(request, exc)
            return response
        response = await run_in_threadpool(handler, request, exc)
        return response
