"""HTTP authentication schemes (RFC 7235): Basic, Bearer, Digest and a generic base.

Every scheme reads the `Authorization` header from an `HTTPConnection`, so the same instance
works as a dependency of HTTP and WebSocket routes. When credentials are missing and
`auto_error` is on, each raises 401 `{"detail": "Not authenticated"}` with a
`WWW-Authenticate` header naming its scheme.
"""

import binascii
from base64 import b64decode

from pydantic import BaseModel
from starlette.requests import HTTPConnection
from starlette.status import HTTP_401_UNAUTHORIZED

from zephyr.exceptions import HTTPException
from zephyr.openapi.models import HTTPBase as HTTPBaseModel
from zephyr.openapi.models import HTTPBearer as HTTPBearerModel
from zephyr.security.base import SecurityBase
from zephyr.security.utils import get_authorization_scheme_param


class HTTPBasicCredentials(BaseModel):
    """The user name and password an `HTTPBasic` dependency decoded from the request.

    Attributes:
        username: The part of the decoded credentials before the first colon.
        password: The rest, after that colon (it may itself contain colons).
    """

    username: str
    password: str


class HTTPAuthorizationCredentials(BaseModel):
    """An `Authorization` header split at its first space.

    For `Authorization: Bearer abc`, `scheme` is `"Bearer"` (as sent, case kept) and
    `credentials` is `"abc"`.

    Attributes:
        scheme: The authentication scheme named by the client.
        credentials: The rest of the header value, stripped of surrounding whitespace.
    """

    scheme: str
    credentials: str


class HTTPBase(SecurityBase):
    """A generic HTTP authentication scheme; the base of the Basic, Bearer and Digest schemes.

    Used directly, it accepts any scheme and returns the header split into scheme and
    credentials.

    Args:
        scheme: The scheme's name in the OpenAPI document (e.g. `"basic"`).
        scheme_name: The name of the scheme in the document; the class name by default.
        description: A description for the document.
        auto_error: Raise 401 when credentials are missing (True) or return None (False).
    """

    model: HTTPBaseModel

    def __init__(
        self,
        *,
        scheme: str,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        self.model = HTTPBaseModel(scheme=scheme, description=description)
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error

    def make_authenticate_headers(self) -> dict[str, str]:
        """Return the `WWW-Authenticate` header a 401 from this scheme carries."""
        return {"WWW-Authenticate": self.model.scheme.title()}

    def make_not_authenticated_error(self) -> HTTPException:
        """Build the 401 raised when the request carries no usable credentials."""
        return HTTPException(
            status_code=HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers=self.make_authenticate_headers(),
        )

    async def __call__(self, request: HTTPConnection) -> HTTPAuthorizationCredentials | None:
        """Return the request's credentials, whatever their scheme.

        Raises:
            HTTPException: 401 when the header or its credentials are missing and
                `auto_error` is on.
        """
        return self._credentials(request, None)

    def _credentials(
        self, request: HTTPConnection, expected: str | None
    ) -> HTTPAuthorizationCredentials | None:
        """Split the `Authorization` header; refuse it if empty or not the `expected` scheme."""
        authorization = request.headers.get("Authorization")
        scheme, credentials = get_authorization_scheme_param(authorization)
        usable = bool(authorization and scheme and credentials)
        if usable and (expected is None or scheme.lower() == expected):
            return HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials)
        if self.auto_error:
            raise self.make_not_authenticated_error()
        return None


class HTTPBasic(HTTPBase):
    """HTTP Basic authentication (RFC 7617): a base64-encoded `user:password` pair.

    The dependency returns `HTTPBasicCredentials`. A missing header, or one with another
    scheme, is a 401 (or None with `auto_error=False`). Credentials that are present but
    cannot be decoded (bad base64, not ASCII, no colon) are always a 401, whatever
    `auto_error` says: the client did try to authenticate, and failed.

    Args:
        scheme_name: The name of the scheme in the document; the class name by default.
        realm: The protection space sent back in `WWW-Authenticate` (`Basic realm="..."`).
        description: A description for the document.
        auto_error: Raise 401 when credentials are missing (True) or return None (False).
    """

    def __init__(
        self,
        *,
        scheme_name: str | None = None,
        realm: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        super().__init__(
            scheme="basic", scheme_name=scheme_name, description=description, auto_error=auto_error
        )
        self.realm = realm

    def make_authenticate_headers(self) -> dict[str, str]:
        """Return `WWW-Authenticate: Basic`, with the realm when one is set."""
        if self.realm:
            return {"WWW-Authenticate": f'Basic realm="{self.realm}"'}
        return {"WWW-Authenticate": "Basic"}

    async def __call__(  # type: ignore[override]
        self, request: HTTPConnection
    ) -> HTTPBasicCredentials | None:
        """Return the decoded user name and password.

        Raises:
            HTTPException: 401 when the credentials are missing (with `auto_error`), or
                present but malformed (always).
        """
        authorization = request.headers.get("Authorization")
        scheme, param = get_authorization_scheme_param(authorization)
        if not authorization or scheme.lower() != "basic":
            if self.auto_error:
                raise self.make_not_authenticated_error()
            return None
        try:
            decoded = b64decode(param).decode("ascii")
        except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
            raise self.make_not_authenticated_error() from exc
        username, colon, password = decoded.partition(":")
        if not colon:
            raise self.make_not_authenticated_error()
        return HTTPBasicCredentials(username=username, password=password)


class HTTPBearer(HTTPBase):
    """HTTP Bearer token authentication (RFC 6750).

    The dependency returns `HTTPAuthorizationCredentials` whose `credentials` is the token.
    A missing header, an empty token or another scheme is a 401 with
    `WWW-Authenticate: Bearer` (or None with `auto_error=False`).

    Args:
        bearerFormat: A hint for the document about the token's format (e.g. `"JWT"`).
        scheme_name: The name of the scheme in the document; the class name by default.
        description: A description for the document.
        auto_error: Raise 401 when credentials are missing (True) or return None (False).
    """

    model: HTTPBearerModel

    def __init__(
        self,
        *,
        bearerFormat: str | None = None,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        self.model = HTTPBearerModel(bearerFormat=bearerFormat, description=description)
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error

    async def __call__(self, request: HTTPConnection) -> HTTPAuthorizationCredentials | None:
        """Return the bearer token.

        Raises:
            HTTPException: 401 when the token is missing or the scheme is not Bearer, and
                `auto_error` is on.
        """
        return self._credentials(request, "bearer")


class HTTPDigest(HTTPBase):
    """HTTP Digest authentication (RFC 7616), declared but not verified.

    It only checks that the client sent `Authorization: Digest ...` and hands back the raw
    parameters; computing and checking the digest is the application's job (subclass it).

    Args:
        scheme_name: The name of the scheme in the document; the class name by default.
        description: A description for the document.
        auto_error: Raise 401 when credentials are missing (True) or return None (False).
    """

    def __init__(
        self,
        *,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        super().__init__(
            scheme="digest", scheme_name=scheme_name, description=description, auto_error=auto_error
        )

    async def __call__(self, request: HTTPConnection) -> HTTPAuthorizationCredentials | None:
        """Return the digest parameters as sent.

        Raises:
            HTTPException: 401 when they are missing or the scheme is not Digest, and
                `auto_error` is on.
        """
        return self._credentials(request, "digest")
