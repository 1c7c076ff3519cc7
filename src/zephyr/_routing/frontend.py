"""`app.frontend()` / `router.frontend()`: serve a built frontend (an SPA) at low priority.

Frontend routes are tried only when no ordinary route matched (and no trailing-slash
redirect applies). The most specific frontend path wins. A file that exists is served; a
missing one gets `404.html` when the directory has one (or when asked for), otherwise
`index.html` for navigation requests (GET/HEAD whose Accept takes HTML), otherwise a 404.
"""

from __future__ import annotations

import contextlib
import email.message
import errno
import os
import stat
import sys
import warnings
from collections.abc import Iterator
from typing import Any, Literal

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL, Headers
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

Fallback = Literal["auto", "index.html", "404.html"] | None
_ENV_VARIABLES = ("ZEPHYR_ENV", "FASTAPI_ENV")


def normalize_path(path: str) -> str:
    """Check a frontend path and drop its trailing slash ("/" stays "/")."""
    if not path:
        raise AssertionError("A frontend path cannot be empty")
    if not path.startswith("/"):
        raise AssertionError("A frontend path must start with '/'")
    return path if path == "/" else path.rstrip("/")


def join_paths(prefix: str, path: str) -> str:
    """Put a router prefix in front of a frontend path."""
    if not prefix:
        return path
    return prefix if path == "/" else prefix + path


def specificity(path: str) -> int:
    """Longer frontend paths are more specific; "/" is the least."""
    return 0 if path == "/" else len(path)


def resolve_check_dir(directory: str | os.PathLike[str], check_dir: bool | str) -> bool:
    """Decide whether a missing directory is an error now (always, except in development)."""
    if check_dir != "auto":
        return bool(check_dir)
    if all(os.environ.get(name) != "development" for name in _ENV_VARIABLES):
        return True
    if not os.path.isdir(directory):
        warnings.warn(
            f"Frontend directory '{directory}' does not exist. "
            f"Resolved absolute path: '{os.path.realpath(os.fspath(directory))}'",
            stacklevel=_user_stacklevel(),
        )
    return False


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _user_stacklevel() -> int:
    """Return the `stacklevel` that points a warning at the first caller outside Zephyr.

    `app.frontend()` and `router.frontend()` reach here through different numbers of
    Zephyr frames; the warning must name the user's line either way.
    """
    frame = sys._getframe(1)  # the function that will call warnings.warn
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def relative_path(path: str, route_path: str) -> str | None:
    """Return the file path a request addresses under a frontend path, or None."""
    if path == "/":
        return route_path.lstrip("/")
    if route_path == path:
        return ""
    if route_path.startswith(path + "/"):
        return route_path[len(path) + 1 :]
    return None


def _accept_types(accept: str) -> Iterator[tuple[str, float]]:
    for raw in accept.split(","):
        message = email.message.Message()
        message["content-type"] = raw.strip()
        quality = 1.0
        q = message.get_param("q")
        if isinstance(q, str):
            with contextlib.suppress(ValueError):  # an unreadable q counts as 1
                quality = float(q)
        yield f"{message.get_content_maintype()}/{message.get_content_subtype()}", quality


def is_navigation(scope: Scope) -> bool:
    """Return True when the client explicitly accepts HTML (a page load, not an asset)."""
    accept = Headers(scope=scope).get("accept", "")
    html = {"text/html", "application/xhtml+xml"}
    return any(kind in html and quality != 0 for kind, quality in _accept_types(accept))


class FrontendFiles(StaticFiles):
    """StaticFiles with the frontend's fallback rules (no symlinks out of the directory)."""

    def __init__(
        self, *, directory: str | os.PathLike[str], fallback: Fallback, check_dir: bool
    ) -> None:
        self.fallback = fallback
        if check_dir and not os.path.isdir(directory):
            raise RuntimeError(
                f"Frontend directory '{directory}' does not exist. "
                f"Resolved absolute path: '{os.path.realpath(os.fspath(directory))}'"
            )
        super().__init__(directory=directory, html=True, check_dir=check_dir, follow_symlink=False)
        if check_dir and fallback in {"index.html", "404.html"}:
            _, found = self.lookup_path(str(fallback))
            if found is None or not stat.S_ISREG(found.st_mode):
                raise RuntimeError(self._missing_fallback(str(fallback)))

    def _missing_fallback(self, name: str) -> str:
        resolved = os.path.realpath(os.fspath(self.directory or ""))
        return (
            f"Frontend fallback file '{name}' does not exist in directory "
            f"'{self.directory}'. Resolved absolute directory: '{resolved}'"
        )

    async def response_for(self, relative: str, scope: Scope) -> Response:
        """Answer a request for `relative` (a path under the frontend)."""
        if not self.config_checked:
            await self.check_config()
            self.config_checked = True
        path = os.path.normpath(os.path.join(*relative.split("/")))
        found = await self._resource(path)
        if scope["method"] not in ("GET", "HEAD"):
            raise HTTPException(status_code=405 if found is not None else 404)
        if found is not None:
            full_path, stat_result, is_index = found
            if is_index and not scope["path"].endswith("/"):
                url = URL(scope=scope)
                return RedirectResponse(url=url.replace(path=url.path + "/"))
            return self.file_response(full_path, stat_result, scope)
        if self.fallback == "404.html" or (
            self.fallback == "auto" and await self._exists("404.html")
        ):
            return await self._fallback("404.html", scope, 404)
        wants_index = self.fallback == "index.html" or (
            self.fallback == "auto" and await self._exists("index.html")
        )
        if wants_index and is_navigation(scope):
            return await self._fallback("index.html", scope, 200)
        raise HTTPException(status_code=404)

    async def _lookup(self, path: str) -> tuple[str, os.stat_result | None]:
        try:
            return await run_in_threadpool(self.lookup_path, path)
        except PermissionError:
            raise HTTPException(status_code=401) from None
        except ValueError:
            raise HTTPException(status_code=404) from None
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:
                raise HTTPException(status_code=404) from None
            raise

    async def _resource(self, path: str) -> tuple[str, os.stat_result, bool] | None:
        full_path, found = await self._lookup(path)
        if found is not None and stat.S_ISREG(found.st_mode):
            return full_path, found, False
        if found is not None and stat.S_ISDIR(found.st_mode):
            full_path, index = await self._lookup(os.path.join(path, "index.html"))
            if index is not None and stat.S_ISREG(index.st_mode):
                return full_path, index, True
        return None

    async def _exists(self, name: str) -> bool:
        _, found = await run_in_threadpool(self.lookup_path, name)
        return found is not None and stat.S_ISREG(found.st_mode)

    async def _fallback(self, name: str, scope: Scope, status_code: int) -> Response:
        full_path, found = await run_in_threadpool(self.lookup_path, name)
        if found is None or not stat.S_ISREG(found.st_mode):
            raise RuntimeError(self._missing_fallback(name))
        return self.file_response(full_path, found, scope, status_code=status_code)


class Frontend:
    """One `frontend(path, directory=...)` declaration of a router.

    Attributes:
        path: The frontend path, router prefix included.
        files: The file server.
        dependencies: The router's dependencies when the frontend was declared.
    """

    def __init__(
        self,
        path: str,
        *,
        directory: str | os.PathLike[str],
        fallback: Fallback,
        check_dir: bool,
        dependencies: list[Any],
    ) -> None:
        if fallback not in {"auto", "index.html", "404.html", None}:
            raise AssertionError("fallback must be 'auto', 'index.html', '404.html', or None")
        self.path = normalize_path(path)
        self.files = FrontendFiles(directory=directory, fallback=fallback, check_dir=check_dir)
        self.dependencies = dependencies
