"""Run FastAPI's own test suite, from its PyPI sdist, against Zephyr (see README.md here)."""
