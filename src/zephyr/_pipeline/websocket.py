"""Run a WebSocket endpoint's plan: validate inputs, solve dependencies, call the endpoint.

Validation failures raise WebSocketRequestValidationError (closed with 1008 by the default
handler); `yield` dependencies wrap the whole session, as in FastAPI.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Receive, Scope, Send

from zephyr._pipeline.connection import endpoint_context
from zephyr._pipeline.extract import collect_raw, validate_params
from zephyr._pipeline.plan import EndpointPlan
from zephyr._pipeline.run import ordered_errors
from zephyr._pipeline.solve import Exits, run_stages
from zephyr._pipeline.wsconn import ConnectedWebSocket
from zephyr.exceptions import WebSocketRequestValidationError
from zephyr.security.oauth2 import SecurityScopes


async def run_websocket(
    plan: EndpointPlan, scope: Scope, receive: Receive, send: Send, path_params: dict[str, Any]
) -> None:
    """Run the plan of a WebSocket endpoint: validate inputs, solve dependencies, call it."""
    websocket = ConnectedWebSocket(scope, receive=receive, send=send)
    raw_params, chosen = collect_raw(plan.params, scope, path_params)
    values, errors = validate_params(plan.params, raw_params, chosen)
    values["@websocket"] = values["@connection"] = websocket
    for key, scopes in plan.scopes:
        values[key] = SecurityScopes(scopes=list(scopes))
    exits = Exits()
    async with exits.request, exits.function:
        if errors:
            await run_stages(plan.stages, values, exits, failed_keys=[key for key, _ in errors])
            raise WebSocketRequestValidationError(
                ordered_errors(plan, errors), endpoint_ctx=endpoint_context(plan, scope)
            )
        await run_stages(plan.stages, values, exits)
