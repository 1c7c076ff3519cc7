"""User bodies: sign-up, self-service changes, admin changes, and what the API shows."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from ..models import Role
from .common import reject_null

Username = Annotated[str, Field(min_length=3, max_length=50, pattern=r"^[A-Za-z0-9_.-]+$")]
# 8 is NIST SP 800-63B's minimum; the cap keeps hashing work per request bounded.
Password = Annotated[str, Field(min_length=8, max_length=128)]
FullName = Annotated[str, Field(max_length=100)]


class UserCreate(BaseModel):
    """A sign-up."""

    username: Username
    email: EmailStr
    password: Password
    full_name: FullName | None = None


class UserSelfUpdate(BaseModel):
    """What users may change about themselves; a new password needs the current one."""

    email: EmailStr | None = None
    full_name: FullName | None = None
    password: Password | None = None
    current_password: str | None = None

    _not_null = field_validator("email", "password")(reject_null)


class UserAdminUpdate(BaseModel):
    """What an admin may change about any user."""

    role: Role | None = None
    is_active: bool | None = None
    full_name: FullName | None = None

    _not_null = field_validator("role", "is_active")(reject_null)


class UserRead(BaseModel):
    """A user as the API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    email: str
    full_name: str | None
    role: Role
    is_active: bool
    created_at: datetime
