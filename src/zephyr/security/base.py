"""The base class every security scheme dependency derives from."""

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
