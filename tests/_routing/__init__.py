"""Tests of zephyr._routing."""
