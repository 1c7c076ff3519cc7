"""Authors and their books (one author, many books)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin


class Author(TimestampMixin, Base):
    """Someone who wrote books."""

    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    bio: Mapped[str | None] = mapped_column(Text)
    # lazy="raise": under asyncio an implicit lazy load cannot run, so forgetting a
    # selectinload() must fail loudly in tests rather than at random in production.
    # passive_deletes: deleting an author leaves the books to the database's RESTRICT
    # instead of loading them to null their author_id.
    books: Mapped[list[Book]] = relationship(
        back_populates="author", lazy="raise", order_by="Book.id", passive_deletes=True
    )


class Book(TimestampMixin, Base):
    """A book in the catalogue."""

    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300), index=True)
    isbn: Mapped[str] = mapped_column(String(13), unique=True)
    year: Mapped[int] = mapped_column(index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    # RESTRICT: an author with books cannot be deleted (the API answers 409 first).
    author_id: Mapped[int] = mapped_column(
        ForeignKey("authors.id", ondelete="RESTRICT"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author: Mapped[Author] = relationship(back_populates="books", lazy="raise")
