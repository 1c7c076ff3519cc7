"""Driving `yield` dependencies directly gives contextlib's outcomes, case by case.

Each case runs a generator body once through `contextlib.(async)contextmanager` and once through
`zephyr._pipeline.generators`, with the same exception (or none) at the `yield`, and compares
what happened: the value, whether the exception was swallowed, what was raised.
"""

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest

from zephyr._pipeline.generators import enter_async, enter_sync, exit_async, exit_sync

pytestmark = pytest.mark.anyio


class Boom(Exception):
    pass


def plain() -> Iterator[str]:
    yield "value"


def swallowing() -> Iterator[str]:
    try:
        yield "value"
    except Boom:
        pass


def replacing() -> Iterator[str]:
    try:
        yield "value"
    except Boom as exc:
        raise KeyError("from exit code") from exc


def reraising() -> Iterator[str]:
    try:
        yield "value"
    except Boom:
        raise


def cleanup_fails() -> Iterator[str]:
    yield "value"
    raise OSError("cannot close")


def never_yields() -> Iterator[str]:
    if False:  # pragma: no cover
        yield "value"


def yields_twice() -> Iterator[str]:
    yield "value"
    yield "again"


def keeps_yielding_after_throw() -> Iterator[str]:
    try:
        yield "value"
    except Boom:
        yield "again"


SYNC_BODIES = [
    plain,
    swallowing,
    replacing,
    reraising,
    cleanup_fails,
    never_yields,
    yields_twice,
    keeps_yielding_after_throw,
]
THROWN: list[Callable[[], BaseException] | None] = [
    None,
    lambda: Boom("at the yield"),
    lambda: StopIteration("leaked"),
]


def as_async(body: Callable[[], Iterator[str]]) -> Callable[[], AsyncIterator[str]]:
    """The same body as an async generator (sync code around each `yield`)."""

    async def agen() -> AsyncIterator[str]:
        gen = body()
        try:
            value = next(gen)
        except StopIteration:
            return
        while True:
            try:
                sent = yield value
            except BaseException as exc:
                try:
                    value = gen.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    value = gen.send(sent)
                except StopIteration:
                    return

    return agen


def outcome(run: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return ("returned", run())
    except BaseException as exc:
        return ("raised", (type(exc), str(exc)))


@pytest.mark.parametrize("body", SYNC_BODIES, ids=lambda b: b.__name__)
@pytest.mark.parametrize("make_exc", THROWN, ids=["no-error", "error", "stopiteration"])
def test_sync_generator_matches_contextlib(
    body: Callable[[], Iterator[str]], make_exc: Callable[[], BaseException] | None
) -> None:
    def with_contextlib() -> tuple[Any, bool]:
        manager = contextmanager(body)()
        value = manager.__enter__()
        exc = make_exc() if make_exc else None
        swallowed = manager.__exit__(type(exc) if exc else None, exc, None)
        return value, bool(swallowed)

    def with_zephyr() -> tuple[Any, bool]:
        gen = body()
        value = enter_sync(gen)
        exc = make_exc() if make_exc else None
        return value, exit_sync(gen, type(exc) if exc else None, exc, None)

    assert outcome(with_zephyr) == outcome(with_contextlib)


@pytest.mark.parametrize("body", SYNC_BODIES, ids=lambda b: b.__name__)
@pytest.mark.parametrize("make_exc", THROWN, ids=["no-error", "error", "stopiteration"])
async def test_async_generator_matches_contextlib(
    body: Callable[[], Iterator[str]], make_exc: Callable[[], BaseException] | None
) -> None:
    agen = as_async(body)

    async def with_contextlib() -> tuple[Any, bool]:
        manager = asynccontextmanager(agen)()
        value = await manager.__aenter__()
        exc = make_exc() if make_exc else None
        swallowed = await manager.__aexit__(type(exc) if exc else None, exc, None)
        return value, bool(swallowed)

    async def with_zephyr() -> tuple[Any, bool]:
        gen = agen()
        value = await enter_async(gen)
        exc = make_exc() if make_exc else None
        return value, await exit_async(gen, type(exc) if exc else None, exc, None)

    async def outcome_of(run: Callable[[], Any]) -> tuple[str, Any]:
        try:
            return ("returned", await run())
        except BaseException as exc:
            return ("raised", (type(exc), str(exc)))

    assert await outcome_of(with_zephyr) == await outcome_of(with_contextlib)


def test_an_exception_passed_through_keeps_its_original_traceback() -> None:
    try:
        raise Boom("original")
    except Boom as caught:
        error = caught
    traceback = error.__traceback__
    gen = reraising()
    enter_sync(gen)
    assert exit_sync(gen, Boom, error, traceback) is False
    assert error.__traceback__ is traceback
