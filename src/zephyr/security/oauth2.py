"""OAuth2 helpers. `SecurityScopes` is part of the dependency-injection core."""

from __future__ import annotations

from collections.abc import Sequence


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
