"""Zephyr: FastAPI-compatible, compiled."""
