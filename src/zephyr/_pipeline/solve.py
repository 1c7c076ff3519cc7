"""Run a plan's dependency steps and its endpoint, in order.

Stages come from the plan: a run of plain-`def` steps (and sync `yield` dependencies'
entry) shares ONE thread hop, with the request's contextvars; async steps are awaited on the
loop. `yield` dependencies are entered on one of two exit stacks: "function" scope exits
before the response is sent, "request" scope after it (and after background tasks).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Collection
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from contextlib import contextmanager as sync_contextmanager
from types import TracebackType
from typing import Any

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter

from zephyr._pipeline.plan import Stage, Step
from zephyr.concurrency import _asynccontextmanager_with_shielded_exit

Finish = Callable[[Any], Any]


class Exits:
    """The two exit stacks of one request (created only for plans with `yield` steps)."""

    __slots__ = ("_cleanup", "function", "request")

    def __init__(self) -> None:
        self.request = AsyncExitStack()
        self.function = AsyncExitStack()
        self._cleanup: CancelScope | None = None

    def for_step(self, step: Step) -> AsyncExitStack:
        """Return the stack a generator step's exit belongs to."""
        return self.function if step.scope == "function" else self.request

    def shielded(self, manager: AbstractAsyncContextManager[Any]) -> Any:
        """Wrap an async generator dependency so its exit code survives cancellation.

        One cancel scope, entered on the request stack before the first such dependency,
        is shielded while any of them exits (a client that disconnects mid-response must
        not cut a transaction's rollback short).
        """
        if self._cleanup is None:
            self._cleanup = self.request.enter_context(CancelScope())
        return _asynccontextmanager_with_shielded_exit(manager, self._cleanup)


def _kwargs(step: Step, values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[key] for name, key in step.args}


def _run_in_thread(
    steps: tuple[Step, ...],
    values: dict[str, Any],
    entered: list[tuple[Step, Any]],
    skip: Callable[[Step], bool] | None,
    finish: tuple[Step, Finish] | None,
) -> None:
    """Run consecutive sync steps in the current (worker) thread."""
    for step in steps:
        if skip is not None and skip(step):
            continue
        kwargs = _kwargs(step, values)
        # Each step sees the request's context but its own changes stay its own, exactly as
        # with one thread hop per step (FastAPI): copying a context is O(1).
        context = contextvars.copy_context()
        if step.kind == "sync_gen":
            manager = sync_contextmanager(step.call)(**kwargs)
            values[step.result_key] = context.run(manager.__enter__)
            entered.append((step, manager))
        else:
            result = context.run(step.call, **kwargs)
            if finish is not None and step is finish[0]:
                result = finish[1](result)
            values[step.result_key] = result


def _sync_exit(manager: Any) -> Callable[..., Any]:
    """Wrap a sync context manager's __exit__ to run in a thread, shielded from cancellation."""

    async def exit_(
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        # A private one-slot limiter: exits never wait for a worker held by a request that
        # is itself waiting for this exit (pool exhaustion would deadlock otherwise).
        suppress = False
        with CancelScope(shield=True):
            suppress = bool(
                await anyio.to_thread.run_sync(
                    manager.__exit__, exc_type, exc, traceback, limiter=CapacityLimiter(1)
                )
            )
        return suppress

    return exit_


async def _run_thread_stage(
    stage: Stage,
    values: dict[str, Any],
    exits: Exits | None,
    skip: Callable[[Step], bool] | None,
    finish: tuple[Step, Finish] | None,
) -> None:
    entered: list[tuple[Step, Any]] = []
    try:
        # PERF: sync dependency chain — one hop for the whole run of sync steps.
        await anyio.to_thread.run_sync(_run_in_thread, stage.steps, values, entered, skip, finish)
    finally:
        for step, manager in entered:
            assert exits is not None  # plans with generators always create exit stacks
            exits.for_step(step).push_async_exit(_sync_exit(manager))


@asynccontextmanager
async def _limited(manager: AbstractAsyncContextManager[Any], step: Step) -> Any:
    assert step.concurrency is not None
    async with step.concurrency.semaphore(), manager as value:
        yield value


async def _run_loop_step(
    step: Step, values: dict[str, Any], exits: Exits | None, finish: tuple[Step, Finish] | None
) -> None:
    kwargs = _kwargs(step, values)
    if step.kind == "stream":
        # Calling a generator function runs none of its code: no thread needed.
        values[step.result_key] = step.call(**kwargs)
        return
    if step.kind == "async_gen" or step.kind == "sync_gen":
        assert exits is not None
        manager: AbstractAsyncContextManager[Any]
        if step.kind == "async_gen":
            manager = exits.shielded(asynccontextmanager(step.call)(**kwargs))
        else:
            manager = _thread_manager(sync_contextmanager(step.call)(**kwargs))
        if step.concurrency is not None:
            manager = _limited(manager, step)
        values[step.result_key] = await exits.for_step(step).enter_async_context(manager)
        return
    if step.concurrency is not None:
        async with step.concurrency.semaphore():
            result = await _call(step, kwargs)
    else:
        result = await _call(step, kwargs)
    if finish is not None and step is finish[0]:
        result = finish[1](result)
    values[step.result_key] = result


async def _call(step: Step, kwargs: dict[str, Any]) -> Any:
    if step.kind == "async":
        return await step.call(**kwargs)
    return await anyio.to_thread.run_sync(lambda: step.call(**kwargs))


@asynccontextmanager
async def _thread_manager(manager: Any) -> Any:
    """Enter a sync context manager in a thread; exit it in a thread (for limited steps)."""
    value = await anyio.to_thread.run_sync(manager.__enter__)
    exit_ = _sync_exit(manager)
    try:
        yield value
    except BaseException as exc:
        if not await exit_(type(exc), exc, exc.__traceback__):
            raise
    else:
        await exit_(None, None, None)


async def run_stages(
    stages: tuple[Stage, ...],
    values: dict[str, Any],
    exits: Exits | None,
    *,
    finish: Finish | None = None,
    failed_keys: Collection[str] | None = None,
) -> None:
    """Run every stage; the endpoint's (finished) result lands under its step key.

    Args:
        stages: The plan's stages, endpoint last.
        values: The request's values dict (validated inputs, framework objects, results).
        exits: The request's exit stacks, when the plan has generator steps.
        finish: Applied to the endpoint's result where it was produced (same thread hop).
        failed_keys: Inputs that failed validation: run only the dependencies that do not
            need them, never the endpoint (FastAPI still calls independent dependencies).
    """
    last = stages[-1].steps[-1]
    skip = None
    if failed_keys is not None:
        failed = frozenset(failed_keys)

        def skip(step: Step) -> bool:
            return step is last or bool(step.keys_needed & failed)

    finishing = (last, finish) if finish is not None else None
    for stage in stages:
        if stage.in_thread:
            await _run_thread_stage(stage, values, exits, skip, finishing)
            continue
        for step in stage.steps:
            if skip is None or not skip(step):
                await _run_loop_step(step, values, exits, finishing)
