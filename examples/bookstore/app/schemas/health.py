"""Health check bodies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Liveness(BaseModel):
    """The process is up."""

    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    """Whether the app can serve: its database answers and is migrated."""

    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable", "not migrated"]
    revision: str | None = None
