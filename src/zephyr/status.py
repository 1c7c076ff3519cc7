"""HTTP and WebSocket status codes, re-exported from ``starlette.status``.

``from zephyr import status`` then ``status.HTTP_404_NOT_FOUND`` works as with FastAPI. The values
are Starlette's own; names Starlette deprecated resolve through it and warn as it does.
"""

import starlette.status as _starlette_status
from starlette.status import *  # noqa: F403

__all__ = list(_starlette_status.__all__)


def __getattr__(name: str) -> int:
    if name in _starlette_status.__deprecated__:
        # Starlette's module __getattr__ issues the deprecation warning; its stacklevel skips
        # this frame too, so the warning points at the caller.
        value: int = getattr(_starlette_status, name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_starlette_status.__deprecated__])
