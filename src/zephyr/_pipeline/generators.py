"""Enter and exit `yield` dependencies by driving their generators directly.

`contextlib.contextmanager(func)(...)` builds a decorated wrapper function and a manager object
on every call; a request with a `yield` dependency needs neither. The outcomes are contextlib's:
entering returns the first value yielded; exiting resumes the generator, or throws the pending
exception in at the `yield`, and reports whether the generator swallowed it; a generator that
does not yield, or yields twice, is a RuntimeError with contextlib's message.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from types import TracebackType
from typing import Any

ExcType = type[BaseException] | None


def enter_sync(gen: Generator[Any, None, None]) -> Any:
    """Run a sync generator up to its `yield` and return the value."""
    try:
        return next(gen)
    except StopIteration:
        raise RuntimeError("generator didn't yield") from None


async def enter_async(gen: AsyncGenerator[Any, None]) -> Any:
    """Run an async generator up to its `yield` and return the value."""
    try:
        return await gen.__anext__()
    except StopAsyncIteration:
        raise RuntimeError("generator didn't yield") from None


def exit_sync(
    gen: Generator[Any, None, None],
    exc_type: ExcType,
    exc: BaseException | None,
    traceback: TracebackType | None,
) -> bool:
    """Finish an entered sync generator; return True when it swallowed `exc`."""
    if exc_type is None:
        try:
            next(gen)
        except StopIteration:
            return False
        gen.close()
        raise RuntimeError("generator didn't stop")
    if exc is None:
        exc = exc_type()
    try:
        gen.throw(exc)
    except StopIteration as stop:
        return stop is not exc
    except BaseException as raised:
        return _reraised(raised, exc, traceback, StopIteration)
    gen.close()
    raise RuntimeError("generator didn't stop after throw()")


async def exit_async(
    gen: AsyncGenerator[Any, None],
    exc_type: ExcType,
    exc: BaseException | None,
    traceback: TracebackType | None,
) -> bool:
    """Finish an entered async generator; return True when it swallowed `exc`."""
    if exc_type is None:
        try:
            await gen.__anext__()
        except StopAsyncIteration:
            return False
        await gen.aclose()
        raise RuntimeError("generator didn't stop")
    if exc is None:
        exc = exc_type()
    try:
        await gen.athrow(exc)
    except StopAsyncIteration as stop:
        return stop is not exc
    except BaseException as raised:
        return _reraised(raised, exc, traceback, (StopIteration, StopAsyncIteration))
    await gen.aclose()
    raise RuntimeError("generator didn't stop after athrow()")


def _reraised(
    raised: BaseException,
    thrown: BaseException,
    traceback: TracebackType | None,
    stops: type[BaseException] | tuple[type[BaseException], ...],
) -> bool:
    """Settle what a generator raised after `thrown` was thrown into it (False: not swallowed).

    The generator letting `thrown` through, or a StopIteration turned into RuntimeError on its
    way out (PEP 479), means the original exception propagates with its original traceback;
    anything else is a new exception from the exit code, raised in its place.
    """
    if raised is thrown:
        raised.__traceback__ = traceback
        return False
    if (
        isinstance(raised, RuntimeError)
        and isinstance(thrown, stops)
        and raised.__cause__ is thrown
    ):
        thrown.__traceback__ = traceback
        return False
    raise raised
