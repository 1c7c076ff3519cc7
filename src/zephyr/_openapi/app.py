"""The application's OpenAPI hooks: docs routes and `app.openapi()`.

Issue 4 builds the generator; until then the app adds no docs routes and `app.openapi()`
says so plainly.
"""

from __future__ import annotations

from typing import Any


def setup_docs(app: Any) -> None:
    """Add /openapi.json, /docs and /redoc to the app (not yet: issue 4)."""


def app_openapi(app: Any) -> dict[str, Any]:
    """Return the app's OpenAPI document (not yet: issue 4)."""
    raise NotImplementedError("OpenAPI generation is not implemented yet (issue 4)")
