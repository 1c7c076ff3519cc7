"""Find the application to serve: which module to import, from where, and which attribute.

The rules follow FastAPI's CLI, so a project laid out for `fastapi dev` works with
`zephyr dev` unchanged:

1. `--entrypoint module:attr` (or `module` alone, the attribute then found as below) is
   imported from the current directory. It cannot be combined with PATH or `--app`.
2. PATH (a .py file, or a directory) decides the module. The import name is computed by
   walking up the parent directories as long as they hold an `__init__.py`, so
   `src/shop/api/main.py` in packages `shop` and `shop.api` is imported as `shop.api.main`
   with `src/` put on `sys.path`. A package directory imports the package itself; a plain
   directory (no `__init__.py`) is searched for the default files below.
3. Without PATH (and without `--entrypoint`), `entrypoint` in `[tool.zephyr]` (or, for a
   project moved from FastAPI, `[tool.fastapi]`) of ./pyproject.toml is used.
4. Otherwise the first existing file of main.py, app.py, api.py, app/main.py, app/app.py,
   app/api.py in the current directory.

The attribute is `--app NAME` when given; else `app` or `api` when it is a Zephyr app; else
the first Zephyr app among the module's names, in alphabetical order.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from zephyr.cli.errors import CLIError
from zephyr.cli.imports import import_user_module

DEFAULT_FILES = ("main.py", "app.py", "api.py", "app/main.py", "app/app.py", "app/api.py")
PREFERRED_NAMES = ("app", "api")
CONFIG_TABLES = ("zephyr", "fastapi")

Source = Literal["path", "auto-discovery", "entrypoint-option", "pyproject"]


@dataclass(frozen=True)
class ModuleSpec:
    """Where the application's module comes from.

    Attributes:
        module: Its dotted import name.
        search_path: The directory put first on `sys.path` so the name imports.
        source: Which rule chose it.
        origin: The same, for messages ("main.py", "--entrypoint", ...).
        file: The file or package directory it was found from, when it came from a path.
    """

    module: str
    search_path: Path
    source: Source
    origin: str
    file: Path | None = None


@dataclass(frozen=True)
class AppTarget:
    """The application found: its module, its attribute and the object itself.

    Attributes:
        spec: The module it lives in.
        attr: The attribute holding it (dotted for nested attributes).
        app: The application object.
        attr_chosen: True when the attribute was named by the user, False when discovered.
    """

    spec: ModuleSpec
    attr: str
    app: Any
    attr_chosen: bool

    @property
    def import_string(self) -> str:
        """The `module:attr` string a server imports the app by."""
        return f"{self.spec.module}:{self.attr}"

    @property
    def is_zephyr(self) -> bool:
        """Whether the app is a Zephyr (FastAPI-API) application."""
        return is_zephyr_app(self.app)


def is_zephyr_app(obj: object) -> bool:
    """Tell whether `obj` is a Zephyr application (`zephyr.FastAPI` or a subclass)."""
    from zephyr.applications import FastAPI

    return isinstance(obj, FastAPI)


def looks_like_asgi(obj: object) -> bool:
    """Tell whether `obj` can be an ASGI 3 application: an instance called with 3 arguments."""
    if isinstance(obj, (type, ModuleType)) or not callable(obj):
        return False
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return True  # a callable Python cannot introspect: let the server decide
    try:
        signature.bind(None, None, None)
    except TypeError:
        return False
    return True


def locate(
    path: Path | None = None,
    app_name: str | None = None,
    entrypoint: str | None = None,
    cwd: Path | None = None,
) -> AppTarget:
    """Find, import and return the application, as `zephyr dev|run|routes|openapi` do.

    Args:
        path: PATH argument: a .py file or a directory.
        app_name: `--app`: the attribute holding the app.
        entrypoint: `--entrypoint`: `module:attr` (or `module`).
        cwd: The directory relative paths and pyproject.toml are read from.

    Raises:
        CLIError: Nothing usable was found, or the user's module failed to import.
    """
    cwd = (cwd or Path.cwd()).resolve()
    if entrypoint is not None and (path is not None or app_name is not None):
        raise CLIError(
            "--entrypoint cannot be combined with a PATH argument or --app.",
            hint="Use either `--entrypoint module:attr`, or PATH with an optional --app NAME.",
        )
    attr = app_name
    if entrypoint is not None:
        spec, attr = spec_from_entrypoint(entrypoint, cwd, "entrypoint-option")
    elif path is not None:
        spec = spec_from_path(path if path.is_absolute() else cwd / path, "path")
    else:
        spec, configured = _configured_or_default(cwd, app_name)
        attr = configured if configured is not None else app_name
    module = load_module(spec)
    if attr is not None:
        return AppTarget(spec, attr, resolve_attr(module, spec, attr), attr_chosen=True)
    found = find_app_name(module, spec)
    return AppTarget(spec, found, getattr(module, found), attr_chosen=False)


def _configured_or_default(cwd: Path, app_name: str | None) -> tuple[ModuleSpec, str | None]:
    """Use pyproject.toml's entrypoint, or the first default file (rules 3 and 4)."""
    configured = pyproject_entrypoint(cwd) if app_name is None else None
    if configured is not None:
        value, table = configured
        spec, attr = spec_from_entrypoint(value, cwd, "pyproject")
        origin = f"entrypoint in [tool.{table}] of {cwd / 'pyproject.toml'}"
        return ModuleSpec(spec.module, spec.search_path, "pyproject", origin), attr
    file = default_file(cwd)
    return spec_from_path(file, "auto-discovery"), None


def default_file(directory: Path) -> Path:
    """Return the first of the default files that exists in `directory`."""
    for candidate in DEFAULT_FILES:
        file = directory / candidate
        if file.is_file():
            return file
    tried = ", ".join(DEFAULT_FILES)
    raise CLIError(
        f"No app found: none of {tried} exists in {directory}.",
        hint="Pass the file or package that creates your app (zephyr dev path/to/main.py),"
        " or its import string (zephyr dev --entrypoint mypkg.main:app), or set"
        ' entrypoint = "mypkg.main:app" under [tool.zephyr] in pyproject.toml.',
    )


def spec_from_path(path: Path, source: Source) -> ModuleSpec:
    """Return the module a file or directory path stands for (rule 2)."""
    path = path.resolve()
    if not path.exists():
        raise CLIError(
            f"Path does not exist: {path}",
            hint="Pass an existing .py file or package directory.",
        )
    if path.is_dir() and not (path / "__init__.py").is_file():
        return spec_from_path(default_file(path), source)
    if path.is_file() and path.suffix != ".py":
        raise CLIError(
            f"Not a Python file: {path}",
            hint="Pass the .py file that creates your app, or its package directory.",
        )
    module_path = path.parent if path.name == "__init__.py" else path
    parts = [module_path]
    for parent in module_path.parents:
        if not (parent / "__init__.py").is_file():
            break
        parts.insert(0, parent)
    names = [part.stem if part.is_file() else part.name for part in parts]
    bad = [name for name in names if not name.isidentifier()]
    if bad:
        raise CLIError(
            f"{path} cannot be imported: {bad[0]!r} is not a valid Python module name.",
            hint="Rename it to a valid identifier (letters, digits and underscores).",
        )
    return ModuleSpec(".".join(names), parts[0].parent, source, _display(path), path)


def _display(path: Path) -> str:
    """Show `path` relative to the current directory when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def spec_from_entrypoint(value: str, cwd: Path, source: Source) -> tuple[ModuleSpec, str | None]:
    """Split `module:attr` (or `module`) into the module to import and the attribute."""
    module, colon, attr = value.partition(":")
    names = [*module.split("."), *(attr.split(".") if colon else [])]
    if not module or (colon and not attr) or not all(name.isidentifier() for name in names):
        raise CLIError(
            f"Invalid entrypoint {value!r}.",
            hint="Write it as module:attribute, for example mypkg.main:app.",
        )
    origin = "--entrypoint" if source == "entrypoint-option" else "pyproject.toml"
    return ModuleSpec(module, cwd, source, origin), attr or None


def pyproject_entrypoint(directory: Path) -> tuple[str, str] | None:
    """Return (entrypoint, table name) from ./pyproject.toml's [tool.zephyr] or [tool.fastapi]."""
    file = directory / "pyproject.toml"
    if not file.is_file():
        return None
    toml: Any
    try:
        toml = importlib.import_module("tomllib")
    except ImportError:  # Python 3.10: tomllib is 3.11+, tomli is its backport
        try:
            toml = importlib.import_module("tomli")
        except ImportError:
            return None
    try:
        data = toml.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CLIError(f"Could not read {file}: {exc}", hint="Fix the TOML syntax.") from None
    tools = data.get("tool", {})
    for table in CONFIG_TABLES:
        value = tools.get(table, {}).get("entrypoint")
        if value is None:
            continue
        if not isinstance(value, str):
            raise CLIError(
                f"entrypoint in [tool.{table}] of {file} must be a string.",
                hint='Write it as entrypoint = "mypkg.main:app".',
            )
        return value, table
    return None


def load_module(spec: ModuleSpec) -> ModuleType:
    """Put the module's directory on `sys.path` and import it."""
    search = str(spec.search_path)
    if not sys.path or sys.path[0] != search:
        sys.path.insert(0, search)
    module = import_user_module(spec.module, spec.origin, spec.search_path)
    _check_not_shadowed(module, spec)
    return module


def _check_not_shadowed(module: ModuleType, spec: ModuleSpec) -> None:
    """Refuse a module of the same name imported from elsewhere (say, the standard library)."""
    if spec.file is None:
        return
    loaded = getattr(module, "__file__", None)
    expected = spec.file / "__init__.py" if spec.file.is_dir() else spec.file
    if loaded is not None and Path(loaded).resolve() == expected.resolve():
        return
    raise CLIError(
        f"The module name {spec.module!r} of {spec.file} is taken by {loaded or 'a built-in'}.",
        hint="Rename your file (or package) so its name differs from the installed module.",
    )


def resolve_attr(module: ModuleType, spec: ModuleSpec, attr: str) -> Any:
    """Return `module.<attr>` (dotted for nested attributes), checking it is an ASGI app."""
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            found = zephyr_app_names(module)
            known = f" Zephyr apps in it: {', '.join(found)}." if found else ""
            raise CLIError(
                f"Module {spec.module!r} ({spec.origin}) has no attribute {attr!r}.{known}",
                hint="Pass the name of the variable that holds the app: --app NAME.",
            )
        obj = getattr(obj, part)
    if not looks_like_asgi(obj):
        raise CLIError(
            f"{spec.module}:{attr} is not an ASGI app: it is {describe_object(obj)}.",
            hint="Point at the application object itself, for example app = FastAPI(),"
            " with --app NAME or --entrypoint module:attr.",
        )
    return obj


def zephyr_app_names(module: ModuleType) -> list[str]:
    """Return the names of the module's Zephyr apps, `app` and `api` first."""
    preferred = [name for name in PREFERRED_NAMES if hasattr(module, name)]
    names = preferred + [name for name in sorted(dir(module)) if name not in PREFERRED_NAMES]
    return [name for name in names if is_zephyr_app(getattr(module, name, None))]


def find_app_name(module: ModuleType, spec: ModuleSpec) -> str:
    """Return the name of the module's app: `app`, `api`, else the first Zephyr app."""
    found = zephyr_app_names(module)
    if found:
        return found[0]
    others = [
        name
        for name in sorted(dir(module))
        if not name.startswith("_") and looks_like_asgi(getattr(module, name, None))
    ]
    hint = "Create one (app = FastAPI() with `from zephyr import FastAPI`), or name it: --app NAME."
    if others:
        kinds = ", ".join(f"{name} ({describe_object(getattr(module, name))})" for name in others)
        hint = (
            f"ASGI apps that are not Zephyr apps: {kinds}. Import FastAPI from zephyr (or call"
            " zephyr.compat.install() before importing fastapi), or serve one anyway with"
            " --app NAME (zephyr routes and zephyr openapi need a Zephyr app)."
        )
    raise CLIError(
        f"No Zephyr app found in module {spec.module!r} ({spec.origin}): looked for a"
        " zephyr.FastAPI instance named `app` or `api`, then for any zephyr.FastAPI instance.",
        hint=hint,
    )


def describe_object(obj: object) -> str:
    """Describe an object for messages: 'a str', 'an instance of pkg.Class', 'the class X'."""
    if isinstance(obj, type):
        return f"the class {obj.__module__}.{obj.__qualname__}"
    if isinstance(obj, ModuleType):
        return f"the module {obj.__name__}"
    cls = type(obj)
    if cls.__module__ == "builtins":
        return f"an instance of {cls.__qualname__}"
    return f"an instance of {cls.__module__}.{cls.__qualname__}"
