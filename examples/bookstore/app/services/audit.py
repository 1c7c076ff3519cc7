"""The audit trail, written by a background task after the response has been sent."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..models import AuditRecord
from .pagination import paginate

logger = logging.getLogger("bookstore.audit")


@dataclass(frozen=True)
class AuditEntry:
    """One write to record."""

    action: str
    entity: str
    entity_id: int | None
    actor_id: int | None
    actor: str | None
    request_id: str | None
    changes: dict[str, Any] | None = field(default=None)


async def write_audit_record(
    sessionmaker: async_sessionmaker[AsyncSession], entry: AuditEntry
) -> None:
    """Store `entry` in its own session (the request's session is closed by now).

    A failure is logged, not raised: the client already has its answer, and an audit
    outage must not turn into errors on the server's event loop.
    """
    try:
        async with sessionmaker() as session:
            session.add(
                AuditRecord(
                    action=entry.action,
                    entity=entry.entity,
                    entity_id=entry.entity_id,
                    actor_id=entry.actor_id,
                    actor=entry.actor,
                    request_id=entry.request_id,
                    changes=entry.changes,
                )
            )
            await session.commit()
    except Exception:
        logger.exception("could not write the audit record for %s", entry.action)
    else:
        logger.info(
            "audit: %s %s %s by %s", entry.action, entry.entity, entry.entity_id, entry.actor
        )


async def list_audit(
    session: AsyncSession, *, cursor: str | None, limit: int
) -> tuple[Sequence[AuditRecord], str | None]:
    """Return a page of the audit trail, newest first."""
    return await paginate(
        session, select(AuditRecord), AuditRecord.id, cursor=cursor, limit=limit, descending=True
    )
