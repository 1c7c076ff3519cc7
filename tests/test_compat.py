"""Tests for zephyr.compat: the ``fastapi`` -> ``zephyr`` import alias.

Each test runs its scenario in a fresh interpreter, so neither the alias nor the real FastAPI
modules it imports leak into this test process.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REAL_FASTAPI = importlib.util.find_spec("fastapi") is not None

# Prepended to every scenario: `probe_dir` is a temporary folder appended to zephyr's package path
# so scenarios can add throwaway `zephyr._probe_*` modules without touching the source tree.
PRELUDE = """
import importlib, sys
import zephyr, zephyr.compat
probe_dir = sys.argv[1]
zephyr.__path__.append(probe_dir)
"""


def run_scenario(code: str, tmp_path: Path) -> str:
    """Run ``code`` after PRELUDE in a new interpreter; fail with its output unless it exits 0."""
    script = PRELUDE + textwrap.dedent(code)
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def write_probe(tmp_path: Path, relative: str, source: str) -> None:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))


def test_import_fastapi_gives_zephyr(tmp_path: Path) -> None:
    out = run_scenario(
        """
        zephyr.compat.install()
        import fastapi
        assert fastapi is zephyr, fastapi
        assert sys.modules["fastapi"] is sys.modules["zephyr"]
        # The module keeps its own identity: the alias spec must not overwrite it.
        assert fastapi.__name__ == "zephyr" and fastapi.__spec__.name == "zephyr"
        print("ok")
        """,
        tmp_path,
    )
    assert out == "ok\n"


def test_submodules_are_the_same_objects(tmp_path: Path) -> None:
    out = run_scenario(
        """
        zephyr.compat.install()
        import fastapi.compat
        from fastapi.compat import install
        assert sys.modules["fastapi.compat"] is sys.modules["zephyr.compat"]
        assert fastapi.compat is zephyr.compat and install is zephyr.compat.install
        # Monkeypatching through one name is seen through the other.
        fastapi.compat.MARKER = 1
        assert zephyr.compat.MARKER == 1
        print("ok")
        """,
        tmp_path,
    )
    assert out == "ok\n"


def test_nested_package_submodule_and_isinstance(tmp_path: Path) -> None:
    write_probe(tmp_path, "_probe_pkg/__init__.py", "")
    write_probe(tmp_path, "_probe_pkg/inner.py", "class Thing:\n    pass\n")
    out = run_scenario(
        """
        zephyr.compat.install()
        from fastapi._probe_pkg.inner import Thing
        import zephyr._probe_pkg.inner as direct
        assert sys.modules["fastapi._probe_pkg"] is sys.modules["zephyr._probe_pkg"]
        assert sys.modules["fastapi._probe_pkg.inner"] is direct
        assert isinstance(direct.Thing(), Thing)
        print(direct.__spec__.name)
        """,
        tmp_path,
    )
    assert out == "zephyr._probe_pkg.inner\n"


def test_missing_submodule_names_both_modules(tmp_path: Path) -> None:
    out = run_scenario(
        """
        zephyr.compat.install()
        try:
            import fastapi.no_such_module_xyz.deeper
        except ModuleNotFoundError as exc:
            print(exc.name)
            print(exc)
        else:
            raise AssertionError("import succeeded")
        """,
        tmp_path,
    )
    name, message = out.splitlines()
    assert name == "fastapi.no_such_module_xyz"
    assert "'fastapi.no_such_module_xyz'" in message
    assert "'zephyr.no_such_module_xyz'" in message


def test_missing_dependency_of_a_zephyr_module_is_reported_unchanged(tmp_path: Path) -> None:
    write_probe(tmp_path, "_probe_dep.py", "import no_such_dependency_xyz\n")
    out = run_scenario(
        """
        zephyr.compat.install()
        try:
            import fastapi._probe_dep
        except ModuleNotFoundError as exc:
            print(exc.name)
        """,
        tmp_path,
    )
    assert out == "no_such_dependency_xyz\n"


def test_python_dash_m_runs_the_zephyr_main_module(tmp_path: Path) -> None:
    write_probe(tmp_path, "_probe_cli/__init__.py", "")
    write_probe(tmp_path, "_probe_cli/__main__.py", "print('main ran as', __name__)\n")
    out = run_scenario(
        """
        zephyr.compat.install()
        import runpy
        runpy.run_module("fastapi._probe_cli", run_name="__main__", alter_sys=True)
        """,
        tmp_path,
    )
    # Run once, as __main__: finding the module must not also import (and so run) it.
    assert out == "main ran as __main__\n"


@pytest.mark.skipif(not REAL_FASTAPI, reason="needs the real fastapi distribution installed")
def test_wins_over_installed_fastapi(tmp_path: Path) -> None:
    out = run_scenario(
        """
        import importlib.util
        real = importlib.util.find_spec("fastapi")
        assert real is not None and "site-packages" in real.origin, real
        zephyr.compat.install()
        import fastapi
        from fastapi import compat
        assert fastapi is zephyr and compat is zephyr.compat
        assert not any(getattr(m, "__file__", None) == real.origin for m in sys.modules.values())
        print("ok")
        """,
        tmp_path,
    )
    assert out == "ok\n"


def test_install_is_idempotent_and_first_on_meta_path(tmp_path: Path) -> None:
    out = run_scenario(
        """
        zephyr.compat.install()
        finder = sys.meta_path[0]
        zephyr.compat.install()
        assert sys.meta_path[0] is finder
        print(sum(entry is finder for entry in sys.meta_path), zephyr.compat.is_installed())
        """,
        tmp_path,
    )
    assert out == "1 True\n"


def test_uninstall_restores_previous_state(tmp_path: Path) -> None:
    out = run_scenario(
        """
        before = list(sys.meta_path)
        zephyr.compat.install()
        import fastapi.compat
        zephyr.compat.uninstall()
        assert sys.meta_path == before
        assert not zephyr.compat.is_installed()
        assert not [name for name in sys.modules if name.split(".")[0] == "fastapi"]
        zephyr.compat.uninstall()  # A second call changes nothing.
        print("ok")
        """,
        tmp_path,
    )
    assert out == "ok\n"


@pytest.mark.skipif(not REAL_FASTAPI, reason="needs the real fastapi distribution installed")
def test_uninstall_lets_real_fastapi_import_again(tmp_path: Path) -> None:
    out = run_scenario(
        """
        zephyr.compat.install()
        import fastapi
        zephyr.compat.uninstall()
        import fastapi
        print(fastapi.__name__, fastapi is not zephyr)
        """,
        tmp_path,
    )
    assert out == "fastapi True\n"


@pytest.mark.skipif(not REAL_FASTAPI, reason="needs the real fastapi distribution installed")
def test_install_refuses_when_real_fastapi_already_imported(tmp_path: Path) -> None:
    out = run_scenario(
        """
        import fastapi
        try:
            zephyr.compat.install()
        except RuntimeError as exc:
            print(exc)
        assert not zephyr.compat.is_installed()
        assert sys.modules["fastapi"] is fastapi
        """,
        tmp_path,
    )
    assert "must run before anything imports fastapi" in out
    assert "replace=True" in out


@pytest.mark.skipif(not REAL_FASTAPI, reason="needs the real fastapi distribution installed")
def test_replace_evicts_and_uninstall_puts_back(tmp_path: Path) -> None:
    out = run_scenario(
        """
        import fastapi as real
        import fastapi.routing as real_routing
        zephyr.compat.install(replace=True)
        import fastapi
        assert fastapi is zephyr
        assert "fastapi.routing" not in sys.modules
        zephyr.compat.uninstall()
        assert sys.modules["fastapi"] is real
        assert sys.modules["fastapi.routing"] is real_routing
        print("ok")
        """,
        tmp_path,
    )
    assert out == "ok\n"


def test_other_distributions_with_fastapi_prefix_are_not_aliased(tmp_path: Path) -> None:
    out = run_scenario(
        """
        zephyr.compat.install()
        try:
            import fastapi_no_such_distribution_xyz
        except ModuleNotFoundError as exc:
            print(exc.name, "zephyr" in str(exc))
        """,
        tmp_path,
    )
    assert out == "fastapi_no_such_distribution_xyz False\n"
