"""Log configuration: every line carries the id of the request it was written for."""

from __future__ import annotations

import logging

from .request_id import current_request_id

FORMAT = "%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamp each record with the current request id ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


def configure_logging(level: str = "INFO") -> None:
    """Send the app's logs (the `bookstore` logger tree) to stderr with request ids.

    Only the app's own logger is configured, so uvicorn's logging and a test runner's capture
    keep working; records still propagate to the root logger.
    """
    logger = logging.getLogger("bookstore")
    logger.setLevel(level.upper())
    if not any(isinstance(h, _BookstoreHandler) for h in logger.handlers):
        handler = _BookstoreHandler()
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)


class _BookstoreHandler(logging.StreamHandler):  # type: ignore[type-arg]  # generic in typeshed only
    """The handler `configure_logging` installs (a class of its own so it is added once)."""
