"""Dependencies shared by the routers: the database session, the current user, roles, audit.

Per-app objects (engine, token keys, feed) live on `app.state`, set up by `create_app` and the
lifespan, so that tests can build as many independent apps as they like.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from sqlalchemy.ext.asyncio import AsyncSession

from zephyr import BackgroundTasks, Depends, HTTPException, Query, status
from zephyr.auth import InvalidTokenError
from zephyr.requests import HTTPConnection
from zephyr.security import OAuth2PasswordBearer

from ..core.config import Settings
from ..core.request_id import current_request_id
from ..core.security import Security
from ..db import Database
from ..models import Role, User
from ..services.audit import AuditEntry, write_audit_record
from ..services.feed import FeedHub

TOKEN_URL = "/api/v1/auth/token"
oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL)


def get_settings(connection: HTTPConnection) -> Settings:
    """Return the app's settings."""
    settings: Settings = connection.app.state.settings
    return settings


def get_database(connection: HTTPConnection) -> Database:
    """Return the app's database (opened by the lifespan)."""
    database: Database = connection.app.state.database
    return database


def get_security(connection: HTTPConnection) -> Security:
    """Return the app's password hasher and token service."""
    security: Security = connection.app.state.security
    return security


def get_feed(connection: HTTPConnection) -> FeedHub:
    """Return the app's live feed."""
    feed: FeedHub = connection.app.state.feed
    return feed


DatabaseDep = Annotated[Database, Depends(get_database)]
SecurityDep = Annotated[Security, Depends(get_security)]
FeedDep = Annotated[FeedHub, Depends(get_feed)]


async def get_session(database: DatabaseDep) -> AsyncIterator[AsyncSession]:
    """Open a session for one request; it is closed (and rolled back if left open) after."""
    async with database.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


def _invalid_credentials() -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)], security: SecurityDep, session: SessionDep
) -> User:
    """Return the active user the bearer token names.

    The user is read from the database on every request, so a role change or a disabled
    account takes effect at once rather than when the token expires.
    """
    try:
        claims = security.tokens.verify(token)
        user_id = int(claims.subject)
    except (InvalidTokenError, ValueError):
        raise _invalid_credentials() from None
    user = await session.get(User, user_id)
    if user is None:
        raise _invalid_credentials()
    if not user.is_active:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN, detail="This account is disabled"
        )
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def require_admin(user: CurrentUser) -> User:
    """Return the current user if they are an admin; 403 otherwise."""
    if user.role != Role.admin:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Admins only")
    return user


AdminUser = Annotated[User, Depends(require_admin)]


class PageParams:
    """`?cursor=...&limit=...` for every list endpoint."""

    def __init__(
        self,
        cursor: Annotated[str | None, Query(max_length=200, description="From next_cursor")] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> None:
        self.cursor = cursor
        self.limit = limit


PageDep = Annotated[PageParams, Depends()]


class Audit:
    """Record a write in the audit trail, after the response (a background task)."""

    def __init__(self, background: BackgroundTasks, database: DatabaseDep) -> None:
        self.background = background
        self.database = database

    def __call__(
        self,
        action: str,
        actor: User | None,
        entity: str,
        entity_id: int | None,
        changes: dict[str, Any] | None = None,
    ) -> None:
        """Schedule the audit record for this request's write."""
        entry = AuditEntry(
            action=action,
            entity=entity,
            entity_id=entity_id,
            actor_id=actor.id if actor else None,
            actor=actor.username if actor else None,
            request_id=current_request_id(),
            changes=changes,
        )
        self.background.add_task(write_audit_record, self.database.sessionmaker, entry)


AuditDep = Annotated[Audit, Depends()]
