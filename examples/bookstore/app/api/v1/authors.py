"""Authors: anyone may read; members add and edit; admins delete."""

from __future__ import annotations

from typing import Annotated

from zephyr import APIRouter, Query, status

from ...schemas.catalog import AuthorCreate, AuthorDetail, AuthorRead, AuthorUpdate
from ...schemas.common import Page
from ...services import catalog
from ..deps import AdminUser, AuditDep, CurrentUser, PageDep, SessionDep

router = APIRouter(prefix="/authors", tags=["authors"])


@router.get("")
async def list_authors(
    session: SessionDep,
    page: PageDep,
    name: Annotated[str | None, Query(max_length=200, description="Part of the name")] = None,
) -> Page[AuthorRead]:
    """List authors, oldest first."""
    authors, next_cursor = await catalog.list_authors(
        session, name=name, cursor=page.cursor, limit=page.limit
    )
    return Page(items=[AuthorRead.model_validate(a) for a in authors], next_cursor=next_cursor)


@router.get("/{author_id}")
async def read_author(author_id: int, session: SessionDep) -> AuthorDetail:
    """Return an author with their books."""
    author = await catalog.get_author(session, author_id, with_books=True)
    return AuthorDetail.model_validate(author)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_author(
    data: AuthorCreate, user: CurrentUser, session: SessionDep, audit: AuditDep
) -> AuthorRead:
    """Add an author."""
    author = await catalog.create_author(session, data)
    audit("author.created", user, "author", author.id, data.model_dump())
    return AuthorRead.model_validate(author)


@router.patch("/{author_id}")
async def update_author(
    author_id: int, data: AuthorUpdate, user: CurrentUser, session: SessionDep, audit: AuditDep
) -> AuthorRead:
    """Change an author; only the fields sent are changed."""
    author, changes = await catalog.update_author(session, author_id, data)
    audit("author.updated", user, "author", author.id, changes)
    return AuthorRead.model_validate(author)


@router.delete("/{author_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_author(
    author_id: int, admin: AdminUser, session: SessionDep, audit: AuditDep
) -> None:
    """Delete an author who has no books (admins only)."""
    await catalog.delete_author(session, author_id)
    audit("author.deleted", admin, "author", author_id)
