"""Authors and books: queries with eager loading, filters, and PATCH semantics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ..models import Author, Book, User
from ..schemas.catalog import AuthorCreate, AuthorUpdate, BookCreate, BookUpdate
from .errors import ConflictError, InvalidReferenceError, NotFoundError
from .pagination import paginate


@dataclass(frozen=True)
class BookFilters:
    """How a book list may be narrowed; None means "any"."""

    author_id: int | None = None
    title: str | None = None
    year_from: int | None = None
    year_to: int | None = None


def _escape_like(text: str) -> str:
    # A user's "%" or "_" must match itself, not act as a wildcard.
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ---- authors -----------------------------------------------------------------------------


async def list_authors(
    session: AsyncSession, *, name: str | None, cursor: str | None, limit: int
) -> tuple[Sequence[Author], str | None]:
    """Return a page of authors, optionally those whose name contains `name`."""
    query = select(Author)
    if name:
        query = query.where(Author.name.ilike(f"%{_escape_like(name)}%", escape="\\"))
    return await paginate(session, query, Author.id, cursor=cursor, limit=limit)


async def get_author(session: AsyncSession, author_id: int, *, with_books: bool = False) -> Author:
    """Return an author (and their books, loaded in one extra query, when asked).

    Raises:
        NotFoundError: No such author.
    """
    options = [selectinload(Author.books)] if with_books else []
    author = await session.get(Author, author_id, options=options)
    if author is None:
        raise NotFoundError(f"Author {author_id} not found")
    return author


async def create_author(session: AsyncSession, data: AuthorCreate) -> Author:
    """Add an author."""
    author = Author(**data.model_dump())
    session.add(author)
    await session.commit()
    return author


async def update_author(
    session: AsyncSession, author_id: int, data: AuthorUpdate
) -> tuple[Author, dict[str, Any]]:
    """Change the fields the client sent; return the author and the changes.

    Raises:
        NotFoundError: No such author.
    """
    author = await get_author(session, author_id)
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        setattr(author, field, value)
    await session.commit()
    return author, changes


async def delete_author(session: AsyncSession, author_id: int) -> None:
    """Delete an author who has no books.

    Raises:
        NotFoundError: No such author.
        ConflictError: The author still has books.
    """
    author = await get_author(session, author_id)
    books = await session.scalar(select(func.count()).where(Book.author_id == author_id))
    if books:
        raise ConflictError(
            f"Author {author_id} still has {books} book(s); delete or move them first",
            code="author_has_books",
        )
    await session.delete(author)
    await session.commit()


# ---- books -------------------------------------------------------------------------------


def _book_query() -> Select[Any]:
    # Every book the API returns shows its author: load them all in one extra SELECT ... IN.
    return select(Book).options(selectinload(Book.author))


async def list_books(
    session: AsyncSession, filters: BookFilters, *, cursor: str | None, limit: int
) -> tuple[Sequence[Book], str | None]:
    """Return a page of books matching `filters`, oldest first."""
    query = _book_query()
    if filters.author_id is not None:
        query = query.where(Book.author_id == filters.author_id)
    if filters.title:
        query = query.where(Book.title.ilike(f"%{_escape_like(filters.title)}%", escape="\\"))
    if filters.year_from is not None:
        query = query.where(Book.year >= filters.year_from)
    if filters.year_to is not None:
        query = query.where(Book.year <= filters.year_to)
    return await paginate(session, query, Book.id, cursor=cursor, limit=limit)


async def get_book(session: AsyncSession, book_id: int) -> Book:
    """Return a book with its author.

    Raises:
        NotFoundError: No such book.
    """
    # populate_existing: a book already in this session gets its author relationship loaded.
    book: Book | None = await session.scalar(
        _book_query().where(Book.id == book_id).execution_options(populate_existing=True)
    )
    if book is None:
        raise NotFoundError(f"Book {book_id} not found")
    return book


async def _check_author(session: AsyncSession, author_id: int) -> None:
    if await session.get(Author, author_id) is None:
        raise InvalidReferenceError(
            f"Author {author_id} does not exist",
            details=[{"loc": ["body", "author_id"], "msg": "unknown author"}],
        )


async def _check_isbn_free(session: AsyncSession, isbn: str, exclude_id: int | None) -> None:
    query = select(Book.id).where(Book.isbn == isbn)
    if exclude_id is not None:
        query = query.where(Book.id != exclude_id)
    if await session.scalar(query) is not None:
        raise ConflictError(f"A book with ISBN {isbn} already exists", code="isbn_taken")


async def _commit(session: AsyncSession, isbn: str) -> None:
    try:
        await session.commit()
    except IntegrityError:  # two requests raced past the ISBN check
        await session.rollback()
        raise ConflictError(f"A book with ISBN {isbn} already exists", code="isbn_taken") from None


async def create_book(session: AsyncSession, data: BookCreate, created_by: User) -> Book:
    """Add a book.

    Raises:
        InvalidReferenceError: The author does not exist.
        ConflictError: The ISBN is taken.
    """
    await _check_author(session, data.author_id)
    await _check_isbn_free(session, data.isbn, None)
    book = Book(**data.model_dump(), created_by_id=created_by.id)
    session.add(book)
    await _commit(session, data.isbn)
    return await get_book(session, book.id)


async def update_book(
    session: AsyncSession, book_id: int, data: BookUpdate
) -> tuple[Book, dict[str, Any]]:
    """Change the fields the client sent; return the book and the changes.

    Raises:
        NotFoundError: No such book.
        InvalidReferenceError: The new author does not exist.
        ConflictError: The new ISBN is taken.
    """
    book = await get_book(session, book_id)
    changes = data.model_dump(exclude_unset=True)
    if "author_id" in changes:
        await _check_author(session, changes["author_id"])
    if "isbn" in changes:
        await _check_isbn_free(session, changes["isbn"], book_id)
    for field, value in changes.items():
        setattr(book, field, value)
    await _commit(session, book.isbn)
    return await get_book(session, book_id), changes


async def delete_book(session: AsyncSession, book_id: int) -> None:
    """Delete a book.

    Raises:
        NotFoundError: No such book.
    """
    book = await session.get(Book, book_id)
    if book is None:
        raise NotFoundError(f"Book {book_id} not found")
    await session.delete(book)
    await session.commit()
