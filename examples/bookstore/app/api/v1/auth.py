"""Login: the OAuth2 password flow, answered with a JWT access token."""

from __future__ import annotations

from typing import Annotated

from zephyr import APIRouter, Depends, HTTPException, status
from zephyr.auth import Token
from zephyr.security import OAuth2PasswordRequestForm

from ...services import users as user_service
from ..deps import SecurityDep, SessionDep

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token")
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    security: SecurityDep,
) -> Token:
    """Exchange a user name and password for an access token."""
    user = await user_service.authenticate(
        session, security.passwords, form.username, form.password
    )
    if user is None:
        # One answer for unknown users, wrong passwords and disabled accounts alike.
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = security.tokens.issue(str(user.id), roles=[user.role.value])
    return Token(access_token=token, expires_in=security.tokens.ttl_seconds)
