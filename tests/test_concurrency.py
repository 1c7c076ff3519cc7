"""Thread-pool context managers: teardown survives cancellation and an exhausted pool."""

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
import pytest

from zephyr.concurrency import (
    _asynccontextmanager_with_shielded_exit,
    asynccontextmanager,
    contextmanager_in_threadpool,
    iterate_in_threadpool,
    run_in_threadpool,
)

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Recorder:
    """A blocking context manager that records the threads and exceptions it sees."""

    def __init__(self, *, suppress: bool = False, fail_enter: bool = False) -> None:
        self.suppress = suppress
        self.fail_enter = fail_enter
        self.enter_thread: int | None = None
        self.exit_thread: int | None = None
        self.exit_args: tuple[Any, ...] | None = None

    def __enter__(self) -> str:
        self.enter_thread = threading.get_ident()
        if self.fail_enter:
            raise OSError("cannot connect")
        return "resource"

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        self.exit_thread = threading.get_ident()
        self.exit_args = (exc_type, exc, tb)
        return self.suppress


async def test_enters_and_exits_in_worker_threads() -> None:
    cm = Recorder()
    async with contextmanager_in_threadpool(cm) as value:
        assert value == "resource"
        assert cm.exit_args is None
    loop_thread = threading.get_ident()
    assert cm.enter_thread not in (None, loop_thread)
    assert cm.exit_thread not in (None, loop_thread)
    assert cm.exit_args == (None, None, None)


async def test_exception_reaches_exit_and_propagates() -> None:
    cm = Recorder()
    error = ValueError("boom")
    with pytest.raises(ValueError, match="boom"):
        async with contextmanager_in_threadpool(cm):
            raise error
    assert cm.exit_args is not None
    assert cm.exit_args[:2] == (ValueError, error)
    assert cm.exit_args[2] is not None


async def test_exit_can_suppress_exception() -> None:
    cm = Recorder(suppress=True)
    async with contextmanager_in_threadpool(cm):
        raise ValueError("swallowed")
    assert cm.exit_args is not None and cm.exit_args[0] is ValueError


async def test_exit_not_called_when_enter_fails() -> None:
    cm = Recorder(fail_enter=True)
    with pytest.raises(OSError, match="cannot connect"):
        async with contextmanager_in_threadpool(cm):
            pass  # pragma: no cover
    assert cm.exit_thread is None


async def test_exit_runs_when_cancelled() -> None:
    cm = Recorder()
    with anyio.CancelScope() as scope:
        async with contextmanager_in_threadpool(cm):
            scope.cancel()
            await anyio.sleep(1)
    assert scope.cancelled_caught
    assert cm.exit_args is not None
    assert cm.exit_args[0] is anyio.get_cancelled_exc_class()


async def test_exit_does_not_wait_for_an_exhausted_pool() -> None:
    """A worker waits for what only __exit__ releases, holding the pool's last thread."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    original_tokens = limiter.total_tokens
    released = threading.Event()
    worker_saw_release: list[bool] = []

    class ConnectionPool:
        def __enter__(self) -> str:
            return "connection"

        def __exit__(self, *exc_info: object) -> None:
            released.set()

    limiter.total_tokens = 1
    try:
        async with anyio.create_task_group() as tg:
            async with contextmanager_in_threadpool(ConnectionPool()):
                occupied = anyio.Event()

                def wait_for_connection() -> None:
                    anyio.from_thread.run_sync(occupied.set)
                    # Times out (False) only if __exit__ could not get a thread.
                    worker_saw_release.append(released.wait(timeout=3))

                tg.start_soon(anyio.to_thread.run_sync, wait_for_connection)
                await occupied.wait()
                assert limiter.borrowed_tokens == limiter.total_tokens == 1
    finally:
        limiter.total_tokens = original_tokens
    assert worker_saw_release == [True]


@asynccontextmanager
async def plain_dependency(steps: list[str]) -> AsyncIterator[str]:
    steps.append("setup")
    try:
        yield "value"
    finally:
        await anyio.sleep(0.01)  # raises if the teardown is not shielded
        steps.append("teardown")


@asynccontextmanager
async def task_group_dependency(steps: list[str]) -> AsyncIterator[str]:
    # Owns a cancel scope of its own: its exit must come before any scope opened after it.
    async with anyio.create_task_group():
        steps.append("setup")
        try:
            yield "value"
        finally:
            await anyio.sleep(0.01)
            steps.append("teardown")


DEPENDENCIES = [plain_dependency, task_group_dependency]
Dependency = Callable[[list[str]], AbstractAsyncContextManager[str]]


@pytest.mark.parametrize("dependency", DEPENDENCIES)
async def test_async_teardown_completes_under_cancellation(dependency: Dependency) -> None:
    steps: list[str] = []
    after_exit: list[str] = []
    with anyio.CancelScope() as request_scope:
        with anyio.CancelScope() as cleanup_scope:
            async with _asynccontextmanager_with_shielded_exit(
                dependency(steps), cleanup_scope
            ) as value:
                assert value == "value"
                request_scope.cancel()
                await anyio.sleep(1)
            after_exit.append("reached")  # pragma: no cover
    assert steps == ["setup", "teardown"]
    # The pending cancellation is delivered once the teardown is done.
    assert after_exit == []
    assert request_scope.cancelled_caught
    assert cleanup_scope.shield is False


async def test_async_shielded_exit_passes_errors_to_dependency() -> None:
    seen: list[BaseException] = []

    @asynccontextmanager
    async def dependency() -> AsyncIterator[int]:
        try:
            yield 1
        except ValueError as exc:
            seen.append(exc)
            raise

    with anyio.CancelScope() as cleanup_scope:
        cleanup_scope.shield = False
        with pytest.raises(ValueError, match="from endpoint"):
            async with _asynccontextmanager_with_shielded_exit(dependency(), cleanup_scope):
                raise ValueError("from endpoint")
    assert [str(exc) for exc in seen] == ["from endpoint"]
    assert cleanup_scope.shield is False


async def test_threadpool_helpers() -> None:
    assert await run_in_threadpool(lambda a, b=0: a + b, 1, b=2) == 3
    items = [item async for item in iterate_in_threadpool(iter(["a", "b"]))]
    assert items == ["a", "b"]
