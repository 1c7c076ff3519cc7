"""Zephyr's benchmark suite: FastAPI, Zephyr, Litestar and two floors, measured in turns.

Run `python3 -m benchmarks` from the repository root; see benchmarks/README.md.
"""
