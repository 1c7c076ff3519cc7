"""anyio's cancel scopes and cancellation checkpoint for the request path, minus the lookup.

`anyio.CancelScope()` and `anyio.lowlevel.checkpoint_if_cancelled()` find the running backend
through sniffio on every call, which costs more than the scope itself. Requests with `yield`
dependencies need both, so on asyncio they come straight from anyio's asyncio backend; under
any other loop (trio) they go through anyio's public entry points.
"""

from __future__ import annotations

from asyncio import events as _asyncio_events
from typing import Any

import anyio.lowlevel
from anyio import CancelScope

_asyncio_backend: Any
try:
    from anyio._backends import _asyncio

    _asyncio_backend = _asyncio.AsyncIOBackend
except ImportError:  # pragma: no cover - an anyio whose internals moved
    _asyncio_backend = None

_get_running_loop = _asyncio_events._get_running_loop


def cancel_scope(*, shield: bool = False) -> CancelScope:
    """Return `anyio.CancelScope(shield=shield)` for the running backend."""
    if _asyncio_backend is not None and _get_running_loop() is not None:
        # PERF: async dependency chain — no sniffio lookup per scope.
        scope: CancelScope = _asyncio_backend.create_cancel_scope(shield=shield)
        return scope
    return CancelScope(shield=shield)


async def checkpoint_if_cancelled() -> None:
    """Raise the pending cancellation of an enclosing cancel scope, if there is one."""
    if _asyncio_backend is not None and _get_running_loop() is not None:
        # PERF: async dependency chain — no sniffio lookup per checkpoint.
        await _asyncio_backend.checkpoint_if_cancelled()
    else:
        await anyio.lowlevel.checkpoint_if_cancelled()
