"""Errors the business logic raises; the API layer turns them into HTTP answers."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the business rules refuse.

    Attributes:
        status_code: The HTTP status the API answers with.
        code: A stable, machine-readable error code for clients.
        message: A sentence for humans.
        details: Optional structured details (e.g. which field).
    """

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class NotFoundError(DomainError):
    """The thing asked for does not exist."""

    status_code = 404
    code = "not_found"


class ConflictError(DomainError):
    """The change would clash with existing data (a taken name, a row still referenced)."""

    status_code = 409
    code = "conflict"


class InvalidReferenceError(DomainError):
    """A field names a row that does not exist (e.g. an unknown author id)."""

    status_code = 422
    code = "invalid_reference"
