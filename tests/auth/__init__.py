"""Tests of zephyr.auth (the `auth` extra)."""
