"""Keyset ("cursor") pagination over a table's integer primary key.

The cursor is opaque to clients (base64 of a small JSON object) so that the ordering can
change later without breaking them. Keyset pagination stays fast on deep pages and never
skips or repeats a row when rows are added between two requests, unlike OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from .errors import DomainError


class InvalidCursorError(DomainError):
    """The cursor was not one this API handed out."""

    status_code = 422
    code = "invalid_cursor"


def encode_cursor(last_id: int) -> str:
    """Return the opaque cursor that continues after the row `last_id`."""
    raw = json.dumps({"after": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> int:
    """Return the row id a cursor continues after.

    Raises:
        InvalidCursorError: The cursor is malformed.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after: Any = json.loads(raw)["after"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise InvalidCursorError("The cursor is not valid", details={"cursor": cursor}) from None
    if not isinstance(after, int) or isinstance(after, bool):
        raise InvalidCursorError("The cursor is not valid", details={"cursor": cursor})
    return after


async def paginate(
    session: AsyncSession,
    query: Select[Any],
    key: InstrumentedAttribute[int],
    *,
    cursor: str | None,
    limit: int,
    descending: bool = False,
) -> tuple[Sequence[Any], str | None]:
    """Run `query` for one page ordered by `key`; return the rows and the next cursor."""
    if cursor is not None:
        after = decode_cursor(cursor)
        query = query.where(key < after if descending else key > after)
    query = query.order_by(key.desc() if descending else key.asc()).limit(limit + 1)
    rows = (await session.scalars(query)).all()
    # One extra row tells whether there is a next page without a COUNT query.
    if len(rows) <= limit:
        return rows, None
    page = rows[:limit]
    return page, encode_cursor(getattr(page[-1], key.key))
