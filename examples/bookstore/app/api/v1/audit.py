"""The audit trail, for admins."""

from __future__ import annotations

from zephyr import APIRouter

from ...schemas.audit import AuditRead
from ...schemas.common import Page
from ...services.audit import list_audit
from ..deps import AdminUser, PageDep, SessionDep

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("")
async def read_audit(_admin: AdminUser, session: SessionDep, page: PageDep) -> Page[AuditRead]:
    """List recorded writes, newest first (admins only)."""
    records, next_cursor = await list_audit(session, cursor=page.cursor, limit=page.limit)
    return Page(items=[AuditRead.model_validate(r) for r in records], next_cursor=next_cursor)
