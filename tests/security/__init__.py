"""Tests of zephyr.security."""
