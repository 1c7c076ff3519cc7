"""Exits of `yield` dependencies when the request is cancelled from outside."""

from typing import Any

import anyio
import httpx
import pytest

from zephyr import Depends, FastAPI


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
