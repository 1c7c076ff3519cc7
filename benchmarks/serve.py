"""Serve one framework's scenario app with uvicorn (uvloop, httptools, one worker).

Usage: python -m benchmarks.serve FRAMEWORK PORT   (the orchestrator pins it with taskset)
"""

from __future__ import annotations

import sys

import uvicorn

from benchmarks.frameworks import load_apps


def main(name: str, port: int) -> None:
    app = load_apps(name)["main"]
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        lifespan="auto",
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
