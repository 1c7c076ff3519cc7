"""Users who can log in."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin


class Role(str, enum.Enum):
    """What a user may do: members add and edit the catalogue, admins also delete and manage."""

    admin = "admin"
    member = "member"


class User(TimestampMixin, Base):
    """A user account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Stored as plain text (no native enum, no CHECK) so adding a role needs no migration.
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, create_constraint=False, length=20), default=Role.member
    )
    is_active: Mapped[bool] = mapped_column(default=True)
