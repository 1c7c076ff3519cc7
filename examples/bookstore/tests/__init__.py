"""The bookstore's own tests (collected by the project's pytest run)."""
