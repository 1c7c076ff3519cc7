"""A list of routes that reports every change, so compiled route tables never go stale."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, SupportsIndex

from starlette.routing import BaseRoute


class RouteList(list[BaseRoute]):
    """A `list` of routes that calls `on_change` after any mutation.

    Apps compile their routes once; code that appends to `app.routes` or `router.routes`
    directly (instead of using the decorators) must still be served, so every mutating list
    method notifies the owner, which drops its compiled table.
    """

    def __init__(self, items: Iterable[BaseRoute], on_change: Callable[[], None]) -> None:
        super().__init__(items)
        self._on_change = on_change

    def _changed(self) -> None:
        self._on_change()

    def append(self, item: BaseRoute) -> None:
        super().append(item)
        self._changed()

    def extend(self, items: Iterable[BaseRoute]) -> None:
        super().extend(items)
        self._changed()

    def insert(self, index: SupportsIndex, item: BaseRoute) -> None:
        super().insert(index, item)
        self._changed()

    def remove(self, item: BaseRoute) -> None:
        super().remove(item)
        self._changed()

    def pop(self, index: SupportsIndex = -1) -> BaseRoute:
        item = super().pop(index)
        self._changed()
        return item

    def clear(self) -> None:
        super().clear()
        self._changed()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        super().sort(*args, **kwargs)
        self._changed()

    def reverse(self) -> None:
        super().reverse()
        self._changed()

    def __setitem__(self, index: Any, value: Any) -> None:
        super().__setitem__(index, value)
        self._changed()

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        self._changed()

    def __iadd__(self, items: Iterable[BaseRoute]) -> RouteList:  # type: ignore[override,misc]
        super().__iadd__(items)
        self._changed()
        return self
