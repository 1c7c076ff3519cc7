"""STARTUP ONLY: refuse `pydantic.v1` models, which Zephyr (like FastAPI 0.165) cannot serve.

A v1 model in a parameter, a response model, a return annotation or an additional response
would otherwise fail later and obscurely (or be treated as an arbitrary type); the route is
refused when it is declared, naming the model.
"""

from __future__ import annotations

import sys
from typing import Any, get_args

from zephyr.exceptions import PydanticV1NotSupportedError


def _v1_model(annotation: Any, v1_base: type) -> type | None:
    """Return the first `pydantic.v1` model class inside `annotation` (unions, generics...)."""
    if isinstance(annotation, type) and issubclass(annotation, v1_base):
        return annotation
    for arg in get_args(annotation):
        found = _v1_model(arg, v1_base)
        if found is not None:
            return found
    return None


def reject_pydantic_v1(annotation: Any, what: str) -> None:
    """Raise PydanticV1NotSupportedError when `annotation` uses a `pydantic.v1` model.

    Args:
        annotation: The declared type.
        what: What declares it, for the message ("parameter 'item'", "response model"...).
    """
    # A v1 model can only exist once pydantic.v1 was imported: no import cost otherwise.
    v1 = sys.modules.get("pydantic.v1")
    if v1 is None:
        return
    model = _v1_model(annotation, v1.BaseModel)
    if model is not None:
        raise PydanticV1NotSupportedError(
            f"{what} uses {model.__qualname__}, a pydantic.v1 model, which is not supported:"
            " migrate it to Pydantic v2 (`from pydantic import BaseModel`)."
        )
