"""API keys carried in a query parameter, a header or a cookie.

The dependency returns the key as a string; checking it is the application's job. A missing or
empty key is a 401 `{"detail": "Not authenticated"}` with `WWW-Authenticate: APIKey` (no
standard names a challenge for API keys, but RFC 9110 wants one on every 401).
"""

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection
from starlette.status import HTTP_401_UNAUTHORIZED

from zephyr.openapi.models import APIKey, APIKeyIn
from zephyr.security.base import SecurityBase


class APIKeyBase(SecurityBase):
    """What the three API key locations share: the document model and the missing-key rule.

    Args:
        location: Where the key is read from.
        name: The query parameter, header or cookie name.
        description: A description for the document.
        scheme_name: The name of the scheme in the document; the class name by default.
        auto_error: Raise 401 when the key is missing (True) or return None (False).
    """

    model: APIKey

    def __init__(
        self,
        location: APIKeyIn,
        name: str,
        description: str | None,
        scheme_name: str | None,
        auto_error: bool,
    ) -> None:
        self.auto_error = auto_error
        self.model = APIKey.model_validate(
            {"in": location, "name": name, "description": description}
        )
        self.scheme_name = scheme_name or type(self).__name__

    def make_not_authenticated_error(self) -> HTTPException:
        """Build the 401 raised when the request carries no key."""
        return HTTPException(
            status_code=HTTP_401_UNAUTHORIZED,
            detail="Not authenticated",
            headers={"WWW-Authenticate": "APIKey"},
        )

    def check_api_key(self, api_key: str | None) -> str | None:
        """Return the key, or apply the missing-key rule when it is absent or empty.

        Raises:
            HTTPException: 401 when the key is missing and `auto_error` is on.
        """
        if api_key:
            return api_key
        if self.auto_error:
            raise self.make_not_authenticated_error()
        return None


class APIKeyQuery(APIKeyBase):
    """An API key in a query parameter, e.g. `?api_key=...`.

    Args:
        name: The query parameter's name.
        scheme_name: The name of the scheme in the document; the class name by default.
        description: A description for the document.
        auto_error: Raise 401 when the key is missing (True) or return None (False).
    """

    def __init__(
        self,
        *,
        name: str,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        super().__init__(APIKeyIn.query, name, description, scheme_name, auto_error)

    async def __call__(self, request: HTTPConnection) -> str | None:
        """Return the key from the query string (the first value if repeated)."""
        return self.check_api_key(request.query_params.get(self.model.name))


class APIKeyHeader(APIKeyBase):
    """An API key in a request header, e.g. `X-API-Key: ...`.

    Args:
        name: The header's name (matched case-insensitively).
        scheme_name: The name of the scheme in the document; the class name by default.
        description: A description for the document.
        auto_error: Raise 401 when the key is missing (True) or return None (False).
    """

    def __init__(
        self,
        *,
        name: str,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        super().__init__(APIKeyIn.header, name, description, scheme_name, auto_error)

    async def __call__(self, request: HTTPConnection) -> str | None:
        """Return the key from the header."""
        return self.check_api_key(request.headers.get(self.model.name))


class APIKeyCookie(APIKeyBase):
    """An API key in a cookie.

    Args:
        name: The cookie's name.
        scheme_name: The name of the scheme in the document; the class name by default.
        description: A description for the document.
        auto_error: Raise 401 when the key is missing (True) or return None (False).
    """

    def __init__(
        self,
        *,
        name: str,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        super().__init__(APIKeyIn.cookie, name, description, scheme_name, auto_error)

    async def __call__(self, request: HTTPConnection) -> str | None:
        """Return the key from the cookie."""
        return self.check_api_key(request.cookies.get(self.model.name))
