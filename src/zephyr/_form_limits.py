"""Form parsing limits: `form_limits={"max_fields": ..., "max_files": ..., "max_part_size": ...}`.

Given on the app, a router, an `include_router` call or a route; the more specific setting
wins key by key. Checked at declaration: unknown keys, negative or non-integer values fail
there, not on a request.
"""

from __future__ import annotations

from pydantic import ConfigDict, NonNegativeInt, TypeAdapter, with_config
from typing_extensions import TypedDict


@with_config(ConfigDict(strict=True, extra="forbid"))
class FormLimits(TypedDict, total=False):
    """Limits applied while a form body is parsed (Starlette's parser enforces them).

    Attributes:
        max_fields: The most non-file fields a form may have.
        max_files: The most files a multipart form may have.
        max_part_size: The largest non-file field, in bytes.
    """

    max_fields: NonNegativeInt
    max_files: NonNegativeInt
    max_part_size: NonNegativeInt


# FastAPI's private name for the same type.
_FormLimits = FormLimits

_adapter: TypeAdapter[FormLimits] = TypeAdapter(FormLimits)


def validate_form_limits(limits: FormLimits | dict[str, int] | None) -> dict[str, int]:
    """Return the limits as a plain dict, or raise a ValidationError naming the bad key."""
    if limits is None:
        return {}
    validated = _adapter.validate_python(limits)
    return {key: int(value) for key, value in validated.items()}  # type: ignore[call-overload]


def validate_max_body_size(value: object) -> None:
    """Refuse anything but None or a non-negative int (bool is not an int here)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("max_body_size must be a non-negative integer or None")
