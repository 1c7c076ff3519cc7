"""Author and book bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from .common import reject_null


def normalize_isbn(value: str) -> str:
    """Return the ISBN-13 for an ISBN-10 or ISBN-13 (hyphens and spaces allowed)."""
    digits = value.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        check = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        if check % 11:
            raise ValueError("not a valid ISBN-10 (bad check digit)")
        digits = "978" + digits[:9]
        return digits + str((10 - _isbn13_sum(digits)) % 10)
    if len(digits) == 13 and digits.isdigit():
        if (_isbn13_sum(digits[:12]) + int(digits[12])) % 10:
            raise ValueError("not a valid ISBN-13 (bad check digit)")
        return digits
    raise ValueError("an ISBN has 10 or 13 digits")


def _isbn13_sum(digits: str) -> int:
    return sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits))


ISBN = Annotated[str, Field(examples=["978-0-13-468599-1"]), AfterValidator(normalize_isbn)]
Title = Annotated[str, Field(min_length=1, max_length=300)]
Year = Annotated[int, Field(ge=1450, le=2100, description="Year of publication")]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class AuthorCreate(BaseModel):
    """A new author."""

    name: Name
    bio: str | None = None


class AuthorUpdate(BaseModel):
    """Changes to an author (only the fields sent are changed)."""

    name: Name | None = None
    bio: str | None = None

    _not_null = field_validator("name")(reject_null)


class AuthorRead(BaseModel):
    """An author."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    bio: str | None
    created_at: datetime
    updated_at: datetime


class AuthorRef(BaseModel):
    """An author, as named inside a book."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class BookCreate(BaseModel):
    """A new book."""

    title: Title
    isbn: ISBN
    year: Year
    author_id: int
    summary: str | None = None


class BookUpdate(BaseModel):
    """Changes to a book (only the fields sent are changed)."""

    title: Title | None = None
    isbn: ISBN | None = None
    year: Year | None = None
    author_id: int | None = None
    summary: str | None = None

    _not_null = field_validator("title", "isbn", "year", "author_id")(reject_null)


class BookRead(BaseModel):
    """A book, with its author."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    isbn: str
    year: int
    summary: str | None
    author: AuthorRef
    created_at: datetime
    updated_at: datetime


class BookSummary(BaseModel):
    """A book, as listed under its author."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    isbn: str
    year: int


class AuthorDetail(AuthorRead):
    """An author with their books."""

    books: list[BookSummary]


class BookEvent(BaseModel):
    """What the feed sends when a book is added."""

    event: Literal["book.created"] = "book.created"
    book: BookRead
