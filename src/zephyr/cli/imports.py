"""Import the user's module, reporting failures with the user's traceback only.

A failed import would otherwise show a traceback that starts in the CLI and runs through
importlib's machinery before it reaches the line that is actually wrong. The frames of this
package and of importlib are dropped, so what is left starts in the user's code.
"""

from __future__ import annotations

import importlib
import traceback
from pathlib import Path
from types import ModuleType

from zephyr.cli.errors import CLIError

_CLI_DIR = str(Path(__file__).resolve().parent)
_IMPORTLIB_FILE = str(Path(importlib.__file__ or "").resolve())


def _is_internal(frame: traceback.FrameSummary) -> bool:
    filename = frame.filename
    if filename.startswith("<frozen importlib"):
        return True
    resolved = str(Path(filename).resolve())
    return resolved.startswith(_CLI_DIR) or resolved == _IMPORTLIB_FILE


def _strip(error: traceback.TracebackException, seen: set[int]) -> None:
    """Drop internal frames from `error` and from the exceptions chained to it."""
    if id(error) in seen:
        return
    seen.add(id(error))
    kept = [frame for frame in error.stack if not _is_internal(frame)]
    error.stack = traceback.StackSummary.from_list(kept)
    for chained in (error.__cause__, error.__context__):
        if chained is not None:
            _strip(chained, seen)


def user_traceback(exc: BaseException) -> str:
    """Return the formatted traceback of `exc` without the CLI's and importlib's frames."""
    error = traceback.TracebackException.from_exception(exc)
    _strip(error, set())
    return "".join(error.format()).rstrip()


def _is_missing(module: str, exc: ModuleNotFoundError) -> bool:
    """Tell whether `exc` says `module` itself (or a package above it) does not exist."""
    missing = exc.name
    return missing is not None and (module == missing or module.startswith(missing + "."))


def import_user_module(module: str, origin: str, search_path: Path | None) -> ModuleType:
    """Import `module`, turning any failure into a `CLIError` a person can act on.

    Args:
        module: The dotted module name.
        origin: Where the module name came from, for messages (a file, an option...).
        search_path: The directory put on `sys.path` for it, if any.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if _is_missing(module, exc):
            where = f" (searched from {search_path})" if search_path is not None else ""
            raise CLIError(
                f"Could not import module {module!r} ({origin}): no such module{where}.",
                hint="Check the spelling, run the command from your project's directory, or pass"
                " the path of the file instead: zephyr dev path/to/main.py",
            ) from None
        raise _import_failed(module, origin, exc) from None
    except Exception as exc:  # whatever the user's module raises while it is imported
        raise _import_failed(module, origin, exc) from None


def _import_failed(module: str, origin: str, exc: Exception) -> CLIError:
    hint = "Fix the error above (it is raised by your code while it is imported) and run again."
    if isinstance(exc, ImportError):
        hint = (
            "Your module imports something that is not installed or not importable. Install the"
            " package, or make sure every package directory has an __init__.py file."
        )
    return CLIError(
        f"Importing {module!r} ({origin}) failed.",
        hint=hint,
        details=user_traceback(exc),
    )
