"""Tests of tools/compat, the runner of FastAPI's own suite against Zephyr."""
