"""The analysed form of an endpoint or dependency: what each parameter is and where it comes from.

`Dependant` mirrors FastAPI's structure so code that inspects `route.dependant` keeps working.
It is produced once per callable at startup (`zephyr._pipeline.analyze`) and compiled into an
`EndpointPlan`; requests never look at it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from zephyr._concurrency_limit import DependencyConcurrency
from zephyr._pipeline.fields import ModelField

__all__ = ["Dependant", "ModelField"]


@dataclass(slots=True)
class Dependant:
    """A callable's parameters, grouped by where their values come from.

    Attributes:
        path_params, query_params, header_params, cookie_params, body_params: The callable's
            own request parameters, in declaration order.
        dependencies: Sub-dependencies, in declaration order.
        name: The parameter name this dependency's value is passed as (None for the endpoint
            and for `dependencies=[...]` entries).
        call: The callable.
        request_param_name, websocket_param_name, http_connection_param_name,
        response_param_name, background_tasks_param_name, security_scopes_param_name: Names of
            the parameters that receive those framework objects.
        own_oauth_scopes: Scopes declared by this `Security(...)`.
        parent_oauth_scopes: Scopes accumulated from the dependants above.
        use_cache: Reuse a value computed earlier in the same request.
        path: The route path this dependant belongs to.
        scope: "function" or "request" exit for generators, as declared.
        concurrency: The `max_concurrency` budget, if any.
    """

    path_params: list[ModelField] = field(default_factory=list)
    query_params: list[ModelField] = field(default_factory=list)
    header_params: list[ModelField] = field(default_factory=list)
    cookie_params: list[ModelField] = field(default_factory=list)
    body_params: list[ModelField] = field(default_factory=list)
    dependencies: list[Dependant] = field(default_factory=list)
    name: str | None = None
    call: Callable[..., Any] | None = None
    request_param_name: str | None = None
    websocket_param_name: str | None = None
    http_connection_param_name: str | None = None
    response_param_name: str | None = None
    background_tasks_param_name: str | None = None
    security_scopes_param_name: str | None = None
    own_oauth_scopes: list[str] | None = None
    parent_oauth_scopes: list[str] | None = None
    use_cache: bool = True
    path: str | None = None
    scope: Literal["function", "request"] | None = None
    concurrency: DependencyConcurrency | None = None

    @property
    def oauth_scopes(self) -> list[str]:
        """Parent scopes then own scopes, without repeats, in declaration order."""
        scopes = list(self.parent_oauth_scopes or [])
        for scope in self.own_oauth_scopes or []:
            if scope not in scopes:
                scopes.append(scope)
        return scopes
