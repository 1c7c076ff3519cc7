"""The exit code of a request's `yield` dependencies: two stacks and the cleanup shield.

"function"-scoped exits run before the response is sent, "request"-scoped ones after it (and
after background tasks). Each stack is an `AsyncExitStack` made on first use: most requests
push nothing on one of them, often on both.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from types import TracebackType
from typing import Any

from anyio import CancelScope

from zephyr._pipeline.cancel import cancel_scope, checkpoint_if_cancelled, in_cancel_scope
from zephyr._pipeline.generators import exit_async
from zephyr._pipeline.plan import Step

ExitCallback = Callable[
    [type[BaseException] | None, BaseException | None, TracebackType | None], Awaitable[bool]
]


class LazyExitStack:
    """An exit stack that costs nothing until used, and little while it holds one callback.

    Most requests push at most one exit per stack (one `yield` dependency): that one is kept
    aside and called directly on unwinding. A second push, or any other kind of entry, moves
    it onto a real `AsyncExitStack`, which then does all the unwinding.
    """

    __slots__ = ("_only", "_stack")

    def __init__(self) -> None:
        self._only: ExitCallback | None = None
        self._stack: AsyncExitStack | None = None

    def _get(self) -> AsyncExitStack:
        stack = self._stack
        if stack is None:
            stack = self._stack = AsyncExitStack()
            only = self._only
            if only is not None:
                self._only = None
                stack.push_async_exit(only)
        return stack

    async def __aenter__(self) -> LazyExitStack:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        only = self._only
        if only is not None:
            # PERF: async and sync dependency chains — one exit, called without the generic
            # unwinding. An exception it raises propagates with the one being handled as its
            # context, as AsyncExitStack would chain it.
            self._only = None
            swallowed = await only(exc_type, exc, traceback)
            return exc_type is not None and bool(swallowed)
        stack = self._stack
        if stack is None:
            return False
        return bool(await stack.__aexit__(exc_type, exc, traceback))

    def push_async_exit(self, callback: ExitCallback) -> None:
        """Run `callback(exc_type, exc, traceback)` on unwinding; True swallows the exception."""
        if self._stack is None and self._only is None:
            self._only = callback
            return
        self._get().push_async_exit(callback)

    def push_async_callback(self, callback: Callable[[], Awaitable[Any]]) -> None:
        """Run `await callback()` on unwinding."""
        self._get().push_async_callback(callback)

    def enter_context(self, manager: Any) -> Any:
        """Enter a sync context manager now; exit it on unwinding."""
        return self._get().enter_context(manager)

    async def enter_async_context(self, manager: AbstractAsyncContextManager[Any]) -> Any:
        """Enter an async context manager now; exit it on unwinding."""
        return await self._get().enter_async_context(manager)


class Exits:
    """The two exit stacks of one request (created only for plans with `yield` steps)."""

    __slots__ = ("_cleanup", "_cleanup_decided", "function", "request")

    def __init__(self) -> None:
        self.request = LazyExitStack()
        self.function = LazyExitStack()
        self._cleanup: CancelScope | None = None
        self._cleanup_decided = False

    def for_step(self, step: Step) -> LazyExitStack:
        """Return the stack a generator step's exit belongs to."""
        return self.function if step.scope == "function" else self.request

    def cleanup_scope(self) -> CancelScope | None:
        """Return the request's cleanup scope, entering it on the request stack the first time.

        It must be entered before the first `async def` generator dependency runs: such a
        dependency may open cancel scopes of its own, and scopes are exited in LIFO order.
        None when the request runs in no anyio cancel scope: nothing outside can then cancel
        it in a way a shield would hold off, and none can appear around it later.
        """
        if not self._cleanup_decided:
            self._cleanup_decided = True
            # PERF: async dependency chain — no shield scope where none can matter.
            if in_cancel_scope():
                self._cleanup = self.request.enter_context(cancel_scope())
        return self._cleanup


class ShieldedGeneratorExit:
    """The exit of an `async def` generator dependency, shielded from cancellation.

    A client that disconnects mid-response must not cut a transaction's rollback short: the
    request's cleanup scope is shielded while the exit code runs.
    """

    __slots__ = ("gen", "scope")

    def __init__(self, gen: AsyncGenerator[Any, None], scope: CancelScope | None) -> None:
        self.gen = gen
        self.scope = scope

    async def __call__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        scope = self.scope
        if scope is None:  # no enclosing cancel scope (see `Exits.cleanup_scope`)
            return await exit_async(self.gen, exc_type, exc, traceback)
        shielded_before = scope.shield
        scope.shield = True
        try:
            swallowed = await exit_async(self.gen, exc_type, exc, traceback)
        finally:
            scope.shield = shielded_before
        # A task group inside the dependency can swallow a cancellation while the scope is
        # shielded; deliver any that is pending now the shield is down. Not while an exception
        # still propagates: a cleanup error must reach the caller (with the cancellation as its
        # context), not be replaced by the cancellation it happened during.
        if exc_type is None or swallowed:
            await checkpoint_if_cancelled()
        return swallowed
