"""Response classes: Starlette's own, plus FastAPI's orjson and ujson JSON responses.

``ORJSONResponse`` and ``UJSONResponse`` are deprecated exactly as in FastAPI 0.165: Zephyr's
response encoder already writes JSON bytes from Pydantic in Rust when an endpoint declares a return
type or ``response_model``, which is faster than either library. Their optional libraries are
imported on first render, never when this module is imported.
"""

import importlib
from types import ModuleType
from typing import Any

from starlette.responses import FileResponse as FileResponse
from starlette.responses import HTMLResponse as HTMLResponse
from starlette.responses import JSONResponse as JSONResponse
from starlette.responses import PlainTextResponse as PlainTextResponse
from starlette.responses import RedirectResponse as RedirectResponse
from starlette.responses import Response as Response
from starlette.responses import StreamingResponse as StreamingResponse
from typing_extensions import deprecated

from zephyr.exceptions import FastAPIDeprecationWarning, FastAPIError
from zephyr.sse import EventSourceResponse as EventSourceResponse

_DEPRECATION = (
    "{name} is deprecated, Zephyr serializes data directly to JSON bytes via Pydantic when a "
    "return type or response model is set, which is faster and doesn't need a custom response "
    "class. Declare the endpoint's return type (or response_model) and return the data."
)


def _import_json_library(module_name: str, response_class: str) -> ModuleType:
    """Import an optional JSON library, or fail with an error that says what to install.

    Args:
        module_name: The library's import name.
        response_class: The response class that needs it, named in the error.

    Returns:
        The imported module.

    Raises:
        FastAPIError: If the library cannot be imported; the ``ImportError`` is its cause.
    """
    try:
        # importlib rather than an import statement so the lookup stays lazy and patchable.
        return importlib.import_module(module_name)
    except ImportError as exc:
        raise FastAPIError(
            f"{module_name} must be installed to use {response_class}: pip install {module_name}"
        ) from exc


@deprecated(
    _DEPRECATION.format(name="UJSONResponse"),
    category=FastAPIDeprecationWarning,
    stacklevel=2,
)
class UJSONResponse(JSONResponse):
    """Render JSON with ``ujson`` (deprecated; install ``ujson`` separately).

    Non-ASCII characters are written as UTF-8, not escaped.
    """

    def render(self, content: Any) -> bytes:
        """Serialise ``content`` to UTF-8 JSON bytes with ``ujson``."""
        ujson = _import_json_library("ujson", "UJSONResponse")
        text: str = ujson.dumps(content, ensure_ascii=False)
        return text.encode("utf-8")


@deprecated(
    _DEPRECATION.format(name="ORJSONResponse"),
    category=FastAPIDeprecationWarning,
    stacklevel=2,
)
class ORJSONResponse(JSONResponse):
    """Render JSON with ``orjson`` (deprecated; install ``orjson`` separately).

    Non-string dict keys are converted to strings and numpy arrays are serialised, as
    FastAPI's ``ORJSONResponse`` does.
    """

    def render(self, content: Any) -> bytes:
        """Serialise ``content`` to JSON bytes with ``orjson``."""
        orjson = _import_json_library("orjson", "ORJSONResponse")
        options: int = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
        data: bytes = orjson.dumps(content, option=options)
        return data
