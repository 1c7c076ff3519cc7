"""`solve_dependencies`: FastAPI's "resolve this Dependant for this request" entry point.

Zephyr's request path never calls it: routes run compiled plans. It exists for third-party
code that analyses a callable with `get_dependant` and resolves it itself (custom WebSocket
routers, background job runners, test helpers). The Dependant is compiled the way a route is
(flattened, de-duplicated, overrides applied, one params validator) and cached; the adapter
then runs every dependency step and returns the root callable's arguments without calling it.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import PydanticUndefined
from starlette.background import BackgroundTasks as StarletteBackgroundTasks
from starlette.datastructures import FormData
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from zephyr._pipeline.body import validate_received
from zephyr._pipeline.compile import build_steps, group_stages
from zephyr._pipeline.compile_inputs import body_field, build_body_plan, build_params_plan
from zephyr._pipeline.connection import sub_response
from zephyr._pipeline.errors import Where
from zephyr._pipeline.extract import collect_values, validate_params
from zephyr._pipeline.forms import decode_form
from zephyr._pipeline.graph import FieldUse, flatten
from zephyr._pipeline.plan import BodyPlan, ParamsPlan, Stage, Step
from zephyr._pipeline.solve import Exits, run_stages
from zephyr.background import BackgroundTasks
from zephyr.dependencies.models import Dependant
from zephyr.security.oauth2 import SecurityScopes

_Keyed = list[tuple[str, dict[str, Any]]]


@dataclass
class SolvedDependency:
    """What `solve_dependencies` found.

    Attributes:
        values: The root callable's keyword arguments (complete only without errors).
        errors: Validation errors, in FastAPI's order and shape.
        background_tasks: The BackgroundTasks object handed to the dependencies, if any.
        response: The `response: Response` object handed to the dependencies.
        dependency_cache: Each solved dependency's value, keyed by its callable, OAuth
            scopes and exit scope.
    """

    values: dict[str, Any]
    errors: list[Any]
    background_tasks: StarletteBackgroundTasks | None
    response: Response
    dependency_cache: dict[Any, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Compiled:
    """A Dependant compiled for resolution: what a route's plan holds, minus the response."""

    params: ParamsPlan
    body_uses: tuple[FieldUse, ...]
    steps: tuple[Step, ...]
    stages: tuple[Stage, ...]
    error_order: tuple[str, ...]
    specials: frozenset[str]
    scopes: tuple[tuple[str, tuple[str, ...]], ...]


_MAX_CACHED = 256
_compiled: dict[tuple[int, tuple[tuple[int, int], ...]], tuple[Dependant, _Compiled]] = {}


def _compile(dependant: Dependant, overrides: Mapping[Any, Any]) -> _Compiled:
    """Compile (or fetch) the plan for a Dependant under the given overrides."""
    key = (id(dependant), tuple(sorted((id(k), id(v)) for k, v in overrides.items())))
    found = _compiled.get(key)
    if found is not None and found[0] is dependant:
        return found[1]
    graph = flatten(dependant, overrides)
    params_uses = [use for use in graph.fields.values() if use.location != "body"]
    steps = build_steps(graph)
    compiled = _Compiled(
        params=build_params_plan(params_uses, Where(dependant.path)),
        body_uses=tuple(use for use in graph.fields.values() if use.location == "body"),
        steps=steps,
        stages=group_stages(steps),
        error_order=tuple(graph.error_order),
        specials=frozenset(graph.specials),
        scopes=tuple(graph.scopes.items()),
    )
    if len(_compiled) >= _MAX_CACHED:
        _compiled.clear()
    _compiled[key] = (dependant, compiled)
    return compiled


def _body_plan(compiled: _Compiled, embed: bool) -> BodyPlan | None:
    uses = list(compiled.body_uses)
    plan = build_body_plan(uses, [use.field for use in uses], True, Where())
    if plan is not None and embed and plan.single_key is not None:
        # The caller says the body is an object keyed by names, even for one parameter.
        fields = tuple(body_field(use) for use in uses)
        return BodyPlan("json", None, None, None, False, fields, True, plan.keys)
    return plan


def _read_params(compiled: _Compiled, connection: HTTPConnection) -> tuple[dict[str, Any], _Keyed]:
    by_location = {
        "path": connection.path_params,
        "query": _multi(connection.query_params.multi_items()),
        "header": _multi(connection.headers.items()),
        "cookie": connection.cookies,
    }
    raw, chosen = collect_values(compiled.params, by_location)
    return validate_params(compiled.params, raw, chosen)


def _multi(items: list[tuple[str, str]]) -> dict[str, list[str]]:
    multi: dict[str, list[str]] = {}
    for name, value in items:
        multi.setdefault(name, []).append(value)
    return multi


async def _read_body(plan: BodyPlan | None, body: Any) -> tuple[dict[str, Any], _Keyed]:
    if plan is None:
        return {}, []
    if body is None:
        body = PydanticUndefined  # FastAPI's handlers pass None when there is no body
    if isinstance(body, FormData) and plan.kind == "form":
        return await decode_form(plan.fields, body)
    return validate_received(plan, body)


def _ordered(order: tuple[str, ...], keyed: _Keyed) -> list[Any]:
    """Order errors as FastAPI reports them: by parameter, in dependency order."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for key, error in keyed:
        by_key.setdefault(key, []).append(error)
    return [error for key in dict.fromkeys(order) for error in by_key.get(key, ())]


def _hand_over(exits: Exits, connection: HTTPConnection, fallback: AsyncExitStack) -> None:
    """Make the `yield` dependencies' exits run when the caller's exit stacks close.

    FastAPI-style routes put their stacks in the scope ("fastapi_function_astack" for
    function-scoped exits, "fastapi_inner_astack" for the rest); otherwise both go on the
    stack the caller passed.
    """
    function = connection.scope.get("fastapi_function_astack", fallback)
    request = connection.scope.get("fastapi_inner_astack", fallback)
    request.push_async_exit(exits.request.__aexit__)
    function.push_async_exit(exits.function.__aexit__)


async def solve_dependencies(
    *,
    request: Request | WebSocket,
    dependant: Dependant,
    body: Any = PydanticUndefined,
    background_tasks: StarletteBackgroundTasks | None = None,
    response: Response | None = None,
    dependency_overrides_provider: Any | None = None,
    dependency_cache: dict[Any, Any] | None = None,
    async_exit_stack: AsyncExitStack,
    embed_body_fields: bool,
) -> SolvedDependency:
    """Run `dependant`'s dependencies for `request`; return the root callable's arguments.

    Args:
        request: The Request or WebSocket being served.
        dependant: From `get_dependant`; its own callable is not called.
        body: The parsed JSON body or FormData (None or `Undefined` when there is none).
        background_tasks: Reuse these for BackgroundTasks parameters (else one is created).
        response: Reuse this for `response: Response` parameters (else one is created).
        dependency_overrides_provider: An object with `dependency_overrides` (the app).
        dependency_cache: Returned filled in; values already in it are not reused.
        async_exit_stack: Where `yield` dependencies exit, unless the request carries
            FastAPI's exit stacks in its scope.
        embed_body_fields: The body is an object keyed by parameter names.
    """
    overrides = getattr(dependency_overrides_provider, "dependency_overrides", None) or {}
    compiled = _compile(dependant, overrides)
    values, keyed = _read_params(compiled, request)
    body_values, body_errors = await _read_body(_body_plan(compiled, embed_body_fields), body)
    values.update(body_values)
    keyed.extend(body_errors)
    response = response if response is not None else sub_response()
    if "background" in compiled.specials and background_tasks is None:
        background_tasks = BackgroundTasks()
    _fill_specials(compiled, values, request, response, background_tasks)
    # The root is the last step; run_stages never calls it when given failed keys.
    failed = [key for key, _ in keyed]
    exits = Exits()
    try:
        await run_stages(compiled.stages, values, exits, failed_keys=failed)
    finally:
        _hand_over(exits, request, async_exit_stack)
    root = compiled.steps[-1]
    cache = dependency_cache if dependency_cache is not None else {}
    cache.update(_solved(compiled.steps[:-1], values))
    return SolvedDependency(
        values={name: values[key] for name, key in root.args if key in values},
        errors=_ordered(compiled.error_order, keyed),
        background_tasks=background_tasks,
        response=response,
        dependency_cache=cache,
    )


def _fill_specials(
    compiled: _Compiled,
    values: dict[str, Any],
    connection: HTTPConnection,
    response: Response,
    background: StarletteBackgroundTasks | None,
) -> None:
    values["@connection"] = connection
    if isinstance(connection, Request):
        values["@request"] = connection
    if isinstance(connection, WebSocket):
        values["@websocket"] = connection
    values["@response"] = response
    if background is not None:
        values["@background"] = background
    for key, scopes in compiled.scopes:
        values[key] = SecurityScopes(scopes=list(scopes))


def _solved(steps: tuple[Step, ...], values: dict[str, Any]) -> dict[Any, Any]:
    cache: dict[Any, Any] = {}
    for step in steps:
        if step.result_key in values:
            cache[(step.call, (), step.scope or "")] = values[step.result_key]
    return cache
