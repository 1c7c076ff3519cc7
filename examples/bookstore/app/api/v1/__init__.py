"""Version 1 of the API, mounted under /api/v1."""

from zephyr import APIRouter

from . import audit, auth, authors, books, feed, users

api_router = APIRouter()
api_router.include_router(auth.router)
api_router.include_router(users.router)
api_router.include_router(authors.router)
api_router.include_router(books.router)
api_router.include_router(audit.router)
api_router.include_router(feed.router)

__all__ = ["api_router"]
