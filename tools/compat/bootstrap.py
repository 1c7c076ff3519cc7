"""Install Zephyr's ``fastapi`` alias on the first ``fastapi`` import (compat venv only).

tools/compat copies this file into the Zephyr compat venv as ``zephyr_compat_bootstrap.py`` and a
``.pth`` file activates it at interpreter start-up when ZEPHYR_COMPAT_ALIAS=1. It does not import
Zephyr at start-up: that would import pydantic, its plugins (logfire) and starlette before pytest
is configured, unlike a run with the real FastAPI, and pytest would then refuse to rewrite those
modules. Zephyr is imported when the suite first imports ``fastapi``, as FastAPI would be.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType


class _FirstImportFinder(MetaPathFinder):
    """On the first ``fastapi`` lookup, swap itself for zephyr.compat's alias finder."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """Install the alias, then let its finder answer this lookup."""
        if fullname != "fastapi" and not fullname.startswith("fastapi."):
            return None
        sys.meta_path.remove(self)
        try:
            import zephyr.compat

            zephyr.compat.install()
        except BaseException:
            # Stay in place so every later `fastapi` import reports the same real error,
            # instead of a bare "No module named 'fastapi'".
            sys.meta_path.insert(0, self)
            raise
        # install() put its finder first. The import system is iterating over sys.meta_path
        # right now and would skip that new entry, so ask it directly.
        alias_finder = sys.meta_path[0]
        find_spec = getattr(alias_finder, "find_spec", None)
        return find_spec(fullname, path, target) if find_spec is not None else None


_finder = _FirstImportFinder()


def activate() -> None:
    """Put the first-import finder at the front of ``sys.meta_path`` (once)."""
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def active() -> bool:
    """Tell whether ``fastapi`` imports will go (or already go) to Zephyr."""
    if _finder in sys.meta_path:
        return True
    compat = sys.modules.get("zephyr.compat")
    return compat is not None and bool(compat.is_installed())
