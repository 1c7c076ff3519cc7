"""Fetch FastAPI's sdist and build the virtualenvs that run its test suite.

Everything lives under the cache folder (default ``~/.cache/zephyr-compat``), never in the repo:

- ``sdist/fastapi-<version>.tar.gz``: the PyPI source distribution (tests/ and docs_src/ inside).
- ``pins-<version>.json``: the starlette and pydantic versions ``fastapi==<version>`` resolves to.
- ``venv-zephyr/``: Zephyr (editable, ``standard`` extra) + the suite's test dependencies, and no
  real FastAPI; a ``.pth`` file and bootstrap.py there alias ``fastapi`` to Zephyr when
  ZEPHYR_COMPAT_ALIAS=1.
- ``venv-baseline/``: the same dependencies with the real FastAPI installed from the sdist.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import tomllib
from tools.compat import privates

FASTAPI_VERSION = "0.165.0"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE = Path.home() / ".cache" / "zephyr-compat"
ALIAS_ENV = "ZEPHYR_COMPAT_ALIAS"

# Development tools in FastAPI's `tests` group that the suite never imports. pytest-sugar is also
# dropped because it rewrites pytest's output; benchmarks skip themselves without --codspeed.
EXCLUDED_TEST_DEPS = frozenset({"ty", "mypy", "pytest-sugar", "pytest-cov", "pytest-codspeed"})
# Imported by the suite (with pytest.importorskip) but no longer listed in FastAPI's test group;
# without them ORJSONResponse/UJSONResponse tests would skip instead of run.
EXTRA_TEST_DEPS = ("orjson", "ujson")
# Pinned starlette/pydantic come from resolving FastAPI itself, so both venvs match real users.
PINNED = ("starlette", "pydantic")
# Run at interpreter start-up (site.py executes `import` lines of .pth files). It is gated by an
# environment variable so that pip and other tools in the venv are left alone, and the variable is
# inherited by the subprocesses some FastAPI tests start (`python -m ...`), which a pytest plugin
# could not reach. It only arms bootstrap.py; Zephyr itself loads on the first `fastapi` import.
BOOTSTRAP_MODULE = "zephyr_compat_bootstrap"
ALIAS_PTH_NAME = "zephyr_compat_bootstrap.pth"
ALIAS_PTH_LINE = (
    f'import os; os.environ.get("{ALIAS_ENV}") == "1" and '
    f'__import__("{BOOTSTRAP_MODULE}").activate()\n'
)


@dataclass(frozen=True)
class Suite:
    """An unpacked copy of FastAPI's sdist, ready for pytest."""

    root: Path  # Holds tests/, docs_src/, scripts/ and pyproject.toml (FastAPI's pytest config).
    plugin_dir: Path  # Holds zephyr_compat_plugin.py; goes on PYTHONPATH.
    fastapi_modules: frozenset[str]  # Dotted names of the modules in FastAPI's own source.
    fastapi_privates: frozenset[str]  # Private identifiers FastAPI's own source defines.


def run(cmd: list[str]) -> None:
    """Run a setup command, echoing it, and stop the tool if it fails."""
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def download_sdist(cache: Path) -> Path:
    """Return the cached sdist path, downloading it from PyPI with pip the first time."""
    target = cache / "sdist"
    sdist = target / f"fastapi-{FASTAPI_VERSION}.tar.gz"
    if not sdist.exists():
        target.mkdir(parents=True, exist_ok=True)
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-qq",
                f"fastapi=={FASTAPI_VERSION}",
                "-d",
                str(target),
            ]
        )
    if not sdist.exists():
        raise SystemExit(f"compat: pip did not produce {sdist}")
    return sdist


def unpack(sdist: Path, workdir: Path) -> Suite:
    """Unpack the sdist into ``workdir`` and prepare it for a run against an installed package."""
    with tarfile.open(sdist) as archive:
        archive.extractall(workdir, filter="data")
    root = workdir / f"fastapi-{FASTAPI_VERSION}"
    modules = frozenset(
        _dotted_module(path.relative_to(root)) for path in root.glob("fastapi/**/*.py")
    )
    source_privates = privates.source_privates(root / "fastapi")
    # pytest puts the sdist root on sys.path (tests/ is a package) so that `docs_src`, `scripts`
    # and `tests` import. The bundled fastapi/ source would be importable from there too; remove it
    # so both runs use the installed package (Zephyr via the alias, or the baseline's wheel).
    shutil.rmtree(root / "fastapi")
    plugin_dir = workdir / "_plugin"
    plugin_dir.mkdir()
    shutil.copyfile(
        Path(__file__).with_name("pytest_plugin.py"), plugin_dir / "zephyr_compat_plugin.py"
    )
    return Suite(
        root=root,
        plugin_dir=plugin_dir,
        fastapi_modules=modules,
        fastapi_privates=source_privates,
    )


def _dotted_module(relative: Path) -> str:
    parts = relative.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def suite_requirements(pyproject: Path) -> list[str]:
    """Return the suite's third-party requirements, as FastAPI's own CI would install them.

    That is FastAPI's ``all`` extra (what tutorials import: jinja2, python-multipart, ...) plus
    its ``tests`` dependency group with included groups expanded, minus EXCLUDED_TEST_DEPS, plus
    EXTRA_TEST_DEPS.
    """
    data = tomllib.loads(pyproject.read_text())
    groups: dict[str, list[str | dict[str, str]]] = data["dependency-groups"]

    def expand(name: str) -> list[str]:
        out: list[str] = []
        for entry in groups[name]:
            out += expand(entry["include-group"]) if isinstance(entry, dict) else [entry]
        return out

    wanted = [*data["project"]["optional-dependencies"]["all"], *expand("tests"), *EXTRA_TEST_DEPS]
    result: list[str] = []
    for requirement in wanted:
        name = _project_name(requirement)
        if name not in EXCLUDED_TEST_DEPS and name not in PINNED and requirement not in result:
            result.append(requirement)
    return result


def _project_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if match is None:
        raise ValueError(f"unparsable requirement {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def resolved_pins(cache: Path, refresh: bool) -> list[str]:
    """Return ``name==version`` for PINNED, as pip resolves ``fastapi==FASTAPI_VERSION`` today.

    The answer is cached; ``refresh`` asks pip again.
    """
    path = cache / f"pins-{FASTAPI_VERSION}.json"
    if refresh or not path.exists():
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "report.json"
            run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--dry-run",
                    "--ignore-installed",
                    "-qq",
                    "--report",
                    str(report),
                    f"fastapi=={FASTAPI_VERSION}",
                ]
            )
            installs = json.loads(report.read_text())["install"]
        versions = {
            _project_name(i["metadata"]["name"]): i["metadata"]["version"] for i in installs
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({name: versions[name] for name in PINNED}, indent=1))
    pins: dict[str, str] = json.loads(path.read_text())
    return [f"{name}=={pins[name]}" for name in PINNED]


def venv_python(venv: Path) -> Path:
    """Return the interpreter of ``venv``."""
    return venv / "bin" / "python"


def zephyr_install_inputs(pyproject: Path) -> str:
    """Return the hash of what an editable ``.[standard]`` install of Zephyr depends on.

    Only the build system, the core dependencies, the ``standard`` extra and the entry points
    count: an extra added for something else (an example app) must not rebuild the venv.
    """
    data = tomllib.loads(pyproject.read_text())
    project = data.get("project", {})
    relevant = {
        "build-system": data.get("build-system"),
        "dependencies": project.get("dependencies"),
        "standard": project.get("optional-dependencies", {}).get("standard"),
        "scripts": project.get("scripts"),
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def ensure_venv(
    venv: Path, install_args: list[str], rebuild: bool, depends_on: str | None = None
) -> Path:
    """Create ``venv`` with ``install_args`` installed, reusing it when nothing changed.

    A stamp file records what was installed (arguments, interpreter, and ``depends_on``, e.g.
    the hash from `zephyr_install_inputs`); any difference rebuilds the venv from scratch, so
    no stale package survives.
    """
    stamp_data = {
        "python": sys.version,
        "install": install_args,
        "depends_on": depends_on,
    }
    stamp = json.dumps(stamp_data, indent=1, sort_keys=True)
    stamp_file = venv / "zephyr-compat-stamp.json"
    python = venv_python(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    # Two runs at once (a developer's and scripts/test's) must not build the same venv together.
    with open(venv.with_name(venv.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fresh = python.exists() and stamp_file.exists() and stamp_file.read_text() == stamp
        if rebuild or not fresh:
            print(f"compat: building {venv}", flush=True)
            shutil.rmtree(venv, ignore_errors=True)
            run([sys.executable, "-m", "venv", str(venv)])
            run([str(python), "-m", "pip", "install", "-qq", "--upgrade", "pip"])
            run([str(python), "-m", "pip", "install", "-qq", *install_args])
            stamp_file.write_text(stamp)
    return python


def build_zephyr_venv(cache: Path, requirements: list[str], rebuild: bool) -> Path:
    """Return the Zephyr venv's interpreter: Zephyr editable, no real FastAPI, alias hook."""
    venv = cache / "venv-zephyr"
    install = ["-e", f"{REPO_ROOT}[standard]", *requirements]
    inputs = zephyr_install_inputs(REPO_ROOT / "pyproject.toml")
    python = ensure_venv(venv, install, rebuild, depends_on=inputs)
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('fastapi') is not None)"
    env = {k: v for k, v in os.environ.items() if k != ALIAS_ENV}
    if subprocess.run([str(python), "-c", probe], env=env, check=False).returncode != 0:
        # Some dependency dragged the real package in; an escaped import must fail, not pass.
        run([str(python), "-m", "pip", "uninstall", "--yes", "-qq", "fastapi"])
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Rewritten every run, so edits to bootstrap.py apply without rebuilding the venv.
    shutil.copyfile(Path(__file__).with_name("bootstrap.py"), Path(site) / f"{BOOTSTRAP_MODULE}.py")
    (Path(site) / ALIAS_PTH_NAME).write_text(ALIAS_PTH_LINE)
    return python


def build_baseline_venv(cache: Path, sdist: Path, requirements: list[str], rebuild: bool) -> Path:
    """Return the baseline venv's interpreter: the real FastAPI, built from the same sdist."""
    return ensure_venv(cache / "venv-baseline", [str(sdist), *requirements], rebuild)
