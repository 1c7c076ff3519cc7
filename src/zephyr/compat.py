"""Make ``import fastapi`` load Zephyr, so an unmodified FastAPI application runs on it.

After :func:`install`, every ``fastapi`` or ``fastapi.X`` import resolves to the Zephyr module of
the same dotted path (``fastapi.security.oauth2`` -> ``zephyr.security.oauth2``). The alias is the
*same module object* under both names, so ``isinstance`` checks, ``unittest.mock.patch`` targets
and monkeypatching behave identically whichever name the code uses.

How it works: a meta path finder is put at the front of ``sys.meta_path``. It answers for
``fastapi`` and ``fastapi.*`` before the regular path finder runs, so it wins even when the real
FastAPI distribution is installed. It defers to nothing: a ``fastapi.X`` that Zephyr lacks raises
``ModuleNotFoundError`` naming both modules instead of silently falling back to real FastAPI.

Already-imported real FastAPI modules: by default :func:`install` refuses (``RuntimeError``) when
``sys.modules`` already holds ``fastapi`` or ``fastapi.*``, because objects taken from them would
mix two frameworks' classes. ``install(replace=True)`` evicts them instead (and :func:`uninstall`
puts them back); use it only when nothing still holds those objects.

Worth knowing: ``importlib.util.find_spec("fastapi.X")`` raises ``ModuleNotFoundError`` (rather
than returning ``None``) when Zephyr has no ``zephyr.X``; and only modules are aliased, not
distribution metadata, so ``importlib.metadata.version("fastapi")`` still describes the real
FastAPI distribution, or raises ``PackageNotFoundError`` where it is not installed.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import CodeType, ModuleType

__all__ = ["install", "is_installed", "uninstall"]

ALIAS = "fastapi"
TARGET = "zephyr"


def _is_alias_name(name: str) -> bool:
    # `fastapi_cli`, `fastapi_users` etc. are other distributions: only the package and its
    # dotted submodules are ours.
    return name == ALIAS or name.startswith(ALIAS + ".")


def _target_name(alias_name: str) -> str:
    return TARGET + alias_name[len(ALIAS) :]


class _AliasLoader(importlib.abc.Loader):
    """Hand out the already-imported Zephyr module as the ``fastapi.*`` module."""

    def __init__(self, target: str) -> None:
        self._target = target
        self._target_spec: ModuleSpec | None = None

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        """Import the Zephyr module and return it, so one object serves both names."""
        module = importlib.import_module(self._target)
        self._target_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Restore the Zephyr module's own spec.

        The import system unconditionally stamps the alias spec onto the module returned by
        `create_module`; put Zephyr's back so `importlib.reload` and `__spec__.name` still see the
        module's real identity. The module's code already ran when Zephyr imported it.
        """
        module.__spec__ = self._target_spec

    def get_code(self, fullname: str) -> CodeType | None:
        """Return the Zephyr module's code, which ``python -m fastapi`` (runpy) executes."""
        spec = importlib.util.find_spec(self._target)
        loader = spec.loader if spec is not None else None
        if not isinstance(loader, importlib.abc.InspectLoader):
            raise ImportError(f"cannot get the code of {self._target!r}", name=fullname)
        return loader.get_code(self._target)


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Resolve ``fastapi`` and ``fastapi.*`` to the Zephyr module of the same path."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        """Return an alias spec for a ``fastapi`` name, or None to let other finders answer."""
        if not _is_alias_name(fullname):
            return None
        target_name = _target_name(fullname)
        try:
            # Only checks existence (it imports the parents, not the module itself) so that
            # `python -m fastapi` can fetch `__main__`'s code without running it on import.
            found = importlib.util.find_spec(target_name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not _is_self_or_parent(exc.name, target_name):
                raise  # A dependency of the Zephyr module is missing: report that as is.
            found = None
        if found is None:
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: zephyr.compat aliases fastapi to zephyr, "
                f"and Zephyr has no {target_name!r}",
                name=fullname,
            )
        return ModuleSpec(fullname, _AliasLoader(target_name), is_package=_is_package(found))


def _is_self_or_parent(missing: str, target_name: str) -> bool:
    return target_name == missing or target_name.startswith(missing + ".")


def _is_package(spec: ModuleSpec) -> bool:
    return spec.submodule_search_locations is not None


class _State:
    """What `install` changed, so that `uninstall` can undo exactly that."""

    __slots__ = ("evicted", "finder")

    def __init__(self) -> None:
        self.finder = _AliasFinder()
        self.evicted: dict[str, ModuleType] = {}


_state = _State()


def is_installed() -> bool:
    """Tell whether the ``fastapi`` -> ``zephyr`` alias is active."""
    return _state.finder in sys.meta_path


def install(*, replace: bool = False) -> None:
    """Alias ``fastapi`` and all ``fastapi.*`` imports to Zephyr; calling it again does nothing.

    Args:
        replace: Evict real FastAPI modules already in ``sys.modules`` instead of refusing.

    Raises:
        RuntimeError: ``fastapi`` modules were imported before the alias and ``replace`` is False.
    """
    if is_installed():
        return
    loaded = sorted(name for name in sys.modules if _is_alias_name(name))
    if loaded and not replace:
        shown = ", ".join(loaded[:5]) + (", ..." if len(loaded) > 5 else "")
        raise RuntimeError(
            f"zephyr.compat.install() must run before anything imports fastapi; already imported: "
            f"{shown}. Call it earlier, or pass replace=True to evict those modules."
        )
    for name in loaded:
        _state.evicted[name] = sys.modules.pop(name)
    sys.meta_path.insert(0, _state.finder)


def uninstall() -> None:
    """Remove the alias and restore the ``fastapi`` modules that `install` evicted."""
    if not is_installed():
        return  # Never touch `fastapi` modules that the alias did not create.
    sys.meta_path.remove(_state.finder)
    # Every `fastapi*` entry created while installed is an alias; drop them so that a later
    # `import fastapi` finds the real package again (if any).
    for name in [name for name in sys.modules if _is_alias_name(name)]:
        del sys.modules[name]
    sys.modules.update(_state.evicted)
    _state.evicted.clear()
