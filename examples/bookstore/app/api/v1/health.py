"""Liveness and readiness probes (outside /api/v1: they describe the process, not the API)."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from zephyr import APIRouter, Response, status

from ...schemas.health import Liveness, Readiness
from ..deps import DatabaseDep

router = APIRouter(prefix="/health", tags=["health"])
logger = logging.getLogger("bookstore.health")


@router.get("/live")
async def live() -> Liveness:
    """Answer as long as the process can serve requests at all."""
    return Liveness()


@router.get("/ready", responses={503: {"model": Readiness}})
async def ready(database: DatabaseDep, response: Response) -> Readiness:
    """Check that the database answers and is migrated to the version this code expects."""
    try:
        revision = await database.current_revision()
    except (SQLAlchemyError, OSError) as exc:
        logger.warning("readiness: database unreachable: %s", exc)
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Readiness(status="unavailable", database="unreachable")
    if revision != database.expected_revision:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Readiness(status="unavailable", database="not migrated", revision=revision)
    return Readiness(status="ok", database="ok", revision=revision)
