"""Audit trail bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditRead(BaseModel):
    """One recorded write."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    actor_id: int | None
    actor: str | None
    action: str
    entity: str
    entity_id: int | None
    request_id: str | None
    changes: dict[str, Any] | None
