"""Prepare a database for a demo: migrate it, make sure the demo admin exists, print its login.

Idempotent: run it as often as you like. The admin's password is DEMO_ADMIN_PASSWORD when set;
otherwise one is generated on the first run and kept in `data/demo-admin-password` (readable
by you only), so every run prints credentials that work. `--sample-data` adds a few authors
and books when the catalogue is empty.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from zephyr.auth import PasswordHasher

from .core.config import Settings, get_settings
from .core.security import password_hasher
from .db import Database
from .models import Author, Book, Role, User
from .schemas.catalog import normalize_isbn

PASSWORD_FILE = "demo-admin-password"

# (author, [(title, year, ISBN-13 without its check digit)]): made-up ISBNs, valid checksums.
SAMPLE_CATALOG = [
    ("Ursula K. Le Guin", [("A Wizard of Earthsea", 1968, "978000000001")]),
    ("Octavia E. Butler", [("Kindred", 1979, "978000000002")]),
    ("Stanisław Lem", [("Solaris", 1961, "978000000003"), ("The Cyberiad", 1965, "978000000004")]),
]


@dataclass(frozen=True)
class AdminLogin:
    """The outcome of seeding the admin."""

    username: str
    password: str
    created: bool
    password_works: bool


def with_check_digit(first12: str) -> str:
    """Return the ISBN-13 that starts with these 12 digits."""
    for digit in "0123456789":
        try:
            return normalize_isbn(first12 + digit)
        except ValueError:
            continue
    raise ValueError(first12)  # pragma: no cover - one digit always fits


def demo_password(settings: Settings) -> str:
    """Return the demo admin's password: from the settings, else from (or new in) data/."""
    if settings.demo_admin_password is not None:
        return settings.demo_admin_password.get_secret_value()
    path = Path(settings.data_dir) / PASSWORD_FILE
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    # O_EXCL + 0600: never overwrite, never readable by other users.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(password + "\n")
    return password


async def ensure_admin(
    database: Database,
    passwords: PasswordHasher,
    settings: Settings,
    *,
    reset_password: bool = False,
) -> AdminLogin:
    """Create the demo admin unless it exists; with `reset_password`, set its password."""
    username = settings.demo_admin_username
    password = demo_password(settings)
    async with database.session() as session:
        user = await session.scalar(select(User).where(User.username == username))
        created = user is None
        if user is None:
            user = User(
                username=username,
                email=settings.demo_admin_email,
                full_name="Demo Admin",
                password_hash=passwords.hash(password),
                role=Role.admin,
            )
            session.add(user)
        elif reset_password:
            user.password_hash = passwords.hash(password)
            user.role, user.is_active = Role.admin, True
        works = passwords.verify(password, user.password_hash)
        await session.commit()
    return AdminLogin(username, password, created, works)


async def add_sample_catalog(database: Database) -> int:
    """Add the sample authors and books if there are no authors yet; return books added."""
    added = 0
    async with database.session() as session:
        if await session.scalar(select(func.count()).select_from(Author)):
            return 0
        for name, books in SAMPLE_CATALOG:
            author = Author(name=name)
            session.add(author)
            for title, year, isbn in books:
                session.add(
                    Book(title=title, year=year, isbn=with_check_digit(isbn), author=author)
                )
                added += 1
        await session.commit()
    return added


async def seed(
    settings: Settings, *, sample_data: bool = False, reset_password: bool = False
) -> AdminLogin:
    """Migrate the database, ensure the admin (and sample data); return the admin's login."""
    database = Database(settings.database_url_resolved)
    try:
        await database.migrate()
        login = await ensure_admin(
            database, password_hasher(settings), settings, reset_password=reset_password
        )
        if sample_data:
            await add_sample_catalog(database)
        return login
    finally:
        await database.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the seeding from the command line; print the admin's credentials."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample-data", action="store_true", help="add sample books if empty")
    parser.add_argument(
        "--reset-password", action="store_true", help="set the admin's password to the demo one"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    login = asyncio.run(
        seed(settings, sample_data=args.sample_data, reset_password=args.reset_password)
    )
    print(f"Demo admin {'created' if login.created else 'already present'} (demo use only):")
    print(f"  username: {login.username}")
    if login.password_works:
        print(f"  password: {login.password}")
        return 0
    print("  password: changed since it was seeded; run `python seed.py --reset-password`")
    return 0
