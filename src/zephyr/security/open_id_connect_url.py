"""OpenID Connect discovery as a security scheme."""

from starlette.exceptions import HTTPException

from zephyr.openapi.models import OpenIdConnect as OpenIdConnectModel
from zephyr.security.base import AuthorizationHeaderScheme


class OpenIdConnect(AuthorizationHeaderScheme):
    """An OpenID Connect scheme, documented by its discovery URL.

    The dependency returns the raw `Authorization` header value (scheme included); validating
    the token against the provider is the application's job. A missing header is a 401 with
    `WWW-Authenticate: Bearer` (or None with `auto_error=False`).

    Args:
        openIdConnectUrl: The provider's `.well-known/openid-configuration` URL.
        scheme_name: The name of the scheme in the document; the class name by default.
        description: A description for the document.
        auto_error: Raise 401 when the header is missing (True) or return None (False).
    """

    model: OpenIdConnectModel
    error_class = HTTPException  # Starlette's, as FastAPI's OpenIdConnect raises

    def __init__(
        self,
        *,
        openIdConnectUrl: str,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        self.model = OpenIdConnectModel(openIdConnectUrl=openIdConnectUrl, description=description)
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error
