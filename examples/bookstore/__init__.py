"""The bookstore reference application (see README.md); the app itself is the `app` package."""
