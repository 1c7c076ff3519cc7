"""Accounts: sign-up, login, profile and role changes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from zephyr.auth import PasswordHasher

from ..models import Role, User
from ..schemas.user import UserAdminUpdate, UserCreate, UserSelfUpdate
from .errors import ConflictError, DomainError, NotFoundError
from .pagination import paginate


async def get_user(session: AsyncSession, user_id: int) -> User:
    """Return the user with this id.

    Raises:
        NotFoundError: There is none.
    """
    user = await session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"User {user_id} not found")
    return user


async def get_by_username(session: AsyncSession, username: str) -> User | None:
    """Return the user with this user name, if any."""
    return await session.scalar(select(User).where(User.username == username))


async def _check_free(
    session: AsyncSession, username: str | None, email: str | None, exclude_id: int | None = None
) -> None:
    query = select(User.username, User.email).where(
        or_(User.username == username, User.email == email)
    )
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    for taken_username, taken_email in (await session.execute(query)).all():
        if taken_username == username:
            raise ConflictError("That user name is taken", code="username_taken")
        if taken_email == email:
            raise ConflictError("That email address is already registered", code="email_taken")


async def _commit(session: AsyncSession) -> None:
    # The checks above can race with another request; the unique constraints cannot.
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise ConflictError("The user name or email address is taken") from None


async def create_user(
    session: AsyncSession, hasher: PasswordHasher, data: UserCreate, role: Role = Role.member
) -> User:
    """Register a new user.

    Raises:
        ConflictError: The user name or the email address is taken.
    """
    await _check_free(session, data.username, str(data.email))
    user = User(
        username=data.username,
        email=str(data.email),
        full_name=data.full_name,
        password_hash=hasher.hash(data.password),
        role=role,
    )
    session.add(user)
    await _commit(session)
    return user


async def authenticate(
    session: AsyncSession, hasher: PasswordHasher, username: str, password: str
) -> User | None:
    """Return the active user these credentials belong to, or None.

    Takes as long for an unknown user as for a wrong password, so timing does not tell which
    user names exist; upgrades the stored hash when the hashing parameters were raised.
    """
    user = await get_by_username(session, username)
    valid, new_hash = hasher.verify_and_update(password, user.password_hash if user else None)
    if user is None or not valid or not user.is_active:
        return None
    if new_hash is not None:
        user.password_hash = new_hash
        await session.commit()
    return user


async def update_self(
    session: AsyncSession, hasher: PasswordHasher, user: User, data: UserSelfUpdate
) -> dict[str, object]:
    """Apply a user's changes to their own account; return what changed (no secrets).

    Raises:
        DomainError: A new password without the correct current password.
        ConflictError: The new email address is taken.
    """
    changes = data.model_dump(exclude_unset=True, exclude={"password", "current_password"})
    if data.password is not None:
        current = data.current_password or ""
        if not hasher.verify(current, user.password_hash):
            raise DomainError(
                "The current password is required to set a new one",
                code="current_password_invalid",
            )
        user.password_hash = hasher.hash(data.password)
    if "email" in changes:
        changes["email"] = str(changes["email"])
        await _check_free(session, None, changes["email"], exclude_id=user.id)
    for field, value in changes.items():
        setattr(user, field, value)
    await _commit(session)
    return {**changes, **({"password": "changed"} if data.password is not None else {})}


async def update_by_admin(
    session: AsyncSession, user_id: int, data: UserAdminUpdate
) -> tuple[User, dict[str, object]]:
    """Apply an admin's changes to a user; return the user and what changed.

    Raises:
        NotFoundError: No such user.
    """
    user = await get_user(session, user_id)
    changes = data.model_dump(exclude_unset=True, mode="json")
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(user, field, value)
    await session.commit()
    return user, changes


async def delete_user(session: AsyncSession, user_id: int, acting_user: User) -> None:
    """Delete a user (not yourself: an admin could lock everyone out).

    Raises:
        NotFoundError: No such user.
        ConflictError: Deleting your own account.
    """
    if user_id == acting_user.id:
        raise ConflictError("You cannot delete your own account", code="cannot_delete_self")
    user = await get_user(session, user_id)
    await session.delete(user)
    await session.commit()


async def list_users(
    session: AsyncSession, *, cursor: str | None, limit: int
) -> tuple[Sequence[User], str | None]:
    """Return a page of users, oldest first."""
    return await paginate(session, select(User), User.id, cursor=cursor, limit=limit)
