"""The command line itself: entry points, version, help, and errors as messages."""

from __future__ import annotations

import importlib.metadata
import socket
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import ROOT, Invoke, Write, free_port

from zephyr import __version__
from zephyr.cli.discover import locate
from zephyr.cli.serve import ServeOptions, app_urls, base_url


def test_console_script_is_registered() -> None:
    scripts = importlib.metadata.entry_points(group="console_scripts")
    (script,) = [entry for entry in scripts if entry.name == "zephyr"]
    assert script.value == "zephyr.cli:main"
    installed = Path(sys.executable).parent / "zephyr"
    done = subprocess.run(
        [str(installed), "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == f"Zephyr {__version__}\n"


def test_python_dash_m_zephyr_runs_the_same_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "zephyr", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "100"},
    )
    assert "Usage: zephyr [OPTIONS] COMMAND" in done.stdout
    for command in ("dev", "run", "routes", "openapi"):
        assert f"{command} " in done.stdout


def test_importing_zephyr_does_not_import_the_cli_libraries() -> None:
    code = (
        "import sys, zephyr, zephyr.applications, zephyr.cli, zephyr.cli.discover;"
        "print(sorted(m for m in ('typer', 'rich', 'click', 'yaml') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_version(invoke: Invoke) -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"Zephyr {__version__}\n"


def test_each_command_has_help(invoke: Invoke) -> None:
    for command, words in {
        "dev": ("--reload", "--no-reload", "--host", "--port", "--entrypoint", "--app"),
        "run": ("--workers", "--proxy-headers", "--no-proxy-headers", "--forwarded-allow-ips"),
        "routes": ("--plan", "--table"),
        "openapi": ("--output", "--yaml"),
    }.items():
        result = invoke(command, "--help", columns=200)
        assert result.exit_code == 0
        for word in words:
            assert word in result.stdout, (command, word)


def test_no_app_found_is_a_message_not_a_traceback(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("routes")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No app found: none of main.py, app.py, api.py")
    assert str(tmp_path.resolve()) in result.stderr
    assert "Hint: Pass the file or package that creates your app" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_error_shows_the_users_traceback(write: Write, invoke: Invoke) -> None:
    write("settings.py", "import os\n\nTOKEN = os.environ['NO_SUCH_VARIABLE_HERE']\n")
    write("main.py", "from zephyr import FastAPI\nimport settings\n\napp = FastAPI()\n")
    for command in ("routes", "openapi", "dev", "run"):
        result = (
            invoke(command, "--port", str(free_port()))
            if command in ("dev", "run")
            else (invoke(command))
        )
        assert result.exit_code == 1
        err = result.stderr
        assert err.startswith("Error: Importing 'main' (main.py) failed.\n")
        assert 'main.py", line 2, in <module>' in err
        assert 'settings.py", line 3, in <module>' in err
        assert "KeyError: 'NO_SUCH_VARIABLE_HERE'" in err
        assert "zephyr/cli" not in err and "importlib" not in err
        assert "Hint: Fix the error above" in err


def test_port_in_use_names_the_port_and_the_way_out(write: Write, invoke: Invoke) -> None:
    write("main.py", "from zephyr import FastAPI\n\napp = FastAPI()\n")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = invoke("dev", "--port", str(port))
        assert result.exit_code == 1
        assert f"Error: Port {port} is already in use on 127.0.0.1" in result.stderr
        assert f"zephyr dev --port {port + 1}" in result.stderr
        assert "PORT environment variable" in result.stderr
        result = invoke("run", "--host", "127.0.0.1", "--port", str(port))
        assert f"zephyr run --port {port + 1}" in result.stderr


def test_address_not_on_this_machine(write: Write, invoke: Invoke) -> None:
    write("main.py", "from zephyr import FastAPI\n\napp = FastAPI()\n")
    result = invoke("run", "--host", "192.0.2.1", "--port", str(free_port()))  # TEST-NET-1
    assert result.exit_code == 1
    assert "Cannot listen on 192.0.2.1: it is not an address of this machine" in result.stderr
    assert "--host 127.0.0.1" in result.stderr


def test_reload_and_workers_are_exclusive(write: Write, invoke: Invoke) -> None:
    result = invoke("run", "--reload", "--workers", "2")
    assert result.exit_code == 1
    assert "--reload and --workers cannot be combined" in result.stderr


def test_port_must_be_valid(invoke: Invoke) -> None:
    result = invoke("dev", "--port", "70000")
    assert result.exit_code == 2  # a usage error, reported by the option parser


def test_app_urls_follow_the_apps_docs_settings(write: Write) -> None:
    write(
        "main.py",
        """
        from zephyr import FastAPI

        app = FastAPI()
        nodocs = FastAPI(docs_url=None, openapi_url="/schema.json")
        noschema = FastAPI(openapi_url=None)
        """,
    )
    options = ServeOptions("dev", "127.0.0.1", 8123, True)
    base = "http://127.0.0.1:8123"
    assert app_urls(locate(), options) == [
        ("API", base),
        ("Docs", base + "/docs"),
        ("ReDoc", base + "/redoc"),
        ("OpenAPI", base + "/openapi.json"),
    ]
    assert app_urls(locate(app_name="nodocs"), options) == [
        ("API", base),
        ("ReDoc", base + "/redoc"),
        ("OpenAPI", base + "/schema.json"),
    ]
    assert app_urls(locate(app_name="noschema"), options) == [("API", base)]


def test_base_url_is_one_a_browser_can_open() -> None:
    assert base_url("0.0.0.0", 80) == "http://127.0.0.1:80"
    assert base_url("::", 8000) == "http://[::1]:8000"
    assert base_url("::1", 8000) == "http://[::1]:8000"
    assert base_url("localhost", 8000) == "http://localhost:8000"


def test_dev_hands_uvicorn_the_import_string_and_options(
    write: Write, invoke: Invoke, tmp_path: Path, server_calls: list[dict[str, object]]
) -> None:
    write("src/shop/__init__.py")
    write("src/shop/web.py", "from zephyr import FastAPI\n\napi = FastAPI()\n")
    port = free_port()
    result = invoke("dev", "src/shop/web.py", "--port", str(port), "--root-path", "/v1")
    assert result.exit_code == 0, result.output
    src = str((tmp_path / "src").resolve())
    assert server_calls == [
        {
            "app": "shop.web:api",
            "host": "127.0.0.1",
            "port": port,
            "reload": True,
            "reload_dirs": [src],
            "workers": None,
            "root_path": "/v1",
            "proxy_headers": True,
            "forwarded_allow_ips": None,
            "app_dir": src,
        }
    ]
    assert "Zephyr development server, auto-reload on\n" in result.stdout
    assert f"Docs       http://127.0.0.1:{port}/docs\n" in result.stdout


def test_run_hands_uvicorn_the_production_options(
    write: Write, invoke: Invoke, tmp_path: Path, server_calls: list[dict[str, object]]
) -> None:
    write("main.py", "from zephyr import FastAPI\n\napp = FastAPI()\n")
    write("watched/.keep")
    port = free_port()
    result = invoke(
        "run", "--port", str(port), "--workers", "3", "--no-proxy-headers",
        "--forwarded-allow-ips", "10.0.0.1,10.0.0.2",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (call,) = server_calls
    assert call["app"] == "main:app"
    assert (call["host"], call["port"], call["workers"]) == ("0.0.0.0", port, 3)
    assert (call["reload"], call["reload_dirs"]) == (False, None)
    assert (call["proxy_headers"], call["forwarded_allow_ips"]) == (False, "10.0.0.1,10.0.0.2")
    assert f"Listening  0.0.0.0:{port} (every interface)\n" in result.stdout
    assert "production server, 3 workers" in result.stdout

    server_calls.clear()
    result = invoke("dev", "--reload-dir", "watched", "--port", str(port))
    assert server_calls[0]["reload_dirs"] == [str((tmp_path / "watched").resolve())]


def test_serving_reports_a_route_that_cannot_compile(
    write: Write, invoke: Invoke, server_calls: list[dict[str, object]]
) -> None:
    write(
        "main.py",
        """
        from typing import Annotated
        from zephyr import Depends, FastAPI, Query

        def real() -> int:
            return 1

        def broken(q: Annotated[dict[str, list[dict[str, int]]], Query()]) -> int:
            return 2

        app = FastAPI()

        @app.get("/x")
        def x(v: Annotated[int, Depends(real)]) -> int:
            return v

        app.dependency_overrides[real] = broken
        """,
    )
    result = invoke("dev", "--port", str(free_port()))
    assert result.exit_code == 1
    assert "Error: Compiling the app's routes failed:" in result.stderr
    assert "route '/x'" in result.stderr
    assert server_calls == []


def test_any_asgi_app_can_be_served_by_name(
    write: Write, invoke: Invoke, server_calls: list[dict[str, object]]
) -> None:
    write("main.py", "from starlette.applications import Starlette\n\nsite = Starlette()\n")
    port = free_port()
    result = invoke("dev", "--app", "site", "--port", str(port))
    assert result.exit_code == 0, result.output
    assert server_calls[0]["app"] == "main:site"
    assert f"API  http://127.0.0.1:{port}\n" in result.stdout
    assert "/docs" not in result.stdout  # docs URLs only for a Zephyr app that serves them
