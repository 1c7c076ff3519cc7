"""`TokenAuth`: access tokens as dependencies — verified claims, the current user, scope and
role checks.

Responses, chosen so that a client learns nothing about why a token was refused:

* no token: 401 `{"detail": "Not authenticated"}`, `WWW-Authenticate: Bearer` (the scheme's
  own answer, as FastAPI's `OAuth2PasswordBearer` gives it);
* any invalid token (expired, forged, wrong audience, unknown key, too large, unknown user...):
  401 `{"detail": "Could not validate credentials"}`, `WWW-Authenticate: Bearer
  error="invalid_token"` — byte for byte the same whatever the reason;
* a valid token without a required scope: 403 `{"detail": "Not enough permissions"}`,
  `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."` (RFC 6750 section 3.1);
* a valid token without a required role: 403 `{"detail": "Not enough permissions"}`.
"""

# No `from __future__ import annotations`: the dependency functions built below are closures
# whose `Annotated[..., Depends(...)]` parameters must be real objects for the analyser.
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel
from starlette.status import HTTP_401_UNAUTHORIZED, HTTP_403_FORBIDDEN

from zephyr._pipeline.callables import is_coroutine_callable
from zephyr.auth.tokens import AccessTokens, Claims, InvalidTokenError
from zephyr.exceptions import HTTPException
from zephyr.param_functions import Depends
from zephyr.security.http import HTTPAuthorizationCredentials, HTTPBearer
from zephyr.security.oauth2 import OAuth2PasswordBearer, SecurityScopes

__all__ = ["Token", "TokenAuth", "forbidden", "insufficient_scope", "invalid_credentials"]

UserT = TypeVar("UserT")
ClaimsDependency = Callable[..., Awaitable[Claims]]


class Token(BaseModel):
    """The body of a successful token response (RFC 6749 section 5.1)."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int


def invalid_credentials() -> HTTPException:
    """Build the one 401 every refused token gets, whatever the reason."""
    return HTTPException(
        status_code=HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def insufficient_scope(required: Iterable[str]) -> HTTPException:
    """Build the 403 for a valid token that lacks some of the `required` scopes."""
    # Scope names come from the application's own declarations; quotes would break the header.
    scope = " ".join(required).replace("\\", "").replace('"', "")
    return HTTPException(
        status_code=HTTP_403_FORBIDDEN,
        detail="Not enough permissions",
        headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
    )


def forbidden() -> HTTPException:
    """Build the 403 for a valid token that lacks a required role."""
    return HTTPException(status_code=HTTP_403_FORBIDDEN, detail="Not enough permissions")


def _claims_dependency(tokens: AccessTokens, scheme: Callable[..., Any]) -> ClaimsDependency:
    """Build the dependency that verifies the request's token and its `Security` scopes."""

    async def verified_claims(
        security_scopes: SecurityScopes,
        credentials: Annotated[Any, Depends(scheme)],
    ) -> Claims:
        token = (
            credentials.credentials
            if isinstance(credentials, HTTPAuthorizationCredentials)
            else credentials
        )
        try:
            claims = tokens.verify(token)
        except InvalidTokenError:
            raise invalid_credentials() from None
        if not claims.has_scopes(security_scopes.scopes):
            raise insufficient_scope(security_scopes.scopes)
        return claims

    return verified_claims


def _user_dependency(
    claims_dependency: ClaimsDependency, loader: Callable[[Claims], Any]
) -> Callable[..., Any]:
    """Build the dependency that loads the user a verified token names.

    An async loader gives an async dependency; a plain function gives a plain one, which the
    engine runs in its worker thread like any other sync dependency.
    """
    if is_coroutine_callable(loader):

        async def current_user_async(
            claims: Annotated[Claims, Depends(claims_dependency)],
        ) -> Any:
            user = await loader(claims)
            if user is None:
                raise invalid_credentials()
            return user

        return current_user_async

    def current_user(claims: Annotated[Claims, Depends(claims_dependency)]) -> Any:
        user = loader(claims)
        if user is None:
            raise invalid_credentials()
        return user

    return current_user


class TokenAuth(Generic[UserT]):
    """Bearer-token authentication for an app, built on `AccessTokens`.

    Use `Depends(auth.claims)` for the verified `Claims`, `Depends(auth.current_user)` for the
    user your loader returns, and `Security(auth.current_user, scopes=[...])` (or
    `Security(auth.claims, ...)`) to require scopes, as FastAPI's OAuth2 scopes tutorial does.

    Args:
        tokens: What issues and verifies the tokens.
        token_url: The login URL; given, the scheme is `OAuth2PasswordBearer` (the password
            flow, as in the docs' "Authorize" button), else `HTTPBearer`.
        scopes: The scopes the app knows, with descriptions, for the OpenAPI document.
        user_loader: Maps verified claims to your user (plain or async); None means
            "no such user" and is answered as an invalid token.
        scheme_name: The security scheme's name in the OpenAPI document.
        description: The security scheme's description in the OpenAPI document.
    """

    def __init__(
        self,
        tokens: AccessTokens,
        *,
        token_url: str | None = None,
        scopes: Mapping[str, str] | None = None,
        user_loader: Callable[[Claims], UserT | Awaitable[UserT | None] | None] | None = None,
        scheme_name: str | None = None,
        description: str | None = None,
    ) -> None:
        self.tokens = tokens
        self.scheme: OAuth2PasswordBearer | HTTPBearer
        if token_url is not None:
            self.scheme = OAuth2PasswordBearer(
                tokenUrl=token_url,
                scopes=dict(scopes or {}),
                scheme_name=scheme_name,
                description=description,
            )
        else:
            self.scheme = HTTPBearer(
                bearerFormat="JWT", scheme_name=scheme_name, description=description
            )
        self.claims: ClaimsDependency = _claims_dependency(tokens, self.scheme)
        self._current_user = (
            None if user_loader is None else _user_dependency(self.claims, user_loader)
        )

    def __repr__(self) -> str:
        return f"TokenAuth(tokens={self.tokens!r}, scheme={type(self.scheme).__name__})"

    __str__ = __repr__

    @property
    def current_user(self) -> Callable[..., UserT | Awaitable[UserT]]:
        """The dependency that yields the current user (needs `user_loader`).

        Raises:
            RuntimeError: No `user_loader` was given.
        """
        if self._current_user is None:
            raise RuntimeError("TokenAuth.current_user needs TokenAuth(..., user_loader=...)")
        return self._current_user

    def require_scopes(self, *scopes: str) -> ClaimsDependency:
        """Return a dependency that requires all `scopes` and yields the claims.

        The same as `Security(auth.claims, scopes=[...])`, usable in `Depends(...)` and in
        `dependencies=[...]`.
        """
        required = list(scopes)

        async def scopes_granted(claims: Annotated[Claims, Depends(self.claims)]) -> Claims:
            if not claims.has_scopes(required):
                raise insufficient_scope(required)
            return claims

        return scopes_granted

    def require_roles(self, *roles: str, any_of: bool = False) -> ClaimsDependency:
        """Return a dependency that requires all (or, with `any_of`, one) of `roles`."""
        required = list(roles)
        if not required:
            raise ValueError("require_roles() needs at least one role")

        async def roles_held(claims: Annotated[Claims, Depends(self.claims)]) -> Claims:
            if not claims.has_roles(required, any_of=any_of):
                raise forbidden()
            return claims

        return roles_held

    def token_response(
        self, subject: str, *, scopes: Iterable[str] = (), roles: Iterable[str] = ()
    ) -> Token:
        """Issue a token and wrap it as the body a token endpoint returns."""
        token = self.tokens.issue(subject, scopes=scopes, roles=roles)
        return Token(access_token=token, expires_in=self.tokens.ttl_seconds)
