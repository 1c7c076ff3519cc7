"""Run blocking code from async code: thread-pool helpers and cancellation-safe context managers.

``run_in_threadpool``, ``iterate_in_threadpool`` and ``run_until_first_complete`` are Starlette's.
The rest give yield-dependencies FastAPI 0.165's guarantees: their teardown always runs, even
when the request is cancelled or the thread pool is exhausted.
"""

from collections.abc import AsyncGenerator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from contextlib import asynccontextmanager as asynccontextmanager
from typing import TypeVar

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from anyio.lowlevel import checkpoint_if_cancelled
from starlette.concurrency import iterate_in_threadpool as iterate_in_threadpool
from starlette.concurrency import run_in_threadpool as run_in_threadpool
from starlette.concurrency import run_until_first_complete as run_until_first_complete

_T = TypeVar("_T")


@asynccontextmanager
async def contextmanager_in_threadpool(cm: AbstractContextManager[_T]) -> AsyncGenerator[_T, None]:
    """Use a blocking context manager from async code, entering and exiting it in threads.

    ``__exit__`` does not wait for a free worker of the shared pool: it gets a capacity limiter
    of its own. Otherwise a context manager guarding its own resource pool (a database connection
    pool, say) could deadlock: every worker blocked waiting for a connection that only this
    ``__exit__`` would release. ``__exit__`` is also shielded from cancellation, so a cancelled
    request still releases what ``__enter__`` acquired. ``__exit__`` runs only if ``__enter__``
    succeeded.

    Args:
        cm: The synchronous context manager.

    Yields:
        What ``cm.__enter__`` returned.
    """
    value = await run_in_threadpool(cm.__enter__)
    # A fresh limiter per call: its one token is always free, whatever the shared pool's state.
    exit_limiter = CapacityLimiter(1)
    try:
        yield value
    except BaseException as exc:
        # Shielded because a cancelled task would otherwise never get a worker for __exit__;
        # AnyIO only waits for a worker that is already running.
        with CancelScope(shield=True):
            suppressed = await anyio.to_thread.run_sync(
                cm.__exit__, type(exc), exc, exc.__traceback__, limiter=exit_limiter
            )
        if not suppressed:
            raise
    else:
        with CancelScope(shield=True):
            await anyio.to_thread.run_sync(cm.__exit__, None, None, None, limiter=exit_limiter)


@asynccontextmanager
async def _asynccontextmanager_with_shielded_exit(
    cm: AbstractAsyncContextManager[_T], cleanup_scope: CancelScope
) -> AsyncGenerator[_T, None]:
    """Enter an async context manager whose exit runs shielded from cancellation.

    The shield is raised on ``cleanup_scope``, a scope the caller entered *before* ``cm``
    (typically once per request exit stack), rather than on a new scope around the exit: a
    dependency may open cancel scopes or task groups of its own, and those must be exited in
    LIFO order, which a scope opened after them would break.

    Args:
        cm: The async context manager, e.g. an ``async def`` dependency with ``yield``.
        cleanup_scope: An enclosing cancel scope shared by the request's dependencies.

    Yields:
        What ``cm`` yields.
    """
    shielded_before = cleanup_scope.shield
    try:
        async with cm as value:
            try:
                yield value
            finally:
                cleanup_scope.shield = True
    finally:
        cleanup_scope.shield = shielded_before
    # A task group inside the dependency can swallow a cancellation while its parent scope is
    # shielded; deliver any that is pending now the shield is down.
    await checkpoint_if_cancelled()
