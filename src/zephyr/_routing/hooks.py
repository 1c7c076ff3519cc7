"""Integrations that replace FastAPI's `fastapi.routing` functions, and how routes follow them.

Sentry's FastAPI integration replaces `get_request_handler`; Logfire's replaces
`solve_dependencies` and `run_endpoint_function`. FastAPI's routes look these functions up in
`fastapi.routing` whenever they build or run a handler, so replacing one instruments every
route. Zephyr's routes run compiled plans and never call them, until one is replaced: from then
on each API route is served the way FastAPI serves it, through whatever `zephyr.routing` holds
at that moment (`hooked.py`). That path is slower, and only exists while an integration needs
it.

No request ever checks for a replacement. `zephyr.routing` gets a module class that reports
assignments to these names, and every live app core then drops its compiled route table, so
the next request recompiles it with the routes served the FastAPI way (or, once the original
functions are put back, with plans again).
"""

from __future__ import annotations

import sys
import weakref
from types import ModuleType
from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.exceptions import ExceptionMiddleware

HOOKS = ("get_request_handler", "solve_dependencies", "run_endpoint_function")
_originals: dict[str, Any] = {}
_cores: weakref.WeakSet[Any] = weakref.WeakSet()


class _RoutingModule(ModuleType):
    """The class of `zephyr.routing` (alias `fastapi.routing`): reports replaced hooks."""

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in _originals:
            _changed()

    def __delattr__(self, name: str) -> None:
        super().__delattr__(name)
        if name in _originals:
            _changed()


def install(module: ModuleType) -> None:
    """Record `module`'s own hook functions and start watching it for replacements."""
    for name in HOOKS:
        _originals[name] = getattr(module, name)
    module.__class__ = _RoutingModule


def replaced() -> frozenset[str]:
    """Return the names of the hooks an integration has replaced (usually none)."""
    module = sys.modules.get("zephyr.routing")
    if module is None:
        return frozenset()
    return frozenset(
        name
        for name, original in _originals.items()
        if getattr(module, name, original) is not original
    )


def current(name: str) -> Any:
    """Return what `zephyr.routing` holds under `name` now (looked up at each call, as FastAPI's
    routes do, so that a replacement made later is used)."""
    return getattr(sys.modules["zephyr.routing"], name)


def watch(core: Any) -> None:
    """Make `core.invalidate_plans()` run whenever a hook is replaced or restored."""
    _cores.add(core)


def _changed() -> None:
    for core in list(_cores):
        core.invalidate_plans()


# Starlette-level instrumentation. Sentry's Starlette integration replaces `Starlette.__call__`
# (wrapping every app in its ASGI middleware) and `Middleware.__init__` (which then instruments
# Starlette's ExceptionMiddleware, the class FastAPI's stack declares, so that the app's
# exception handlers report 5xx HTTPExceptions). Zephyr's app inlines `Starlette.__call__` and
# answers exceptions from its own tables; these let it follow such replacements.
# (`FastAPI.__call__` checks for the first itself.)
_MIDDLEWARE_INIT = Middleware.__init__


def instrumented_handlers(handlers: dict[Any, Any], debug: bool) -> dict[Any, Any]:
    """Return the app's exception handlers as an instrumented ExceptionMiddleware holds them.

    Only when an integration replaced `Middleware.__init__`: the app's stack is then declared
    the way FastAPI declares it, an ExceptionMiddleware over these handlers, and its (possibly
    wrapped) handlers are used instead. Otherwise `handlers` is returned as it is.
    """
    if Middleware.__init__ is _MIDDLEWARE_INIT:
        return handlers
    Middleware(ExceptionMiddleware, handlers=handlers, debug=debug)
    middleware = ExceptionMiddleware(_no_app, handlers=handlers, debug=debug)
    wrapped = middleware._exception_handlers
    return {key: wrapped.get(key, handler) for key, handler in handlers.items()}


async def _no_app(scope: Any, receive: Any, send: Any) -> None:
    """The app under the ExceptionMiddleware built only for its handlers (never called)."""
