"""Login with the OAuth2 password flow, JWT access tokens, scopes and roles (zephyr[auth])."""
