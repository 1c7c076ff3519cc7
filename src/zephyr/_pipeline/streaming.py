"""Endpoints that `yield`: JSON Lines, Server-Sent Events, or raw chunks.

A generator endpoint's items are encoded as they come: by default one JSON document per line
(`application/jsonl`, items validated against the return annotation's item type); with
`response_class=EventSourceResponse` as SSE events with keep-alive comments while the
generator is idle; with any other response class, passed to it as the content iterator.
A client that disconnects stops the stream (Starlette cancels it) and the request's `yield`
dependencies then exit as usual.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import aclosing, asynccontextmanager, closing
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream
from pydantic import ValidationError
from starlette.concurrency import iterate_in_threadpool

from zephyr import sse
from zephyr._pipeline.fields import prefix_errors
from zephyr._pipeline.plan import ResponsePlan
from zephyr._pipeline.solve import Exits
from zephyr.encoders import jsonable_encoder
from zephyr.exceptions import EndpointContext, ResponseValidationError

Context = Callable[[], EndpointContext]


def _finite(data: Any) -> Any:
    """Replace NaN and infinities by None (JSON has neither), keeping dict keys."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_finite(value) for value in data]
    return data


def item_json(plan: ResponsePlan, item: Any, context: Context) -> bytes:
    """Encode one streamed item: validated and dumped in Rust, or jsonable + json.dumps."""
    adapter = plan.item_adapter
    if adapter is None:
        return json.dumps(_finite(jsonable_encoder(item))).encode("utf-8")
    try:
        value = adapter.validate_python(item, from_attributes=True)
    except ValidationError as exc:
        errors = prefix_errors(exc.errors(include_url=False), ("response",))
        raise ResponseValidationError(errors=errors, body=item, endpoint_ctx=context()) from None
    return adapter.dump_json(value, **plan.dump_options)


def sse_event(plan: ResponsePlan, item: Any, context: Context) -> bytes:
    """Encode one SSE event: a ServerSentEvent as given, anything else as its `data:`."""
    if not isinstance(item, sse.ServerSentEvent):
        return sse.format_sse_event(data_str=item_json(plan, item, context).decode("utf-8"))
    data: str | None = item.raw_data
    if data is None and item.data is not None:
        if hasattr(item.data, "model_dump_json"):
            data = item.data.model_dump_json()
        else:
            data = json.dumps(_finite(jsonable_encoder(item.data)))
    return sse.format_sse_event(
        data_str=data, event=item.event, id=item.id, retry=item.retry, comment=item.comment
    )


async def _async_items(generator: Any, encode: Callable[[Any], bytes]) -> AsyncIterator[bytes]:
    # aclosing: when the client goes away, the endpoint's generator is closed right away (its
    # `finally` runs) before the request's dependencies exit, not whenever it is collected.
    async with aclosing(generator):
        async for item in generator:
            yield encode(item)
            # A checkpoint per item, so a disconnect can cancel a generator that never waits.
            await anyio.sleep(0)


def _sync_items(generator: Any, encode: Callable[[Any], bytes]) -> Iterator[bytes]:
    with closing(generator):
        for item in generator:
            yield encode(item)


def jsonl_body(plan: ResponsePlan, generator: Any, context: Context) -> Any:
    """Return the response body iterator of a JSON Lines stream."""

    def encode(item: Any) -> bytes:
        return item_json(plan, item, context) + b"\n"

    if hasattr(generator, "__aiter__"):
        return _async_items(generator, encode)
    return _sync_items(generator, encode)


async def raw_body(generator: Any) -> AsyncIterator[Any]:
    """Pass an async generator's chunks through, with a cancellation checkpoint each."""
    async with aclosing(generator):
        async for chunk in generator:
            yield chunk
            await anyio.sleep(0)


async def sse_body(
    plan: ResponsePlan, generator: Any, context: Context, exits: Exits
) -> AsyncIterator[bytes]:
    """Return the event stream; the producer lives on the request's exit stack.

    The generator is drained by a producer task into a small buffer, so waiting for the next
    item can time out (keep-alive) without ever cancelling the generator itself; the task
    group is closed by the exit stack after the response, not by generator finalisation.
    """
    events = generator.__aiter__() if hasattr(generator, "__aiter__") else None
    items = events if events is not None else iterate_in_threadpool(generator)
    stream = await exits.request.enter_async_context(_sse_pump(plan, items, context))
    exits.request.push_async_callback(stream.aclose)
    return _checkpointed(stream)


@asynccontextmanager
async def _sse_pump(
    plan: ResponsePlan, items: AsyncIterator[Any], context: Context
) -> AsyncIterator[MemoryObjectReceiveStream[bytes]]:
    produced_tx, produced_rx = anyio.create_memory_object_stream[bytes](max_buffer_size=1)
    out_tx, out_rx = anyio.create_memory_object_stream[bytes](max_buffer_size=1)

    async def produce() -> None:
        async with produced_tx, aclosing(items):  # type: ignore[type-var]
            async for item in items:
                await produced_tx.send(sse_event(plan, item, context))

    async def forward_with_pings() -> None:
        async with out_tx, produced_rx:
            while True:
                try:
                    with anyio.fail_after(_ping_interval()):
                        data = await produced_rx.receive()
                except TimeoutError:
                    data = sse.KEEPALIVE_COMMENT
                except anyio.EndOfStream:
                    return
                await out_tx.send(data)

    async with anyio.create_task_group() as group:
        group.start_soon(produce)
        group.start_soon(forward_with_pings)
        yield out_rx
        group.cancel_scope.cancel()


def _ping_interval() -> float:
    from zephyr import routing

    return routing._PING_INTERVAL


async def _checkpointed(stream: MemoryObjectReceiveStream[bytes]) -> AsyncIterator[bytes]:
    async for data in stream:
        yield data
        # Let a disconnect be delivered even when the producer is always ahead.
        await anyio.sleep(0)
