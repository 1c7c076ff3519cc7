"""STARTUP ONLY: what kind of callable a dependency or endpoint is.

Answers "is it a coroutine function, a generator, an async generator?" the way FastAPI does:
looking through `functools.partial`, `functools.wraps` chains and callable instances'
`__call__`. Classes are plain calls (instantiating a class is synchronous).
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from typing import Any

if sys.version_info >= (3, 13):
    from inspect import iscoroutinefunction
else:
    # Before 3.13 only asyncio's version honours the legacy `_is_coroutine` marker.
    from asyncio import iscoroutinefunction


def _strip_partial(call: Any) -> Any:
    while isinstance(call, functools.partial):
        call = call.func
    return call


def _candidates(call: Callable[..., Any]) -> list[Any]:
    """Return the functions whose kind decides `call`'s kind, most specific first."""
    plain = _strip_partial(call)
    unwrapped = inspect.unwrap(plain)
    found = [plain, unwrapped]
    if inspect.isclass(unwrapped):
        return []
    for owner in (plain, unwrapped):
        dunder = getattr(owner, "__call__", None)  # noqa: B004 - we want the attribute itself
        if dunder is not None and not inspect.isfunction(owner) and not inspect.ismethod(owner):
            dunder = _strip_partial(dunder)
            found.extend([dunder, inspect.unwrap(dunder)])
    return found


def is_coroutine_callable(call: Callable[..., Any]) -> bool:
    """Return True when calling `call` returns an awaitable we must await."""
    plain = _strip_partial(call)
    for candidate in (plain, inspect.unwrap(plain)):
        if inspect.isroutine(candidate) and iscoroutinefunction(candidate):
            return True
    return any(iscoroutinefunction(c) for c in _candidates(call)[2:])


def is_gen_callable(call: Callable[..., Any]) -> bool:
    """Return True for generator functions (sync `yield` dependencies)."""
    return any(inspect.isgeneratorfunction(c) for c in _candidates(call))


def is_async_gen_callable(call: Callable[..., Any]) -> bool:
    """Return True for async generator functions (async `yield` dependencies)."""
    return any(inspect.isasyncgenfunction(c) for c in _candidates(call))


def callable_name(call: Any) -> str:
    """Return a readable name for error messages: the function or class name."""
    plain = _strip_partial(call)
    name = getattr(plain, "__qualname__", None) or getattr(plain, "__name__", None)
    if name is None:
        name = type(plain).__name__
    return str(name)


def describe_location(call: Any) -> str:
    """Return "module.py:LINE" for a callable, or "" when it has no source."""
    plain = inspect.unwrap(_strip_partial(call))
    code = getattr(plain, "__code__", None)
    if code is None:
        code = getattr(getattr(plain, "__call__", None), "__code__", None)  # noqa: B004
    if code is None:
        return ""
    return f"{code.co_filename}:{code.co_firstlineno}"
