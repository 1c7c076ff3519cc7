"""Shared fixtures: event-loop backends and sync/async endpoint variants."""

import functools
import inspect
from collections.abc import Callable
from typing import Any

import pytest

from zephyr.testclient import TestClient


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run `@pytest.mark.anyio` tests, and test clients, on both event-loop backends."""
    return request.param


@pytest.fixture
def test_client_factory(anyio_backend: str) -> Callable[..., TestClient]:
    """Build a TestClient whose app runs on the parametrised backend (asyncio, then trio)."""
    return functools.partial(TestClient, backend=anyio_backend)


def async_variant(func: Callable[..., Any]) -> Callable[..., Any]:
    """Return an `async def` endpoint with exactly `func`'s signature, returning its result.

    The variant carries `__signature__` (no `__wrapped__`), so the framework sees a coroutine
    function declaring the same parameters, defaults and return annotation as `func`.
    """

    async def variant(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    variant.__signature__ = inspect.signature(func)  # type: ignore[attr-defined]
    variant.__name__ = variant.__qualname__ = func.__name__
    variant.__doc__ = func.__doc__
    return variant


@pytest.fixture(params=["def", "async def"])
def endpoint_kind(request: pytest.FixtureRequest) -> Callable[[Callable[..., Any]], Any]:
    """Turn a plain-`def` endpoint into itself ("def") or its `async def` variant."""
    if request.param == "def":
        return lambda func: func
    return async_variant
