"""How the CLI finds the app: default files, package paths, --app, --entrypoint, pyproject."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.cli.conftest import Write

from zephyr import FastAPI
from zephyr.cli.discover import locate
from zephyr.cli.errors import CLIError

APP = """
from zephyr import FastAPI

app = FastAPI(title="{title}")
"""


def _error(**kwargs: object) -> CLIError:
    with pytest.raises(CLIError) as info:
        locate(**kwargs)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize(
    ("present", "chosen", "module"),
    [
        (["main.py", "app.py", "api.py"], "main.py", "main"),
        (["app.py", "api.py"], "app.py", "app"),
        (["api.py"], "api.py", "api"),
        (["app/main.py", "app/api.py"], "app/main.py", "main"),
        (["app/app.py", "app/api.py"], "app/app.py", "app"),
        (["app/api.py"], "app/api.py", "api"),
    ],
)
def test_default_files_in_order(
    write: Write, tmp_path: Path, present: list[str], chosen: str, module: str
) -> None:
    for name in present:
        write(name, APP.format(title=name))
    target = locate()
    assert target.app.title == chosen
    assert target.spec.module == module  # app/ has no __init__.py: a plain directory
    assert target.spec.source == "auto-discovery"
    assert target.spec.file == (tmp_path / chosen).resolve()
    assert target.import_string == f"{module}:app"
    assert not target.attr_chosen


def test_default_file_inside_a_package_is_imported_by_its_package_name(
    write: Write, tmp_path: Path
) -> None:
    write("app/__init__.py")
    write("app/main.py", APP.format(title="pkg"))
    target = locate()
    assert target.spec.module == "app.main"
    assert target.spec.search_path == tmp_path.resolve()
    assert target.app.title == "pkg"


def test_no_default_file_says_where_it_looked_and_what_to_pass(tmp_path: Path) -> None:
    error = _error()
    assert str(tmp_path.resolve()) in error.message
    for name in ("main.py", "app.py", "api.py", "app/main.py", "app/app.py", "app/api.py"):
        assert name in error.message
    assert "zephyr dev path/to/main.py" in error.hint
    assert "--entrypoint" in error.hint
    assert "[tool.zephyr]" in error.hint


def test_file_in_nested_packages_walks_up_to_the_top_package(write: Write, tmp_path: Path) -> None:
    write("src/shop/__init__.py")
    write("src/shop/api/__init__.py")
    write("src/shop/api/server.py", APP.format(title="nested"))
    target = locate(Path("src/shop/api/server.py"))
    assert target.spec.module == "shop.api.server"
    assert target.spec.search_path == (tmp_path / "src").resolve()
    assert target.import_string == "shop.api.server:app"
    assert sys.path[0] == str((tmp_path / "src").resolve())
    assert target.spec.source == "path"


def test_package_directory_imports_the_package(write: Write, tmp_path: Path) -> None:
    write("proj/shop/__init__.py", APP.format(title="package"))
    target = locate(tmp_path / "proj" / "shop")
    assert target.spec.module == "shop"
    assert target.spec.search_path == (tmp_path / "proj").resolve()
    assert target.app.title == "package"


def test_init_file_path_is_its_package(write: Write) -> None:
    write("shop/__init__.py", APP.format(title="init"))
    assert locate(Path("shop/__init__.py")).spec.module == "shop"


def test_plain_directory_is_searched_for_the_default_files(write: Write, tmp_path: Path) -> None:
    write("service/app.py", APP.format(title="in dir"))
    target = locate(Path("service"))
    assert target.spec.module == "app"
    assert target.spec.search_path == (tmp_path / "service").resolve()
    assert target.app.title == "in dir"


def test_app_is_preferred_then_api_then_any_zephyr_app(write: Write) -> None:
    write(
        "main.py",
        """
        from zephyr import FastAPI

        zeta = FastAPI(title="zeta")
        api = FastAPI(title="api")
        app = FastAPI(title="app")
        """,
    )
    assert locate().attr == "app"
    write(
        "second.py",
        """
        from zephyr import FastAPI

        zeta = FastAPI(title="zeta")
        api = FastAPI(title="api")
        """,
    )
    assert locate(Path("second.py")).attr == "api"
    write(
        "third.py",
        """
        from zephyr import FastAPI

        zeta = FastAPI(title="zeta")
        beta = FastAPI(title="beta")
        """,
    )
    assert locate(Path("third.py")).attr == "beta"  # the first in alphabetical order


def test_an_app_variable_that_is_not_a_zephyr_app_is_skipped(write: Write) -> None:
    write(
        "main.py",
        """
        from starlette.applications import Starlette
        from zephyr import FastAPI

        app = Starlette()
        service = FastAPI()
        """,
    )
    assert locate().attr == "service"


def test_no_zephyr_app_names_the_module_and_the_other_asgi_apps(write: Write) -> None:
    write(
        "main.py",
        """
        from starlette.applications import Starlette

        app = Starlette()
        settings = {"debug": True}
        """,
    )
    error = _error()
    assert "No Zephyr app found in module 'main' (main.py)" in error.message
    assert "`app` or `api`" in error.message
    assert "app (an instance of starlette.applications.Starlette)" in error.hint
    assert "zephyr.compat.install()" in error.hint
    assert "--app NAME" in error.hint


def test_app_option_picks_the_attribute(write: Write) -> None:
    write(
        "main.py",
        """
        from zephyr import FastAPI

        app = FastAPI(title="app")
        admin = FastAPI(title="admin")
        """,
    )
    target = locate(app_name="admin")
    assert target.app.title == "admin"
    assert target.import_string == "main:admin"
    assert target.attr_chosen


def test_app_option_may_name_any_asgi_app(write: Write) -> None:
    write("main.py", "from starlette.applications import Starlette\n\nsite = Starlette()\n")
    target = locate(app_name="site")
    assert not target.is_zephyr


def test_app_option_with_a_missing_attribute_lists_the_apps(write: Write) -> None:
    write(
        "main.py",
        """
        from zephyr import FastAPI

        app = FastAPI()
        admin = FastAPI()
        """,
    )
    error = _error(app_name="application")
    assert "Module 'main' (main.py) has no attribute 'application'" in error.message
    assert "Zephyr apps in it: app, admin" in error.message
    assert "--app NAME" in error.hint


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("thing = 42", "an instance of int"),
        ("from zephyr import FastAPI as thing", "the class zephyr.applications.FastAPI"),
        ("import json as thing", "the module json"),
        ("def thing(request):\n    return None", "an instance of function"),
    ],
)
def test_attribute_that_is_not_an_asgi_app(write: Write, source: str, kind: str) -> None:
    write("main.py", source + "\n")
    error = _error(app_name="thing")
    assert error.message == f"main:thing is not an ASGI app: it is {kind}."
    assert "app = FastAPI()" in error.hint


def test_entrypoint_imports_from_the_current_directory(write: Write) -> None:
    write("pkg/__init__.py")
    write("pkg/server.py", APP.format(title="entry"))
    target = locate(entrypoint="pkg.server:app")
    assert target.app.title == "entry"
    assert target.spec.source == "entrypoint-option"
    assert target.import_string == "pkg.server:app"


def test_entrypoint_without_attribute_finds_the_app(write: Write) -> None:
    write("server.py", APP.format(title="found"))
    target = locate(entrypoint="server")
    assert target.attr == "app"
    assert not target.attr_chosen


def test_entrypoint_attribute_may_be_nested(write: Write) -> None:
    write(
        "server.py",
        """
        from zephyr import FastAPI

        class Holder:
            app = FastAPI(title="nested")
        """,
    )
    target = locate(entrypoint="server:Holder.app")
    assert target.app.title == "nested"
    assert target.import_string == "server:Holder.app"


@pytest.mark.parametrize("value", [":app", "server:", "ser-ver:app", "a:b:c", "server:app()"])
def test_invalid_entrypoint(value: str) -> None:
    error = _error(entrypoint=value)
    assert error.message == f"Invalid entrypoint {value!r}."
    assert "module:attribute" in error.hint


@pytest.mark.parametrize("other", [{"path": Path("main.py")}, {"app_name": "app"}])
def test_entrypoint_excludes_path_and_app(other: dict[str, object]) -> None:
    error = _error(entrypoint="main:app", **other)
    assert "--entrypoint cannot be combined" in error.message


def test_missing_entrypoint_module(tmp_path: Path) -> None:
    error = _error(entrypoint="nowhere.server:app")
    assert "Could not import module 'nowhere.server' (--entrypoint)" in error.message
    assert str(tmp_path.resolve()) in error.message
    assert "zephyr dev path/to/main.py" in error.hint


def test_pyproject_entrypoint(write: Write) -> None:
    write("main.py", APP.format(title="default"))
    write("service/__init__.py")
    write("service/web.py", APP.format(title="configured"))
    write("pyproject.toml", '[tool.zephyr]\nentrypoint = "service.web:app"\n')
    target = locate()
    assert target.app.title == "configured"
    assert target.spec.source == "pyproject"
    assert "[tool.zephyr]" in target.spec.origin


def test_pyproject_fastapi_table_is_read_and_zephyr_wins(write: Write) -> None:
    write("one.py", APP.format(title="one"))
    write("two.py", APP.format(title="two"))
    write("pyproject.toml", '[tool.fastapi]\nentrypoint = "one:app"\n')
    assert locate().app.title == "one"
    write(
        "pyproject.toml",
        '[tool.fastapi]\nentrypoint = "one:app"\n\n[tool.zephyr]\nentrypoint = "two:app"\n',
    )
    sys.modules.pop("one", None)
    assert locate().app.title == "two"


def test_path_and_app_options_override_pyproject(write: Write) -> None:
    write("main.py", APP.format(title="main"))
    write("other.py", APP.format(title="other"))
    write("pyproject.toml", '[tool.zephyr]\nentrypoint = "other:app"\n')
    assert locate(Path("main.py")).app.title == "main"
    assert locate(app_name="app").app.title == "main"  # --app alone: the default file


def test_pyproject_entrypoint_must_be_a_string(write: Write) -> None:
    write("pyproject.toml", "[tool.zephyr]\nentrypoint = 3\n")
    error = _error()
    assert "must be a string" in error.message


def test_broken_pyproject(write: Write) -> None:
    write("pyproject.toml", "[tool.zephyr\n")
    assert "Could not read" in _error().message


def test_missing_path(tmp_path: Path) -> None:
    error = _error(path=Path("nope.py"))
    assert error.message == f"Path does not exist: {(tmp_path / 'nope.py').resolve()}"


def test_path_that_is_not_python(write: Write) -> None:
    write("main.txt", "app = 1\n")
    assert "Not a Python file" in _error(path=Path("main.txt")).message


def test_file_name_that_cannot_be_a_module(write: Write) -> None:
    write("my-app.py", APP.format(title="x"))
    error = _error(path=Path("my-app.py"))
    assert "'my-app' is not a valid Python module name" in error.message


def test_file_shadowed_by_an_imported_module(write: Write) -> None:
    write("json.py", APP.format(title="shadowed"))  # `json` is imported already
    error = _error(path=Path("json.py"))
    assert "The module name 'json'" in error.message
    assert "is taken by" in error.message
    assert "Rename" in error.hint


def test_import_error_shows_only_the_users_traceback(write: Write) -> None:
    write("helpers.py", "def load():\n    raise RuntimeError('settings missing')\n")
    write("main.py", "import helpers\n\nconfig = helpers.load()\n")
    error = _error()
    assert error.message == "Importing 'main' (main.py) failed."
    details = error.details
    assert details.startswith("Traceback (most recent call last):")
    assert 'main.py", line 3, in <module>' in details
    assert 'helpers.py", line 2, in load' in details
    assert details.endswith("RuntimeError: settings missing")
    assert "zephyr" not in details  # neither the CLI's frames ...
    assert "importlib" not in details  # ... nor the import machinery's


def test_import_of_a_missing_dependency(write: Write) -> None:
    write("main.py", "import not_installed_anywhere\n")
    error = _error()
    assert "ModuleNotFoundError: No module named 'not_installed_anywhere'" in error.details
    assert "not installed" in error.hint


def test_syntax_error_points_at_the_line(write: Write) -> None:
    write("main.py", "from zephyr import FastAPI\n\napp = FastAPI(\n")
    error = _error()
    assert 'main.py", line 3' in error.details
    assert "SyntaxError" in error.details


def test_chained_exceptions_keep_both_user_tracebacks(write: Write) -> None:
    write(
        "main.py",
        """
        try:
            {}["key"]
        except KeyError as exc:
            raise ValueError("bad config") from exc
        """,
    )
    details = _error().details
    assert "KeyError: 'key'" in details
    assert "direct cause" in details
    assert details.endswith("ValueError: bad config")
    assert "importlib" not in details


def test_found_app_is_the_module_object(write: Write) -> None:
    write("main.py", APP.format(title="same"))
    target = locate()
    assert isinstance(target.app, FastAPI)
    assert target.app is sys.modules["main"].app
