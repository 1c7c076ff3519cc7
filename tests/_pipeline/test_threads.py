"""The thread hop of sync steps behaves like anyio's: bounded, reusable, never abandoned.

On asyncio Zephyr runs sync dependencies and endpoints on its own parked workers; on trio it
uses anyio's. Every test runs on both, through a real app.
"""

import threading
from collections.abc import Callable, Iterator
from typing import Annotated

import anyio
import anyio.from_thread
import anyio.to_thread
import httpx
import pytest
import sniffio

from zephyr import Depends, FastAPI
from zephyr.testclient import TestClient

pytestmark = pytest.mark.anyio


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def test_sync_endpoint_runs_off_the_loop_and_can_call_back_into_it(
    test_client_factory: Callable[..., TestClient],
) -> None:
    app = FastAPI()

    async def double(value: int) -> int:
        return value * 2

    @app.get("/")
    def endpoint() -> dict[str, object]:
        # What anyio offers its own worker threads: a way back to the event loop.
        return {"doubled": anyio.from_thread.run(double, 21), "thread": threading.get_ident()}

    with test_client_factory(app) as client:
        body = client.get("/").json()
    assert body["doubled"] == 42
    assert body["thread"] != threading.get_ident()


def test_no_async_library_is_reported_inside_a_worker(
    test_client_factory: Callable[..., TestClient],
) -> None:
    app = FastAPI()

    def library() -> str:
        try:
            return sniffio.current_async_library()
        except sniffio.AsyncLibraryNotFoundError:
            return "none"

    @app.get("/")
    def endpoint(seen: Annotated[str, Depends(library)]) -> str:
        return seen

    with test_client_factory(app) as client:
        assert client.get("/").json() == "none"


def test_stop_iteration_from_a_sync_endpoint_is_an_error_not_an_empty_answer(
    test_client_factory: Callable[..., TestClient],
) -> None:
    app = FastAPI()

    @app.get("/")
    def endpoint() -> None:
        raise StopIteration

    with test_client_factory(app, raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 500


async def test_concurrent_sync_steps_stay_within_the_default_thread_limiter() -> None:
    limiter = anyio.to_thread.current_default_thread_limiter()
    original = limiter.total_tokens
    lock = threading.Lock()
    running = [0]
    peak = [0]

    def busy() -> int:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        threading.Event().wait(0.05)
        with lock:
            running[0] -= 1
        return 1

    app = FastAPI()

    @app.get("/")
    def endpoint(value: Annotated[int, Depends(busy)]) -> int:
        return value

    limiter.total_tokens = 2
    try:
        async with client_for(app) as client, anyio.create_task_group() as group:
            statuses: list[int] = []

            async def call() -> None:
                statuses.append((await client.get("/")).status_code)

            for _ in range(6):
                group.start_soon(call)
    finally:
        limiter.total_tokens = original
    assert statuses == [200] * 6
    assert peak[0] == 2


async def test_a_cancelled_request_waits_for_its_thread_then_runs_the_exit_code() -> None:
    events: list[str] = []
    entered = threading.Event()
    release = threading.Event()

    def session() -> Iterator[str]:
        events.append("enter")
        entered.set()
        release.wait(5)
        events.append("entered")
        try:
            yield "session"
        finally:
            events.append("exit")

    app = FastAPI()

    @app.get("/")
    def endpoint(value: Annotated[str, Depends(session)]) -> str:
        return value  # pragma: no cover - the request is cancelled before it gets here

    scope = anyio.CancelScope()

    async def request() -> None:
        with scope:
            async with client_for(app) as client:
                await client.get("/")

    async with anyio.create_task_group() as group:
        group.start_soon(request)
        await anyio.to_thread.run_sync(entered.wait, 5)
        scope.cancel()
        # The thread is still inside the dependency: the cancelled request must wait.
        await anyio.sleep(0.05)
        events.append("cancelled")
        release.set()
    assert scope.cancel_called
    # Nothing entered is left open: the generator's exit ran after its entry finished.
    assert events == ["enter", "cancelled", "entered", "exit"]


async def test_yield_exit_does_not_wait_for_an_exhausted_thread_limiter() -> None:
    """Another request holds the last thread, waiting for what only this exit releases."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    original = limiter.total_tokens
    pool = threading.Semaphore(1)  # a one-connection pool
    waited: list[bool] = []
    first_answered = anyio.Event()

    def connection() -> Iterator[str]:
        waited.append(pool.acquire(timeout=3))
        try:
            yield "connection"
        finally:
            pool.release()

    app = FastAPI()

    @app.get("/")
    def endpoint(conn: Annotated[str, Depends(connection)]) -> str:
        return conn

    limiter.total_tokens = 1
    try:
        async with client_for(app) as client, anyio.create_task_group() as group:

            async def first() -> None:
                assert (await client.get("/")).status_code == 200
                first_answered.set()

            async def second() -> None:
                await first_answered.wait()
                assert (await client.get("/")).status_code == 200

            group.start_soon(first)
            group.start_soon(second)
    finally:
        limiter.total_tokens = original
    assert waited == [True, True]


def test_workers_are_reused_across_requests(
    test_client_factory: Callable[..., TestClient],
) -> None:
    app = FastAPI()

    @app.get("/")
    def endpoint() -> int:
        return threading.get_ident()

    with test_client_factory(app) as client:
        idents = {client.get("/").json() for _ in range(20)}
    assert len(idents) <= 2
