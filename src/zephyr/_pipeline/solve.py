"""Run a plan's dependency steps and its endpoint, in order.

Stages come from the plan: a run of plain-`def` steps (and sync `yield` dependencies'
entry) shares ONE thread hop, with the request's contextvars; async steps are awaited on the
loop. `yield` dependencies are entered on one of two exit stacks: "function" scope exits
before the response is sent, "request" scope after it (and after background tasks).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Collection
from types import TracebackType
from typing import Any

from zephyr._pipeline.cancel import cancel_scope, in_cancel_scope
from zephyr._pipeline.exits import Exits, ShieldedGeneratorExit
from zephyr._pipeline.generators import enter_async, enter_sync, exit_sync
from zephyr._pipeline.plan import Stage, Step
from zephyr._pipeline.threads import run_sync

__all__ = ["Exits", "Finish", "run_stages"]

Finish = Callable[[Any], Any]


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
            gen = step.call(**kwargs)
            values[step.result_key] = context.run(enter_sync, gen)
            entered.append((step, gen))
        else:
            result = context.run(step.call, **kwargs)
            if finish is not None and step is finish[0]:
                result = finish[1](result)
            values[step.result_key] = result


class _ThreadedGeneratorExit:
    """The exit of a sync generator dependency: in a worker thread, shielded from cancellation.

    Exits never wait for the thread limiter: a worker may be held by a request that is itself
    waiting for this exit (pool exhaustion would deadlock otherwise).
    """

    __slots__ = ("gen",)

    def __init__(self, gen: Any) -> None:
        self.gen = gen

    async def __call__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if not in_cancel_scope():
            # PERF: sync dependency chain — no enclosing scope can cancel the hop level-wise,
            # so there is nothing to shield it from (a bare task.cancel() pierces shields).
            return await run_sync(exit_sync, self.gen, exc_type, exc, traceback, limited=False)
        swallowed = False
        # A cancelled request still runs the exit, and unwinds with its own cancellation.
        with cancel_scope(shield=True):
            swallowed = await run_sync(exit_sync, self.gen, exc_type, exc, traceback, limited=False)
        return swallowed


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
        await run_sync(_run_in_thread, stage.steps, values, entered, skip, finish)
    finally:
        for step, gen in entered:
            assert exits is not None  # plans with generators always create exit stacks
            exits.for_step(step).push_async_exit(_ThreadedGeneratorExit(gen))


async def _enter_generator(step: Step, kwargs: dict[str, Any], exits: Exits) -> Any:
    """Enter a `yield` dependency on the loop and push its exit on its stack."""
    stack = exits.for_step(step)
    if step.concurrency is not None:
        # Held until the dependency has exited (pushed first, so it is released last).
        await stack.enter_async_context(step.concurrency.semaphore())
    if step.kind == "async_gen":
        scope = exits.cleanup_scope()
        gen = step.call(**kwargs)
        # PERF: async dependency chain — the generator is driven directly, no contextlib.
        value = await enter_async(gen)
        stack.push_async_exit(ShieldedGeneratorExit(gen, scope))
        return value
    gen = step.call(**kwargs)  # a sync generator function runs none of its code when called
    value = await run_sync(enter_sync, gen)
    stack.push_async_exit(_ThreadedGeneratorExit(gen))
    return value


async def _run_loop_step(
    step: Step, values: dict[str, Any], exits: Exits | None, finish: tuple[Step, Finish] | None
) -> None:
    kwargs = _kwargs(step, values)
    kind = step.kind
    if kind == "async":  # with a concurrency limit (`run_stages` awaits the others itself)
        assert step.concurrency is not None
        async with step.concurrency.semaphore():
            result = await step.call(**kwargs)
    elif kind == "stream":
        # Calling a generator function runs none of its code: no thread needed.
        values[step.result_key] = step.call(**kwargs)
        return
    elif kind == "async_gen" or kind == "sync_gen":
        assert exits is not None
        values[step.result_key] = await _enter_generator(step, kwargs, exits)
        return
    elif step.concurrency is None:
        result = await run_sync(lambda: step.call(**kwargs))
    else:
        async with step.concurrency.semaphore():
            result = await run_sync(lambda: step.call(**kwargs))
    if finish is not None and step is finish[0]:
        result = finish[1](result)
    values[step.result_key] = result


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
            if skip is not None and skip(step):
                continue
            if step.kind == "async" and step.concurrency is None:
                # PERF: async dependency chain — a plain coroutine step is awaited right here,
                # one coroutine frame fewer than `_run_loop_step`.
                result = await step.call(**_kwargs(step, values))
                if finish is not None and step is last:
                    result = finish(result)
                values[step.result_key] = result
                continue
            await _run_loop_step(step, values, exits, finishing)
