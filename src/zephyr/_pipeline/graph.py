"""STARTUP ONLY: flatten a dependency tree into ordered, de-duplicated steps.

This replays, once, the walk FastAPI does on every request: sub-dependencies are solved
depth-first before their dependant; a dependency already solved in this request is reused
when `use_cache` is on (keyed by callable, OAuth scopes and exit scope); overrides from
`app.dependency_overrides` replace the callable. The result says which calls happen, in which
order, what each receives, and the order in which FastAPI would report validation errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zephyr._pipeline.analyze import computed_scope, get_dependant
from zephyr._pipeline.callables import (
    callable_name,
    is_async_gen_callable,
    is_coroutine_callable,
    is_gen_callable,
)
from zephyr._pipeline.fields import ModelField
from zephyr._pipeline.plan import StepKind
from zephyr.dependencies.models import Dependant
from zephyr.security.base import SecurityBase

CacheKey = tuple[Any, tuple[str, ...], str]
Overrides = Mapping[Callable[..., Any], Callable[..., Any]]


@dataclass
class FieldUse:
    """A request parameter as the plan sees it: its values key and its declaration."""

    key: str
    location: str
    field: ModelField


@dataclass
class StepSpec:
    """A call the plan makes, before stages and validators are built."""

    index: int
    dependant: Dependant
    kind: StepKind
    args: list[tuple[str, str]]
    keys_needed: set[str]


@dataclass
class Graph:
    """The flattened tree: steps in call order and the parameters they read."""

    steps: list[StepSpec] = field(default_factory=list)
    fields: dict[str, FieldUse] = field(default_factory=dict)
    error_order: list[str] = field(default_factory=list)
    specials: set[str] = field(default_factory=set)
    scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)


def step_kind(call: Callable[..., Any]) -> StepKind:
    """Return how a callable is run: awaited, in a thread, or as a generator."""
    if is_async_gen_callable(call):
        return "async_gen"
    if is_gen_callable(call):
        return "sync_gen"
    if is_coroutine_callable(call):
        return "async"
    return "sync"


def _uses_scopes(dependant: Dependant, seen: dict[int, bool]) -> bool:
    cached = seen.get(id(dependant))
    if cached is not None:
        return cached
    result = bool(
        dependant.own_oauth_scopes
        or dependant.security_scopes_param_name is not None
        or isinstance(dependant.call, SecurityBase)
        or any(_uses_scopes(sub, seen) for sub in dependant.dependencies)
    )
    seen[id(dependant)] = result
    return result


def dependency_cache_key(dependant: Dependant, seen: dict[int, bool] | None = None) -> CacheKey:
    """Return the key under which a request reuses a dependency's value.

    The callable, the OAuth scopes when the dependency (or one below it) uses them, and the
    exit scope. `seen` memoises the "uses scopes" walk across calls.
    """
    scopes: tuple[str, ...] = ()
    if _uses_scopes(dependant, {} if seen is None else seen):
        scopes = tuple(sorted(set(dependant.oauth_scopes)))
    return (dependant.call, scopes, computed_scope(dependant) or "")


class _Flattener:
    """Walks a Dependant tree once, the way a request would, recording steps."""

    def __init__(self, overrides: Overrides) -> None:
        self.graph = Graph()
        self.overrides = overrides
        self.cache: dict[CacheKey, str] = {}
        self.field_keys: dict[tuple[int, str, str], str] = {}
        self.uses_scopes: dict[int, bool] = {}
        self.override_cache: dict[tuple[Any, ...], Dependant] = {}

    def cache_key(self, dependant: Dependant) -> CacheKey:
        return dependency_cache_key(dependant, self.uses_scopes)

    def resolve_override(self, sub: Dependant) -> Dependant:
        """Return the Dependant to run for `sub`, after dependency overrides."""
        override = self.overrides.get(sub.call) if sub.call is not None else None
        if override is None:
            return sub
        key = (override, sub.path, tuple(sub.oauth_scopes), sub.name, sub.scope)
        found = self.override_cache.get(key)
        if found is None:
            found = get_dependant(
                path=sub.path or "",
                call=override,
                name=sub.name,
                parent_oauth_scopes=sub.oauth_scopes,
                scope=sub.scope,
                concurrency=sub.concurrency,
            )
            self.override_cache[key] = found
        return found

    def field_key(self, dependant: Dependant, location: str, model_field: ModelField) -> str:
        """Give each (callable, location, parameter) one values key, reused on every visit."""
        identity = (id(dependant.call), location, model_field.name)
        key = self.field_keys.get(identity)
        if key is None:
            key = model_field.name
            if location == "body":
                key = f"body:{key}"
            suffix = 1
            while key in self.graph.fields:
                key = f"{model_field.name}~{suffix}"
                if location == "body":
                    key = f"body:{key}"
                suffix += 1
            self.field_keys[identity] = key
            self.graph.fields[key] = FieldUse(key, location, model_field)
        return key

    def own_fields(self, dependant: Dependant) -> list[tuple[str, str]]:
        """Register a dependant's request parameters; return (kwarg, key) pairs."""
        groups = (
            ("path", dependant.path_params),
            ("query", dependant.query_params),
            ("header", dependant.header_params),
            ("cookie", dependant.cookie_params),
            ("body", dependant.body_params),
        )
        pairs = []
        for location, fields in groups:
            for model_field in fields:
                key = self.field_key(dependant, location, model_field)
                self.graph.error_order.append(key)
                pairs.append((model_field.name, key))
        return pairs

    def specials(self, dependant: Dependant) -> list[tuple[str, str]]:
        """Return (kwarg, key) pairs for Request/Response/BackgroundTasks/... parameters."""
        pairs = []
        for attribute, key in (
            ("request_param_name", "@request"),
            ("websocket_param_name", "@websocket"),
            ("http_connection_param_name", "@connection"),
            ("response_param_name", "@response"),
            ("background_tasks_param_name", "@background"),
        ):
            name = getattr(dependant, attribute)
            if name is not None:
                pairs.append((name, key))
                self.graph.specials.add(key[1:])
        if dependant.security_scopes_param_name is not None:
            scopes = tuple(dependant.oauth_scopes)
            key = f"@scopes:{len(self.graph.scopes)}"
            for existing, value in self.graph.scopes.items():
                if value == scopes:
                    key = existing
            self.graph.scopes[key] = scopes
            pairs.append((dependant.security_scopes_param_name, key))
        return pairs

    def visit(self, dependant: Dependant) -> tuple[list[tuple[str, str]], set[str]]:
        """Flatten one dependant's inputs; return its (kwarg, key) pairs and the keys it needs.

        Sub-dependencies are visited even when their value comes from the cache, because
        FastAPI re-solves (and re-validates) a cached dependency's own inputs each time.
        """
        args: list[tuple[str, str]] = []
        needed: set[str] = set()
        for sub in dependant.dependencies:
            use = self.resolve_override(sub)
            sub_args, sub_needed = self.visit(use)
            needed |= sub_needed
            cache_key = self.cache_key(sub)
            if sub.use_cache and cache_key in self.cache:
                result_key = self.cache[cache_key]
            else:
                result_key = self.add_step(use, sub_args, sub_needed)
                self.cache.setdefault(cache_key, result_key)
            if sub.name is not None:
                args.append((sub.name, result_key))
        own = self.own_fields(dependant)
        needed |= {key for _, key in own}
        return own + args + self.specials(dependant), needed

    def add_step(self, dependant: Dependant, args: list[tuple[str, str]], needed: set[str]) -> str:
        assert dependant.call is not None  # every analysed dependant has a call
        index = len(self.graph.steps)
        kind = step_kind(dependant.call)
        self.graph.steps.append(StepSpec(index, dependant, kind, args, set(needed)))
        return f"#{index}"


def flatten(root: Dependant, overrides: Overrides) -> Graph:
    """Flatten an endpoint's dependency tree (the endpoint is the last step)."""
    flattener = _Flattener(overrides)
    args, needed = flattener.visit(root)
    flattener.add_step(root, args, needed)
    return flattener.graph


def step_label(dependant: Dependant) -> str:
    """Return a readable name for a step."""
    return callable_name(dependant.call)
