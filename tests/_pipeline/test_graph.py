"""Flattening a dependency tree: call order, caching and error order, decided at startup."""

from typing import Annotated

from zephyr import Depends, Security
from zephyr._pipeline.analyze import get_dependant
from zephyr._pipeline.graph import flatten
from zephyr.security import SecurityScopes


def labels(call: object) -> list[str]:
    graph = flatten(get_dependant(path="/", call=call), {})  # type: ignore[arg-type]
    return [step.dependant.call.__name__ for step in graph.steps]  # type: ignore[union-attr]


def common(q: str | None = None) -> str | None:
    return q


def uses_common_a(value: Annotated[str | None, Depends(common)]) -> str | None:
    return value


def uses_common_b(value: Annotated[str | None, Depends(common)]) -> str | None:
    return value


def test_sub_dependencies_run_first_and_a_shared_one_runs_once() -> None:
    def endpoint(
        a: Annotated[str | None, Depends(uses_common_a)],
        b: Annotated[str | None, Depends(uses_common_b)],
    ) -> None: ...

    assert labels(endpoint) == ["common", "uses_common_a", "uses_common_b", "endpoint"]


def test_use_cache_false_runs_again() -> None:
    def endpoint(
        a: Annotated[str | None, Depends(common)],
        b: Annotated[str | None, Depends(common, use_cache=False)],
    ) -> None: ...

    assert labels(endpoint) == ["common", "common", "endpoint"]


def test_cached_dependency_inputs_are_reported_each_time_it_is_reached() -> None:
    # FastAPI re-validates a cached dependency's own inputs every time it reaches it, so an
    # invalid `q` is reported once per path to `common`; the plan keeps that order.
    def endpoint(
        a: Annotated[str | None, Depends(uses_common_a)],
        b: Annotated[str | None, Depends(uses_common_b)],
    ) -> None: ...

    graph = flatten(get_dependant(path="/", call=endpoint), {})
    assert graph.error_order == ["q", "q"]
    assert list(graph.fields) == ["q"]


def test_overrides_replace_the_callable_and_its_inputs() -> None:
    def fake(limit: int = 5) -> str:
        return "fake"

    def endpoint(value: Annotated[str | None, Depends(common)]) -> None: ...

    graph = flatten(get_dependant(path="/", call=endpoint), {common: fake})
    assert [step.dependant.call for step in graph.steps] == [fake, endpoint]
    assert list(graph.fields) == ["limit"]


def scoped(security_scopes: SecurityScopes) -> list[str]:
    return security_scopes.scopes


def test_security_scopes_accumulate_and_key_the_cache() -> None:
    def middle(
        scopes: Annotated[list[str], Security(scoped, scopes=["items"])],
    ) -> list[str]:
        return scopes

    def endpoint(
        a: Annotated[list[str], Security(middle, scopes=["me"])],
        b: Annotated[list[str], Security(scoped, scopes=["admin"])],
    ) -> None: ...

    graph = flatten(get_dependant(path="/", call=endpoint), {})
    # `scoped` is reached with different scope sets, so it is two steps, not one cached one.
    assert [step.dependant.call.__name__ for step in graph.steps] == [
        "scoped",
        "middle",
        "scoped",
        "endpoint",
    ]
    assert sorted(graph.scopes.values()) == [("admin",), ("me", "items")]
