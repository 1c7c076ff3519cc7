"""The application: `create_app()` builds one; `app` is the one uvicorn serves.

uvicorn app.main:app          (from examples/bookstore; scripts/serve does this)
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from zephyr import FastAPI
from zephyr.middleware.cors import CORSMiddleware
from zephyr.middleware.gzip import GZipMiddleware

from .api.v1 import api_router, health
from .core.config import Settings, get_settings
from .core.errors import ErrorEnvelope, install_error_handlers
from .core.logging import configure_logging
from .core.request_id import HEADER, RequestIdMiddleware
from .core.security import Security
from .db import Database
from .services.feed import FeedHub

logger = logging.getLogger("bookstore")

API_PREFIX = "/api/v1"
# Documented once for every API route, in the envelope the error handlers produce.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorEnvelope} for code in (401, 403, 404, 409, 422)
}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the database (migrating it first, if configured) and close it at shutdown."""
    settings: Settings = app.state.settings
    database = Database(settings.database_url_resolved, echo=settings.database_echo)
    try:
        if settings.migrate_on_start:
            await database.migrate()
            logger.info("database migrated to %s", database.expected_revision)
        app.state.database = database
        yield
    finally:
        await app.state.feed.close()
        await database.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the bookstore app.

    Args:
        settings: The configuration; read from the environment when omitted.
    """
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    app = FastAPI(
        title=settings.app_name,
        version="1.0.0",
        description="A bookstore API: the Zephyr reference application.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.security = Security.from_settings(settings)
    app.state.feed = FeedHub()

    # The last added runs first: request ids wrap everything, so even CORS refusals and
    # compressed responses carry X-Request-ID.
    app.add_middleware(GZipMiddleware, minimum_size=settings.gzip_minimum_size)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=[HEADER],
    )
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)

    app.include_router(health.router)
    app.include_router(api_router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    return app


app = create_app()
