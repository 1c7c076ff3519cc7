"""Interactive API docs that work offline: Swagger UI and ReDoc served by the app itself.

Run it with `uvicorn examples.docs_demo.app:app` (after `pip install 'zephyr[docs-offline]'`)
and open http://127.0.0.1:8000/docs or /redoc: the pages load their JavaScript and CSS from
/docs-assets on the same server, not from a CDN.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from zephyr import FastAPI, HTTPException, Path, Query

app = FastAPI(
    title="Bookshelf",
    version="1.0.0",
    description="A tiny catalogue of books, to try the **interactive docs** offline.",
    docs_assets="local",
)


class Book(BaseModel):
    """A book on the shelf."""

    title: str = Field(examples=["Dune"])
    author: str = Field(examples=["Frank Herbert"])
    year: int = Field(ge=0, le=2100, examples=[1965])


BOOKS: dict[int, Book] = {
    1: Book(title="Dune", author="Frank Herbert", year=1965),
    2: Book(title="Neuromancer", author="William Gibson", year=1984),
}


@app.get("/books", tags=["books"])
def list_books(
    author: Annotated[str | None, Query(description="Only books by this author")] = None,
) -> list[Book]:
    """List the books, optionally by one author."""
    return [book for book in BOOKS.values() if author is None or book.author == author]


@app.get("/books/{book_id}", tags=["books"], responses={404: {"description": "No such book"}})
def read_book(book_id: Annotated[int, Path(ge=1, description="The book's number")]) -> Book:
    """Read one book."""
    book = BOOKS.get(book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="Book not found")
    return book


@app.post("/books", tags=["books"], status_code=201)
def add_book(book: Book) -> dict[str, int]:
    """Add a book and return its number."""
    book_id = max(BOOKS) + 1
    BOOKS[book_id] = book
    return {"id": book_id}
