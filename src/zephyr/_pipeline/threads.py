"""The thread hop of sync steps: Zephyr's own parked workers on asyncio, anyio's elsewhere.

`anyio.to_thread.run_sync` spends two extra event-loop iterations per call (a checkpoint, then
the capacity limiter's), enters a cancel scope and looks up the root task: on uvloop that is
about three quarters of a hop's cost. On asyncio, sync steps instead go to a parked worker
thread through its own queue, and the answer comes back with `call_soon_threadsafe`.

What stays as with anyio (and so as in FastAPI):
- the bound on concurrent threads is anyio's default thread limiter of the running loop, so
  `anyio.to_thread.current_default_thread_limiter().total_tokens = N` still tunes it (exits of
  `yield` dependencies bypass it, as FastAPI's do, so a full pool cannot deadlock them);
- the workers are anyio worker threads to the code they run: `anyio.from_thread.run()` works
  inside a sync dependency or endpoint;
- a hop cannot be abandoned: a cancelled request waits for the thread to return, then sees
  its cancellation.

Under any other event loop (trio), or if anyio's internals are not the ones expected, every
hop goes through `anyio.to_thread.run_sync`.
"""

from __future__ import annotations

import contextvars
import threading
import weakref
from asyncio import AbstractEventLoop, CancelledError, Future
from asyncio import events as _asyncio_events
from collections import deque
from collections.abc import Callable
from queue import Empty, SimpleQueue
from typing import Any, TypeVar

import anyio.to_thread
from anyio import CancelScope, WouldBlock

_anyio_threadlocals: Any
try:
    # anyio's per-thread record of "the loop this worker serves"; what `from_thread.run` reads.
    from anyio._core import _eventloop
    from anyio.lowlevel import current_token as _current_token

    _anyio_threadlocals = _eventloop.threadlocals
except ImportError:  # pragma: no cover - an anyio whose internals moved: use its own hop
    _anyio_threadlocals = None

try:
    import sniffio

    _library_var: contextvars.ContextVar[str | None] | None = sniffio.current_async_library_cvar
except ImportError:  # pragma: no cover - sniffio is optional for anyio
    _library_var = None

_T = TypeVar("_T")

# Seconds a worker waits for work before it ends (anyio's workers use the same figure).
_IDLE_SECONDS = 10.0
_get_running_loop = _asyncio_events._get_running_loop


class _LoopState:
    """What hops on one event loop share: its anyio token and its default thread limiter."""

    __slots__ = ("limiter", "token")

    def __init__(self) -> None:
        self.token = _current_token()
        self.limiter = anyio.to_thread.current_default_thread_limiter()


_states: weakref.WeakKeyDictionary[AbstractEventLoop, _LoopState] = weakref.WeakKeyDictionary()


class _Job:
    """One call to run in a worker, and how its answer gets back to the loop."""

    __slots__ = (
        "args",
        "context",
        "done",
        "error",
        "func",
        "future",
        "limiter",
        "loop",
        "result",
        "token",
        "waiter",
    )

    def __init__(
        self,
        loop: AbstractEventLoop,
        state: _LoopState,
        func: Callable[..., Any],
        args: tuple[Any, ...],
    ) -> None:
        self.loop = loop
        self.token = state.token
        self.limiter: Any = None
        self.func = func
        self.args = args
        context = contextvars.copy_context()
        if _library_var is not None and _library_var.get(None) is not None:
            # No async library runs in the worker: sniffio must not say otherwise there.
            context.run(_library_var.set, None)
        self.context = context
        self.future: Future[Any] = loop.create_future()
        self.waiter: Future[None] | None = None
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    def execute(self) -> None:
        """Run the call, in the worker."""
        locals_ = _anyio_threadlocals
        locals_.current_token = self.token
        # `from_thread.check_cancelled()` finds no scope: a hop is never abandoned anyway.
        locals_.current_cancel_scope = None
        try:
            self.result = self.context.run(self.func, *self.args)
        except BaseException as exc:
            self.error = exc
        finally:
            del locals_.current_token, locals_.current_cancel_scope

    def post(self) -> None:
        """Send the answer to the loop's thread."""
        # PERF: sync dependency chain, plain def endpoint — try/except, not contextlib.suppress.
        try:  # noqa: SIM105
            self.loop.call_soon_threadsafe(self.report)
        except RuntimeError:  # the loop closed while the thread ran: nobody waits
            pass

    def report(self) -> None:
        """Deliver the answer, on the loop's thread."""
        self.done = True
        if self.limiter is not None:
            self.limiter.release_on_behalf_of(self)
        future = self.future
        if not future.cancelled():
            error = self.error
            if error is None:
                future.set_result(self.result)
            elif isinstance(error, StopIteration):
                # A future cannot carry StopIteration (it would end the awaiting coroutine).
                wrapped = RuntimeError("a sync step raised StopIteration")
                wrapped.__cause__ = error
                future.set_exception(wrapped)
            else:
                future.set_exception(error)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


class _Worker(threading.Thread):
    """A parked thread that runs jobs from its own queue until it has been idle a while."""

    def __init__(self) -> None:
        super().__init__(name="zephyr worker", daemon=True)
        self.jobs: SimpleQueue[_Job] = SimpleQueue()

    def run(self) -> None:
        while True:
            try:
                job = self.jobs.get(timeout=_IDLE_SECONDS)
            except Empty:
                try:
                    _idle.remove(self)
                except ValueError:
                    continue  # taken off the idle list just now: a job is on its way
                return
            job.execute()
            # Idle again before answering, so the loop's next hop can reuse this thread.
            _idle.append(self)
            job.post()


# Idle workers of the whole process (deque appends and pops are atomic): a worker is not tied
# to an event loop, each job says which loop to answer.
_idle: deque[_Worker] = deque()


def _hand_off(job: _Job) -> None:
    try:
        worker = _idle.pop()
    except IndexError:
        worker = _Worker()
        worker.start()
    worker.jobs.put(job)


async def _wait_for_thread(job: _Job) -> None:
    """After a cancellation, wait until the thread has returned (a hop is never abandoned)."""
    if job.done:
        return
    job.waiter = job.loop.create_future()
    with CancelScope(shield=True):
        while not job.done:
            try:
                await job.waiter
            except CancelledError:  # pragma: no cover - a bare task.cancel() pierces shields
                if not job.done:
                    job.waiter = job.loop.create_future()


def _state(loop: AbstractEventLoop) -> _LoopState:
    state = _states.get(loop)
    if state is None:
        state = _states[loop] = _LoopState()
    return state


async def run_sync(func: Callable[..., _T], *args: Any, limited: bool = True) -> _T:
    """Run `func(*args)` in a worker thread.

    `limited`: within the default thread limiter's bound; False for exits, which never wait
    for it.
    """
    loop = _get_running_loop()
    if loop is None or _anyio_threadlocals is None:
        # Unlimited: a private one-token limiter, always free whatever the shared pool's state.
        limiter = None if limited else anyio.CapacityLimiter(1)
        return await anyio.to_thread.run_sync(func, *args, limiter=limiter)
    state = _state(loop)
    job = _Job(loop, state, func, args)
    if limited:
        try:
            state.limiter.acquire_on_behalf_of_nowait(job)
        except WouldBlock:
            await state.limiter.acquire_on_behalf_of(job)
        job.limiter = state.limiter
    # PERF: sync dependency chain, plain def endpoint — a parked worker, no loop iterations;
    # the answer is awaited here, without a coroutine frame of its own.
    _hand_off(job)
    try:
        result: _T = await job.future
    except CancelledError:
        await _wait_for_thread(job)
        raise
    return result
