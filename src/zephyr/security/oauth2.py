"""OAuth2: the password-flow login form, bearer-token schemes and `SecurityScopes`.

`SecurityScopes` is part of the dependency-injection core: the engine fills a parameter of that
type with the scopes of every `Security(...)` on the path from the endpoint.
"""

# No `from __future__ import annotations`: the form classes' `Annotated[..., Form()]` parameters
# are read by the dependency analyser, and real objects there need no evaluation step.
from collections.abc import Sequence
from typing import Annotated, Any

from starlette.requests import HTTPConnection

from zephyr.openapi.models import OAuth2 as OAuth2Model
from zephyr.openapi.models import OAuthFlows as OAuthFlowsModel
from zephyr.param_functions import Form
from zephyr.security.base import AuthorizationHeaderScheme
from zephyr.security.utils import get_authorization_scheme_param


class OAuth2PasswordRequestForm:
    """The login form of the OAuth2 password flow, as a class dependency.

    Use it as `form: Annotated[OAuth2PasswordRequestForm, Depends()]` on the token endpoint.
    The fields are read from a urlencoded or multipart form; `grant_type` may be omitted but,
    when sent, must be `"password"` (use `OAuth2PasswordRequestFormStrict` to require it).

    Attributes:
        grant_type: `"password"` or None.
        username: The user name, under the field name the OAuth2 spec fixes.
        password: The password.
        scopes: The requested scopes: the space-separated `scope` field, split.
        client_id: A client id sent in the form (RFC 6749 prefers HTTP Basic for it).
        client_secret: A client secret sent in the form.
    """

    def __init__(
        self,
        *,
        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
        username: Annotated[str, Form()],
        password: Annotated[str, Form(json_schema_extra={"format": "password"})],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
    ) -> None:
        self.grant_type = grant_type
        self.username = username
        self.password = password
        self.scopes = scope.split()
        self.client_id = client_id
        self.client_secret = client_secret


class OAuth2PasswordRequestFormStrict(OAuth2PasswordRequestForm):
    """The password-flow login form with `grant_type=password` required, as RFC 6749 says.

    Same attributes as `OAuth2PasswordRequestForm`.
    """

    def __init__(
        self,
        grant_type: Annotated[str, Form(pattern="^password$")],
        username: Annotated[str, Form()],
        password: Annotated[str, Form()],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form()] = None,
    ) -> None:
        super().__init__(
            grant_type=grant_type,
            username=username,
            password=password,
            scope=scope,
            client_id=client_id,
            client_secret=client_secret,
        )


class OAuth2(AuthorizationHeaderScheme):
    """A generic OAuth2 scheme, described by its flows; the base of the bearer schemes.

    The dependency returns the raw `Authorization` header value (scheme included).

    Args:
        flows: The flows for the document, as an `OAuthFlows` model or a plain dict.
        scheme_name: The name of the scheme in the document; the class name by default.
        description: A description for the document.
        auto_error: Raise 401 when the header is missing (True) or return None (False).
    """

    model: OAuth2Model

    def __init__(
        self,
        *,
        flows: OAuthFlowsModel | dict[str, dict[str, Any]] | None = None,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        self.model = OAuth2Model.model_validate(
            {"flows": OAuthFlowsModel() if flows is None else flows, "description": description}
        )
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error

    def _bearer_token(self, request: HTTPConnection) -> str | None:
        """Return the token of an `Authorization: Bearer <token>` header (possibly empty)."""
        authorization = request.headers.get("Authorization")
        scheme, token = get_authorization_scheme_param(authorization)
        if authorization and scheme.lower() == "bearer":
            return token
        if self.auto_error:
            raise self.make_not_authenticated_error()
        return None


class OAuth2PasswordBearer(OAuth2):
    """A bearer token obtained with the OAuth2 password flow.

    The dependency returns the token (the header value after `Bearer `). A missing header or
    another scheme is a 401 with `WWW-Authenticate: Bearer` (or None with
    `auto_error=False`). The token is not checked: verify it in your own dependency.

    Args:
        tokenUrl: The URL the client posts the login form to, relative to the app.
        scheme_name: The name of the scheme in the document; the class name by default.
        scopes: The scopes the app knows, mapped to their descriptions.
        description: A description for the document.
        auto_error: Raise 401 when the token is missing (True) or return None (False).
        refreshUrl: The URL to refresh a token at, for the document.
    """

    def __init__(
        self,
        tokenUrl: str,
        scheme_name: str | None = None,
        scopes: dict[str, str] | None = None,
        description: str | None = None,
        auto_error: bool = True,
        refreshUrl: str | None = None,
    ) -> None:
        password = {"tokenUrl": tokenUrl, "refreshUrl": refreshUrl, "scopes": scopes or {}}
        super().__init__(
            flows=OAuthFlowsModel.model_validate({"password": password}),
            scheme_name=scheme_name,
            description=description,
            auto_error=auto_error,
        )

    async def __call__(self, request: HTTPConnection) -> str | None:
        """Return the bearer token.

        Raises:
            HTTPException: 401 when the header is missing or not Bearer and `auto_error` is on.
        """
        return self._bearer_token(request)


class OAuth2AuthorizationCodeBearer(OAuth2):
    """A bearer token obtained with the OAuth2 authorization-code flow.

    Behaves as `OAuth2PasswordBearer`; only the flow in the document differs.

    Args:
        authorizationUrl: Where the user is sent to authorise the client.
        tokenUrl: Where the client exchanges the code for a token.
        refreshUrl: Where a token is refreshed, for the document.
        scheme_name: The name of the scheme in the document; the class name by default.
        scopes: The scopes the app knows, mapped to their descriptions.
        description: A description for the document.
        auto_error: Raise 401 when the token is missing (True) or return None (False).
    """

    def __init__(
        self,
        authorizationUrl: str,
        tokenUrl: str,
        refreshUrl: str | None = None,
        scheme_name: str | None = None,
        scopes: dict[str, str] | None = None,
        description: str | None = None,
        auto_error: bool = True,
    ) -> None:
        code = {
            "authorizationUrl": authorizationUrl,
            "tokenUrl": tokenUrl,
            "refreshUrl": refreshUrl,
            "scopes": scopes or {},
        }
        super().__init__(
            flows=OAuthFlowsModel.model_validate({"authorizationCode": code}),
            scheme_name=scheme_name,
            description=description,
            auto_error=auto_error,
        )

    async def __call__(self, request: HTTPConnection) -> str | None:
        """Return the bearer token.

        Raises:
            HTTPException: 401 when the header is missing or not Bearer and `auto_error` is on.
        """
        return self._bearer_token(request)


class SecurityScopes:
    """The OAuth2 scopes required by the dependants that use a dependency.

    A dependency that declares a `SecurityScopes` parameter receives the union, in declaration
    order, of the scopes of every `Security(...)` on its path from the endpoint.

    Attributes:
        scopes: The scopes, in the order they were declared.
        scope_str: The scopes joined with spaces, as an OAuth2 `WWW-Authenticate` header wants.
    """

    def __init__(self, scopes: Sequence[str] | None = None) -> None:
        self.scopes: list[str] = list(scopes or [])
        self.scope_str: str = " ".join(self.scopes)
