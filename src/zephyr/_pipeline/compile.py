"""STARTUP ONLY: compile a route into its `EndpointPlan`.

route (declaration) ──flatten──▶ graph (steps, inputs) ──build──▶ EndpointPlan (frozen)

Everything a request will need is decided here: the single params validator, the body
decoder, the step list and its thread-hop grouping, the response encoder.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol

from starlette.responses import JSONResponse, Response

from zephyr._pipeline.callables import callable_name
from zephyr._pipeline.compile_inputs import build_body_plan, build_params_plan
from zephyr._pipeline.errors import Where
from zephyr._pipeline.fields import ModelField
from zephyr._pipeline.graph import Graph, flatten, step_kind, step_label
from zephyr._pipeline.plan import EndpointPlan, ResponsePlan, Stage, Step
from zephyr.datastructures import DefaultPlaceholder
from zephyr.dependencies.models import Dependant
from zephyr.utils import is_body_allowed_for_status_code


class RouteLike(Protocol):
    """What the compiler reads from a route declaration (APIRoute satisfies it; read-only)."""

    @property
    def path_format(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def endpoint(self) -> Callable[..., Any]: ...

    @property
    def dependant(self) -> Dependant: ...

    @property
    def response_field(self) -> ModelField | None: ...

    @property
    def status_code(self) -> int | None: ...

    @property
    def response_class(self) -> Any: ...

    @property
    def response_model_include(self) -> Any: ...

    @property
    def response_model_exclude(self) -> Any: ...

    @property
    def response_model_by_alias(self) -> bool: ...

    @property
    def response_model_exclude_unset(self) -> bool: ...

    @property
    def response_model_exclude_defaults(self) -> bool: ...

    @property
    def response_model_exclude_none(self) -> bool: ...

    @property
    def strict_content_type(self) -> Any: ...


def build_steps(graph: Graph) -> tuple[Step, ...]:
    steps = []
    for spec in graph.steps:
        dependant = spec.dependant
        assert dependant.call is not None
        steps.append(
            Step(
                index=spec.index,
                call=dependant.call,
                kind=spec.kind,
                args=tuple(spec.args),
                scope=dependant.scope,
                concurrency=dependant.concurrency,
                label=step_label(dependant),
                keys_needed=frozenset(spec.keys_needed),
            )
        )
    return tuple(steps)


def group_stages(steps: tuple[Step, ...]) -> tuple[Stage, ...]:
    """Group consecutive plain sync steps into one thread hop; async steps run on the loop."""
    stages: list[Stage] = []
    current: list[Step] = []
    current_thread = False
    for step in steps:
        in_thread = step.kind in ("sync", "sync_gen") and step.concurrency is None
        if current and in_thread != current_thread:
            stages.append(Stage(tuple(current), current_thread))
            current = []
        current.append(step)
        current_thread = in_thread
    if current:
        stages.append(Stage(tuple(current), current_thread))
    return tuple(stages)


def response_plan(route: RouteLike) -> ResponsePlan:
    """Decide how the endpoint's return value is validated, dumped and sent."""
    response_class = route.response_class
    is_default = isinstance(response_class, DefaultPlaceholder)
    actual: type[Response] = response_class.value if is_default else response_class
    field = route.response_field
    adapter = field.type_adapter if field is not None else None
    # FastAPI dumps straight to JSON bytes only with the default class and a response model;
    # without a model, JSONResponse (default or explicit) renders jsonable data identically.
    fast = (adapter is not None and is_default) or (adapter is None and actual is JSONResponse)
    options = {
        "include": route.response_model_include,
        "exclude": route.response_model_exclude,
        "by_alias": route.response_model_by_alias,
        "exclude_unset": route.response_model_exclude_unset,
        "exclude_defaults": route.response_model_exclude_defaults,
        "exclude_none": route.response_model_exclude_none,
    }
    stream = _stream_kind(route)
    item = getattr(route, "stream_item_field", None)
    return ResponsePlan(
        adapter=None if stream else adapter,
        response_class=actual,
        status_code=route.status_code,
        dump_options=options,
        fast_json=fast and stream is None,
        stream=stream,
        item_adapter=item.type_adapter if item is not None else None,
        plain_status=_plain_status(route.status_code),
    )


def _plain_status(status_code: int | None) -> int | None:
    status = 200 if status_code is None else status_code
    return status if is_body_allowed_for_status_code(status) else None


def _stream_kind(route: RouteLike) -> Literal["jsonl", "sse", "raw"] | None:
    """Return how a generator endpoint streams, or None for an ordinary endpoint."""
    if getattr(route, "is_sse_stream", False):
        return "sse"
    if getattr(route, "is_json_stream", False):
        return "jsonl"
    if step_kind(route.endpoint) in ("sync_gen", "async_gen"):
        return "raw"
    return None


def _endpoint_context(call: Callable[..., Any]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    try:
        source = inspect.getsourcefile(call)
        if source is not None:
            context["file"] = source
        context["line"] = inspect.getsourcelines(call)[1]
    except (OSError, TypeError):
        pass
    name = getattr(call, "__name__", None)
    if name is not None:
        context["function"] = name
    return context


def compile_route(
    route: RouteLike,
    methods: frozenset[str] | None,
    overrides: Mapping[Callable[..., Any], Callable[..., Any]],
    *,
    websocket: bool = False,
) -> EndpointPlan:
    """Compile a route declaration (with its effective dependencies) into a plan."""
    where = Where(route.path_format, (route.endpoint,))
    graph = flatten(route.dependant, overrides)
    param_uses = [use for use in graph.fields.values() if use.location != "body"]
    body_uses = [use for use in graph.fields.values() if use.location == "body"]
    strict = getattr(route, "strict_content_type", True)
    strict_value = strict.value if isinstance(strict, DefaultPlaceholder) else strict
    body = build_body_plan(body_uses, [use.field for use in body_uses], bool(strict_value), where)
    steps = build_steps(graph)
    response = None if websocket else response_plan(route)
    if response is not None and response.stream is not None:
        # The endpoint is called for its generator; the stream is consumed while sending.
        steps = (*steps[:-1], dataclasses.replace(steps[-1], kind="stream"))
    direct_call = len(steps) == 1 and steps[0].kind == "async" and steps[0].concurrency is None
    return EndpointPlan(
        path=route.path_format,
        methods=methods,
        name=route.name,
        endpoint=route.endpoint,
        params=build_params_plan(param_uses, where),
        body=body,
        steps=steps,
        stages=group_stages(steps),
        error_order=tuple(graph.error_order),
        specials=frozenset(graph.specials),
        scopes=tuple(graph.scopes.items()),
        response=response,
        # SSE keeps its producer task on the request's exit stack.
        has_exit_stack=any(step.kind in ("sync_gen", "async_gen") for step in steps[:-1])
        or (response is not None and response.stream == "sse"),
        endpoint_context=_endpoint_context(route.endpoint),
        max_body_size=getattr(route, "max_body_size", None),
        direct_call=direct_call,
        no_inputs=direct_call
        and not steps[0].args
        and body is None
        and not param_uses
        and not graph.specials
        and not graph.scopes
        and response is not None
        and response.stream is None,
        values_are_kwargs=direct_call
        and body is None
        and not graph.specials
        and not graph.scopes
        and all(name == key for name, key in steps[0].args)
        and {key for _, key in steps[0].args} == {use.key for use in param_uses},
        form_limits=dict(getattr(route, "form_limits", None) or {}),
    )


def plan_label(plan: EndpointPlan) -> str:
    """Return "METHODS path -> endpoint" for listings."""
    methods = ",".join(sorted(plan.methods)) if plan.methods else "WS"
    return f"{methods} {plan.path} -> {callable_name(plan.endpoint)}"
