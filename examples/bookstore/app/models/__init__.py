"""The ORM models; importing this package registers every table on `Base.metadata`."""

from .audit import AuditRecord
from .base import Base
from .catalog import Author, Book
from .user import Role, User

__all__ = ["AuditRecord", "Author", "Base", "Book", "Role", "User"]
