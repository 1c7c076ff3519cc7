"""Small helpers with FastAPI's public names: status-code rules, path parsing, operation IDs."""

import re
import warnings
from collections.abc import Collection
from typing import Any, Protocol

from zephyr.datastructures import DefaultPlaceholder, DefaultType
from zephyr.exceptions import FastAPIDeprecationWarning, FastAPIError

# OpenAPI response keys that stand for a range of codes (or any), not one status code.
_STATUS_CODE_RANGES = frozenset({"default", "1XX", "2XX", "3XX", "4XX", "5XX"})
# Statuses whose responses must not carry a body (RFC 9110), besides every 1xx.
_BODYLESS_STATUS_CODES = frozenset({204, 205, 304})
_PATH_PARAM = re.compile(r"{(.*?)}")
_NON_WORD = re.compile(r"\W")


class _OperationRoute(Protocol):
    """What :func:`generate_unique_id` reads from a route (``APIRoute`` provides it)."""

    @property
    def name(self) -> str: ...

    @property
    def path_format(self) -> str: ...

    @property
    def methods(self) -> Collection[str] | None: ...


def is_body_allowed_for_status_code(status_code: int | str | None) -> bool:
    """Return whether a response with this status code may have a body.

    Args:
        status_code: An HTTP status code, an OpenAPI range key such as ``"4XX"`` or
            ``"default"``, or ``None`` (no status declared).

    Returns:
        False for 1xx, 204, 205 and 304; True otherwise, including ranges and ``None``.
    """
    if status_code is None or status_code in _STATUS_CODE_RANGES:
        return True
    code = int(status_code)
    return code >= 200 and code not in _BODYLESS_STATUS_CODES


def get_path_param_names(path: str) -> set[str]:
    """Return the names of the ``{parameters}`` in a path template.

    A converter suffix is kept: ``"/files/{path:path}"`` gives ``{"path:path"}``.
    """
    return set(_PATH_PARAM.findall(path))


def _operation_id(name: str, path: str, method: str) -> str:
    return f"{_NON_WORD.sub('_', name + path)}_{method.lower()}"


def generate_operation_id_for_path(*, name: str, path: str, method: str) -> str:
    """Return an OpenAPI operation ID built from a name, a path and a method (deprecated).

    Use :func:`generate_unique_id`, which the application calls for every route.
    """
    warnings.warn(
        "zephyr.utils.generate_operation_id_for_path() is deprecated, it is not used "
        "internally, and will be removed soon; use generate_unique_id() instead",
        category=FastAPIDeprecationWarning,
        stacklevel=2,
    )
    return _operation_id(name, path, method)


def generate_unique_id(route: _OperationRoute) -> str:
    """Return the default OpenAPI operation ID of a route, as FastAPI builds it.

    The route's name and path with every non-word character replaced by ``_``, then its
    (first) method in lower case: ``read_item`` at ``GET /items/{item_id}`` gives
    ``"read_item_items__item_id__get"``.

    Args:
        route: A route with ``name``, ``path_format`` and ``methods``.

    Raises:
        FastAPIError: If the route has no methods.
    """
    if not route.methods:
        raise FastAPIError(
            f"Cannot generate an operation ID for route {route.name!r} at "
            f"{route.path_format!r}: it has no HTTP methods."
        )
    # Same pick as FastAPI (the set's first element), so IDs match for multi-method routes.
    method = next(iter(route.methods))
    return _operation_id(route.name, route.path_format, method)


def deep_dict_update(main_dict: dict[Any, Any], update_dict: dict[Any, Any]) -> None:
    """Merge ``update_dict`` into ``main_dict`` in place.

    Nested dicts are merged recursively, lists present in both are concatenated (``main_dict``'s
    items first), and any other value from ``update_dict`` replaces the existing one.
    """
    for key, value in update_dict.items():
        current = main_dict.get(key)
        if key in main_dict and isinstance(current, dict) and isinstance(value, dict):
            deep_dict_update(current, value)
        elif key in main_dict and isinstance(current, list) and isinstance(value, list):
            main_dict[key] = current + value
        else:
            main_dict[key] = value


def get_value_or_default(
    first_item: DefaultPlaceholder | DefaultType,
    *extra_items: DefaultPlaceholder | DefaultType,
) -> DefaultPlaceholder | DefaultType:
    """Return the first item that is not a :class:`DefaultPlaceholder`.

    Pass the candidates by descending priority (route, router, application). If every item is
    a placeholder, return the first one.
    """
    for item in (first_item, *extra_items):
        if not isinstance(item, DefaultPlaceholder):
            return item
    return first_item
