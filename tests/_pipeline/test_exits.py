"""Exits of `yield` dependencies: under cancellation from outside, and the exit stacks."""

import asyncio
import threading
from typing import Any

import anyio
import anyio.to_thread
import httpx
import pytest

from zephyr import Depends, FastAPI
from zephyr._pipeline.cancel import in_cancel_scope
from zephyr._pipeline.exits import LazyExitStack


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.mark.anyio
@pytest.mark.parametrize("scope", ["function", "request"])
async def test_a_cleanup_error_during_cancellation_reaches_the_caller(scope: Any) -> None:
    # The cleanups run shielded; the error one of them raises must not be replaced by the
    # cancellation it happened during, and the outer cleanup still runs and sees it.
    events: list[str] = []
    cancelled_outside = anyio.CancelScope()
    failure = RuntimeError("cleanup failed")
    app = FastAPI()

    async def outer() -> Any:
        try:
            yield
        except RuntimeError as exc:
            events.append(f"outer saw {exc}")
            raise
        finally:
            await anyio.sleep(0)
            events.append("outer cleanup")

    async def inner(_: None = Depends(outer, scope=scope)) -> Any:
        try:
            yield
        finally:
            await anyio.sleep(0)
            events.append("inner cleanup")
            raise failure

    @app.get("/")
    async def endpoint(_: None = Depends(inner, scope=scope)) -> None:
        cancelled_outside.cancel()
        await anyio.sleep(0)
        raise AssertionError("the cancellation should have stopped the endpoint")

    transport = httpx.ASGITransport(app=app)
    caught: BaseException | None = None
    with anyio.fail_after(5):
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            with cancelled_outside:
                try:
                    await client.get("/")
                except RuntimeError as exc:
                    caught = exc

    assert caught is failure
    assert isinstance(failure.__context__, anyio.get_cancelled_exc_class())
    assert events == ["inner cleanup", "outer saw cleanup failed", "outer cleanup"]


@pytest.mark.anyio
async def test_a_cancelled_request_still_runs_cleanup_and_stays_cancelled() -> None:
    events: list[str] = []
    cancelled_outside = anyio.CancelScope()
    app = FastAPI()

    async def resource() -> Any:
        try:
            yield
        finally:
            await anyio.sleep(0)
            events.append("cleanup")

    @app.get("/")
    async def endpoint(_: None = Depends(resource)) -> None:
        cancelled_outside.cancel()
        await anyio.sleep(0)

    transport = httpx.ASGITransport(app=app)
    with anyio.fail_after(5):
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            with cancelled_outside:
                await client.get("/")
                raise AssertionError("the request should have been cancelled")
    assert cancelled_outside.cancelled_caught
    assert events == ["cleanup"]


def _nested_sync_resources(app: FastAPI, events: list[str], in_exit: Any, release: Any) -> None:
    """An endpoint on two nested sync `yield` dependencies; the inner exit blocks on `release`."""

    def outer() -> Any:
        try:
            yield
        except BaseException as exc:
            events.append(f"outer saw {type(exc).__name__}")
            raise
        finally:
            events.append("outer exit")

    def inner(_: None = Depends(outer)) -> Any:
        try:
            yield
        finally:
            in_exit.set()
            release.wait(5)
            events.append("inner exit")

    @app.get("/")
    def endpoint(_: None = Depends(inner)) -> str:
        return "ok"


@pytest.mark.anyio
async def test_a_scope_cancelled_during_a_sync_exit_waits_and_spares_the_outer_exit() -> None:
    # Inside an anyio cancel scope the exit's thread hop is shielded: the cancellation waits
    # until it is over, so the outer dependency exits as after a normal response.
    events: list[str] = []
    in_exit, release = threading.Event(), threading.Event()
    app = FastAPI()
    _nested_sync_resources(app, events, in_exit, release)
    scope = anyio.CancelScope()
    statuses: list[int] = []

    async def request() -> None:
        with scope:
            async with client_for(app) as client:
                statuses.append((await client.get("/")).status_code)

    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            group.start_soon(request)
            await anyio.to_thread.run_sync(in_exit.wait, 5)
            scope.cancel()
            await anyio.sleep(0.05)
            events.append("cancelled")
            release.set()
    assert events == ["cancelled", "inner exit", "outer exit"]
    # The response was complete before the exits: the client still got it.
    assert scope.cancel_called and statuses == [200]


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.anyio
async def test_a_bare_task_cancel_during_a_sync_exit_waits_for_the_thread_then_unwinds() -> None:
    # A task in no anyio scope gets no shield (`Task.cancel()` would go through one anyway):
    # the exit still runs to its end, then the outer dependency sees the cancellation.
    events: list[str] = []
    in_exit, release = threading.Event(), threading.Event()
    app = FastAPI()
    _nested_sync_resources(app, events, in_exit, release)

    async def request() -> None:
        async with client_for(app) as client:
            await client.get("/")

    task = asyncio.get_running_loop().create_task(request())
    await anyio.to_thread.run_sync(in_exit.wait, 5)
    task.cancel()
    await asyncio.sleep(0.05)
    events.append("cancelled")
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    assert events == ["cancelled", "inner exit", "outer saw CancelledError", "outer exit"]


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.anyio
async def test_in_cancel_scope_sees_only_anyio_scopes_around_the_task() -> None:
    async def in_bare_task() -> bool:
        return in_cancel_scope()

    assert await asyncio.get_running_loop().create_task(in_bare_task()) is False
    with anyio.CancelScope():
        assert in_cancel_scope() is True
    seen: list[bool] = []
    async with anyio.create_task_group() as group:
        group.start_soon(lambda: _record(seen))
    assert seen == [True]


async def _record(seen: list[bool]) -> None:
    seen.append(in_cancel_scope())


class _Recorder:
    """An exit callback that records what it was given and answers as configured."""

    def __init__(self, events: list[str], name: str, swallow: bool = False) -> None:
        self.events, self.name, self.swallow = events, name, swallow

    async def __call__(self, exc_type: Any, exc: Any, traceback: Any) -> bool:
        self.events.append(f"{self.name}({exc_type.__name__ if exc_type else None})")
        return self.swallow


class _Failing:
    def __init__(self, error: BaseException) -> None:
        self.error = error

    async def __call__(self, exc_type: Any, exc: Any, traceback: Any) -> bool:
        raise self.error


@pytest.mark.anyio
@pytest.mark.parametrize("extra_exits", [0, 1], ids=["one exit", "two exits"])
async def test_an_exit_stack_unwinds_alike_with_one_exit_or_more(extra_exits: int) -> None:
    # One exit is kept aside and called directly; more go through AsyncExitStack. Callers
    # cannot tell the two apart.
    events: list[str] = []

    def stack_with(last: Any) -> LazyExitStack:
        stack = LazyExitStack()
        for number in range(extra_exits):
            stack.push_async_exit(_Recorder(events, f"extra{number}"))
        stack.push_async_exit(last)
        return stack

    async with stack_with(_Recorder(events, "last")):
        pass
    async with stack_with(_Recorder(events, "last", swallow=True)):
        raise KeyError("swallowed")
    failure = RuntimeError("exit failed")
    with pytest.raises(RuntimeError) as raised:
        async with stack_with(_Failing(failure)):
            raise KeyError("original")
    assert raised.value is failure
    assert isinstance(failure.__context__, KeyError)
    with pytest.raises(KeyError):
        async with stack_with(_Recorder(events, "last")):
            raise KeyError("kept")

    def extra(seen: str) -> list[str]:
        return [f"extra0({seen})"] if extra_exits else []

    assert events == [
        *["last(None)", *extra("None")],
        *["last(KeyError)", *extra("None")],  # swallowed: the exits below see none
        *extra("RuntimeError"),  # the failing exit's error replaces the original
        *["last(KeyError)", *extra("KeyError")],
    ]


@pytest.mark.anyio
async def test_an_exit_stack_keeps_its_order_when_a_second_entry_arrives() -> None:
    events: list[str] = []
    stack = LazyExitStack()
    async with stack:
        stack.push_async_exit(_Recorder(events, "first"))
        stack.push_async_callback(lambda: _append(events, "second"))
    assert events == ["second", "first(None)"]


async def _append(events: list[str], item: str) -> None:
    events.append(item)
