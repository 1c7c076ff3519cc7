"""Produce default values for absent optional inputs, per request."""

from __future__ import annotations

import copy
from typing import Any

from zephyr._pipeline.plan import DefaultValue


def produce_default(default: DefaultValue) -> Any:
    """Return a fresh default: the factory's result, a deep copy if mutable, or the value."""
    if default.factory is not None:
        return default.factory()
    if default.copy:
        # FastAPI hands each request its own copy, so mutating a default leaks nowhere.
        return copy.deepcopy(default.value)
    return default.value
