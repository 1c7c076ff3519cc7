"""Runnable example applications; each one has tests under tests/examples/."""
