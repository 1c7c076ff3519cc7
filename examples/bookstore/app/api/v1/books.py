"""Books: anyone may read and search; members add and edit; admins delete.

New books are announced on the live feed after the response is sent.
"""

from __future__ import annotations

from typing import Annotated

from zephyr import APIRouter, BackgroundTasks, Depends, Query, status

from ...schemas.catalog import BookCreate, BookEvent, BookRead, BookUpdate
from ...schemas.common import Page
from ...services import catalog
from ..deps import AdminUser, AuditDep, CurrentUser, FeedDep, PageDep, SessionDep

router = APIRouter(prefix="/books", tags=["books"])


def book_filters(
    author_id: int | None = None,
    title: Annotated[str | None, Query(max_length=300, description="Part of the title")] = None,
    year_from: Annotated[int | None, Query(ge=0, le=9999)] = None,
    year_to: Annotated[int | None, Query(ge=0, le=9999)] = None,
) -> catalog.BookFilters:
    """Read the list filters from the query string."""
    return catalog.BookFilters(
        author_id=author_id, title=title, year_from=year_from, year_to=year_to
    )


@router.get("")
async def list_books(
    session: SessionDep,
    page: PageDep,
    filters: Annotated[catalog.BookFilters, Depends(book_filters)],
) -> Page[BookRead]:
    """List books, oldest first, filtered by author, part of the title and a year range."""
    books, next_cursor = await catalog.list_books(
        session, filters, cursor=page.cursor, limit=page.limit
    )
    return Page(items=[BookRead.model_validate(b) for b in books], next_cursor=next_cursor)


@router.get("/{book_id}")
async def read_book(book_id: int, session: SessionDep) -> BookRead:
    """Return a book."""
    return BookRead.model_validate(await catalog.get_book(session, book_id))


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_book(
    data: BookCreate,
    user: CurrentUser,
    session: SessionDep,
    audit: AuditDep,
    feed: FeedDep,
    background: BackgroundTasks,
) -> BookRead:
    """Add a book, and announce it on the feed."""
    book = BookRead.model_validate(await catalog.create_book(session, data, user))
    audit("book.created", user, "book", book.id, data.model_dump())
    background.add_task(feed.publish, BookEvent(book=book))
    return book


@router.patch("/{book_id}")
async def update_book(
    book_id: int, data: BookUpdate, user: CurrentUser, session: SessionDep, audit: AuditDep
) -> BookRead:
    """Change a book; only the fields sent are changed."""
    book, changes = await catalog.update_book(session, book_id, data)
    audit("book.updated", user, "book", book.id, changes)
    return BookRead.model_validate(book)


@router.delete("/{book_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_book(book_id: int, admin: AdminUser, session: SessionDep, audit: AuditDep) -> None:
    """Delete a book (admins only)."""
    await catalog.delete_book(session, book_id)
    audit("book.deleted", admin, "book", book_id)
