"""The base class every security scheme dependency derives from."""

from __future__ import annotations

from typing import Any


class SecurityBase:
    """A dependency that is also a security scheme in the OpenAPI document.

    Attributes:
        model: The OpenAPI security scheme object for this scheme.
        scheme_name: The name the scheme is registered under in the document.
    """

    model: Any
    scheme_name: str
