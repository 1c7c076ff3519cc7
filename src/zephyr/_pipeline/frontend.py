"""Serve a frontend (`app.frontend()`): pick the most specific one, run its dependencies.

Frontends are the low-priority routes: the core asks here only when no route matched and no
trailing-slash redirect applies.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette._utils import get_route_path
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from zephyr._pipeline.connection import Connection
from zephyr._pipeline.handlers import handle_exception
from zephyr._pipeline.limits import with_body_limit
from zephyr._pipeline.plan import EndpointPlan
from zephyr._pipeline.run import ordered_errors, read_inputs
from zephyr._pipeline.solve import Exits, run_stages
from zephyr._routing.frontend import relative_path, specificity
from zephyr.exceptions import RequestValidationError

Compiled = Sequence[tuple[Any, EndpointPlan | None]]


def select_frontend(
    frontends: Compiled, scope: Scope
) -> tuple[Any, EndpointPlan | None, str] | None:
    """Return (served frontend, its dependency plan, path under it), the longest path winning."""
    route_path = get_route_path(scope)
    best: tuple[int, Any, EndpointPlan | None, str] | None = None
    for served, plan in frontends:
        relative = relative_path(served.path, route_path)
        if relative is None:
            continue
        rank = specificity(served.path)
        if best is None or rank > best[0]:  # the first registered wins a tie
            best = (rank, served, plan, relative)
    return None if best is None else best[1:]


async def serve_frontend(
    chosen: tuple[Any, EndpointPlan | None, str], scope: Scope, receive: Receive, send: Send
) -> None:
    """Answer with the frontend's file (dependencies first, for GET/HEAD), under its body limit."""
    served, plan, relative = chosen
    files = served.frontend.files

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        conn = Connection(scope, receive, send)
        try:
            if plan is not None and scope["method"] in ("GET", "HEAD"):
                await run_dependencies_then(plan, conn, lambda: files.response_for(relative, scope))
            else:
                response = await files.response_for(relative, scope)
                await response(scope, receive, conn.send)
        except Exception as exc:
            await handle_exception(conn, exc)

    await with_body_limit(app, served.max_body_size)(scope, receive, send)


async def run_dependencies_then(
    plan: EndpointPlan, conn: Connection, make_response: Callable[[], Awaitable[Response]]
) -> None:
    """Run a plan's dependencies, then send the response `make_response` builds (frontends).

    The response gets the dependencies' `response: Response` headers and background tasks;
    their `yield` exits run after it is sent.
    """
    exits = Exits()
    async with exits.request, exits.function:
        values, errors, _ = await read_inputs(plan, conn, {})
        if errors:
            await run_stages(plan.stages, values, exits, failed_keys=[key for key, _ in errors])
            raise RequestValidationError(ordered_errors(plan, errors))
        await run_stages(plan.stages, values, exits)
        response = await make_response()
        if response.background is None:
            response.background = conn.background
        if conn.response is not None:
            response.raw_headers.extend(conn.response.raw_headers)
        await response(conn.scope, conn.receive, conn.send)
