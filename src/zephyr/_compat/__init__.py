"""Version constants at FastAPI's private `_compat` path.

Many tests written for FastAPI import the Pydantic version tuple from here at module level;
this shim lets them import. Nothing in Zephyr uses it.
"""

from pydantic.version import VERSION as PYDANTIC_VERSION
from pydantic_core import PydanticUndefined as Undefined

PYDANTIC_VERSION_MINOR_TUPLE: tuple[int, ...] = tuple(
    int(part) for part in PYDANTIC_VERSION.split(".")[:2]
)

__all__ = ["PYDANTIC_VERSION", "PYDANTIC_VERSION_MINOR_TUPLE", "Undefined"]
