"""anyio's cancel scopes and cancellation checkpoint for the request path, minus the lookup.

`anyio.CancelScope()` and `anyio.lowlevel.checkpoint_if_cancelled()` find the running backend
through sniffio on every call, which costs more than the scope itself. Requests with `yield`
dependencies need both, so on asyncio they come straight from anyio's asyncio backend; under
any other loop (trio) they go through anyio's public entry points.

`in_cancel_scope()` tells whether shielding can matter at all: only an enclosing anyio scope
can cancel a task level-wise (and so be held off by a shield); a bare `Task.cancel()` goes
through shields anyway. Under uvicorn with no task-group middleware the request's task is in
no scope, and entering a shielded scope per cleanup would be pure cost.
"""

from __future__ import annotations

from asyncio import current_task
from asyncio import events as _asyncio_events
from typing import Any

import anyio.lowlevel
from anyio import CancelScope

_asyncio_backend: Any
_task_states: Any
try:
    from anyio._backends import _asyncio

    _asyncio_backend = _asyncio.AsyncIOBackend
    # anyio's record of each task's innermost cancel scope (absent: never in one).
    _task_states = _asyncio._task_states
except (ImportError, AttributeError):  # pragma: no cover - an anyio whose internals moved
    _asyncio_backend = _task_states = None

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


def in_cancel_scope() -> bool:
    """Whether the current task runs inside an anyio cancel scope (True when unsure)."""
    if _task_states is None or _get_running_loop() is None:
        return True
    state = _task_states.get(current_task())
    return state is not None and state.cancel_scope is not None
