"""Accounts: sign-up, your own profile, and user management for admins."""

from __future__ import annotations

from zephyr import APIRouter, status

from ...schemas.common import Page
from ...schemas.user import UserAdminUpdate, UserCreate, UserRead, UserSelfUpdate
from ...services import users as user_service
from ..deps import AdminUser, AuditDep, CurrentUser, PageDep, SecurityDep, SessionDep

router = APIRouter(prefix="/users", tags=["users"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def sign_up(
    data: UserCreate, session: SessionDep, security: SecurityDep, audit: AuditDep
) -> UserRead:
    """Create an account (as a member)."""
    user = await user_service.create_user(session, security.passwords, data)
    audit("user.created", user, "user", user.id, {"username": user.username})
    return UserRead.model_validate(user)


@router.get("/me")
async def read_me(user: CurrentUser) -> UserRead:
    """Return your own account."""
    return UserRead.model_validate(user)


@router.patch("/me")
async def update_me(
    data: UserSelfUpdate,
    user: CurrentUser,
    session: SessionDep,
    security: SecurityDep,
    audit: AuditDep,
) -> UserRead:
    """Change your email, name or password (a new password needs `current_password`)."""
    changes = await user_service.update_self(session, security.passwords, user, data)
    audit("user.updated", user, "user", user.id, changes)
    return UserRead.model_validate(user)


@router.get("")
async def list_users(_admin: AdminUser, session: SessionDep, page: PageDep) -> Page[UserRead]:
    """List every account (admins only)."""
    users, next_cursor = await user_service.list_users(
        session, cursor=page.cursor, limit=page.limit
    )
    return Page(items=[UserRead.model_validate(u) for u in users], next_cursor=next_cursor)


@router.patch("/{user_id}")
async def update_user(
    user_id: int, data: UserAdminUpdate, admin: AdminUser, session: SessionDep, audit: AuditDep
) -> UserRead:
    """Change a user's role, name or active flag (admins only)."""
    user, changes = await user_service.update_by_admin(session, user_id, data)
    audit("user.updated", admin, "user", user.id, changes)
    return UserRead.model_validate(user)


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: int, admin: AdminUser, session: SessionDep, audit: AuditDep) -> None:
    """Delete an account (admins only; not your own)."""
    await user_service.delete_user(session, user_id, admin)
    audit("user.deleted", admin, "user", user_id)
