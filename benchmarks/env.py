"""The bench venv (outside the repo) and the facts a report states: machine and versions."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from benchmarks.workers import REPO

DEFAULT_VENV = Path.home() / ".cache" / "zephyr-bench" / "venv"

# What the bench venv holds. Zephyr is editable so the run measures the working tree.
REQUIREMENTS = (
    "-e",
    f"{REPO}[standard]",
    "fastapi==0.165.0",
    "litestar",
    "uvicorn[standard]",
    "pyinstrument",
)

PACKAGES = (
    "zephyr",
    "fastapi",
    "litestar",
    "starlette",
    "pydantic",
    "pydantic-core",
    "uvicorn",
    "uvloop",
    "httptools",
    "anyio",
)


def _stamp() -> str:
    """What the installed venv must match: the requirements and Zephyr's pyproject.toml."""
    digest = hashlib.sha256("\n".join(REQUIREMENTS).encode())
    digest.update((REPO / "pyproject.toml").read_bytes())
    return digest.hexdigest()


def ensure_venv(venv: Path, log: Path) -> str:
    """Create or refresh the bench venv; return its python.

    Reinstalls only when the requirements or Zephyr's pyproject.toml changed (editable
    Zephyr picks up source edits by itself). `--upgrade` on a refresh lets "litestar (latest)"
    move forward. pip's output goes to `log`.

    Raises:
        RuntimeError: pip failed (the message points at the log).
    """
    python = venv / "bin" / "python"
    stamp = venv / ".zephyr-bench-installed"
    if python.exists() and stamp.exists() and stamp.read_text() == _stamp():
        return str(python)
    venv.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, stdout=out)
        pip = [str(python), "-m", "pip", "install", "--upgrade", "--quiet"]
        steps = [[*pip, "pip"], [*pip, *REQUIREMENTS]]
        for step in steps:
            if subprocess.run(step, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
                raise RuntimeError(f"installing the bench venv failed; see {log}")
    stamp.write_text(_stamp())
    return str(python)


def versions(python: str) -> dict[str, str]:
    """The installed version of each reported package in `python`'s environment."""
    script = (
        "import json, importlib.metadata as m, platform, sys\n"
        "def v(p):\n"
        "    try: return m.version(p)\n"
        "    except m.PackageNotFoundError: return ''\n"
        f"r = {{p: v(p) for p in {list(PACKAGES)!r}}}\n"
        "r['python'] = platform.python_version()\n"
        "print(json.dumps(r))\n"
    )
    output = subprocess.run([python, "-c", script], capture_output=True, text=True, check=True)
    result: dict[str, str] = json.loads(output.stdout)
    return result


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def git_revision() -> str:
    """The commit of the measured Zephyr tree, marked "+dirty" with uncommitted changes."""

    def git(*args: str) -> str:
        completed = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return completed.stdout.strip()

    revision = git("rev-parse", "--short", "HEAD") or "unknown"
    return revision + ("+dirty" if git("status", "--porcelain", "--", "src") else "")
