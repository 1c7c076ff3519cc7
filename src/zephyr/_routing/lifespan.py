"""Lifespan handling for routers: startup/shutdown handlers and merged lifespans."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

from starlette._utils import is_async_callable
from starlette.types import Lifespan

if TYPE_CHECKING:
    from zephyr.routing import APIRouter

LifespanContext = Callable[[Any], AbstractAsyncContextManager[Any]]


class _HandlersLifespan:
    """The lifespan used when none is given: run `on_startup` / `on_shutdown` handlers."""

    def __init__(self, owner: RouterLifespan) -> None:
        self._owner = owner

    def __call__(self, app: object) -> _HandlersLifespan:
        return self

    async def __aenter__(self) -> None:
        await self._owner.startup()

    async def __aexit__(self, *exc_info: object) -> None:
        await self._owner.shutdown()


@asynccontextmanager
async def _lift(manager: Any) -> AsyncIterator[Any]:
    with manager as value:
        yield value


def as_context(lifespan: Lifespan[Any]) -> LifespanContext:
    """Accept any lifespan form FastAPI accepts and return an async-context-manager factory."""
    if inspect.isasyncgenfunction(lifespan):
        return asynccontextmanager(lifespan)
    if inspect.isgeneratorfunction(lifespan):
        sync_factory = contextmanager(lifespan)
        return lambda app: _lift(sync_factory(app))
    return lifespan


class RouterLifespan:
    """A router's lifespan: the user's context manager, or its startup/shutdown handlers."""

    def __init__(self, router: APIRouter, lifespan: Lifespan[Any] | None) -> None:
        self._router = router
        self.context: LifespanContext = (
            _HandlersLifespan(self) if lifespan is None else as_context(lifespan)
        )

    async def startup(self) -> None:
        """Run every startup handler, in registration order."""
        for handler in self._router.on_startup:
            await _run(handler)

    async def shutdown(self) -> None:
        """Run every shutdown handler, in registration order."""
        for handler in self._router.on_shutdown:
            await _run(handler)


async def _run(handler: Callable[[], Any]) -> None:
    if is_async_callable(handler):
        await handler()
    else:
        handler()


def merge_lifespans(outer: LifespanContext, inner: LifespanContext) -> LifespanContext:
    """Return a lifespan entering `outer` then `inner`, merging the state they yield."""

    @asynccontextmanager
    async def merged(app: Any) -> AsyncIterator[Mapping[str, Any] | None]:
        async with outer(app) as outer_state, inner(app) as inner_state:
            if outer_state is None and inner_state is None:
                yield None
            else:
                yield {**(inner_state or {}), **(outer_state or {})}

    return merged
