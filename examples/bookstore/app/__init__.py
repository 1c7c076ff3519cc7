"""A bookstore API: users, authors, books, a live feed of new books, an audit trail."""
