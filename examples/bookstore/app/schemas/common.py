"""Shapes shared by several endpoints."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next_cursor` back as `cursor` for the next one."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Opaque; null on the last page.", examples=["eyJpZCI6IDQyfQ"]
    )


def reject_null(value: object) -> object:
    """Refuse an explicit null for a field that PATCH may omit but not clear."""
    if value is None:
        raise ValueError("may be omitted but not null")
    return value
