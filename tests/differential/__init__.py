"""Differential tests: every case runs on FastAPI and on Zephyr and must answer byte for byte."""
