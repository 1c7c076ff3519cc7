"""The base class every security scheme dependency derives from."""

from typing import ClassVar

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection
from starlette.status import HTTP_401_UNAUTHORIZED

from zephyr.exceptions import HTTPException
from zephyr.openapi.models import SecurityBase as SecurityBaseModel


class SecurityBase:
    """A dependency that is also a security scheme in the OpenAPI document.

    The dependency engine treats instances specially: the OAuth2 scopes of the `Security(...)`
    that uses one become part of its cache key, and the OpenAPI generator lists it under
    `components.securitySchemes`.

    Attributes:
        model: The OpenAPI security scheme object for this scheme.
        scheme_name: The name the scheme is registered under in the document.
    """

    model: SecurityBaseModel
    scheme_name: str


class AuthorizationHeaderScheme(SecurityBase):
    """A scheme whose dependency returns the raw `Authorization` header (OAuth2, OpenID Connect).

    A missing or empty header is a 401 challenging with `Bearer`, the token type these schemes
    hand out (or None with `auto_error=False`).
    """

    auto_error: bool
    # The exception class of that 401 (FastAPI's OpenIdConnect raises Starlette's own).
    error_class: ClassVar[type[StarletteHTTPException]] = HTTPException

    def make_not_authenticated_error(self) -> StarletteHTTPException:
        """Build the 401 raised when no usable token was sent."""
        return self.error_class(
            status_code=HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )

    async def __call__(self, request: HTTPConnection) -> str | None:
        """Return the `Authorization` header as sent.

        Raises:
            HTTPException: 401 when it is missing or empty and `auto_error` is on.
        """
        authorization = request.headers.get("Authorization")
        if authorization:
            return authorization
        if self.auto_error:
            raise self.make_not_authenticated_error()
        return None
