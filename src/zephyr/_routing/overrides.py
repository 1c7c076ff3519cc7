"""`app.dependency_overrides`: a dict that tells the app when it changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

Key = Callable[..., Any]


class OverridesDict(dict[Key, Key]):
    """A dict of dependency overrides that calls `on_change` after every mutation.

    Plans are compiled with the overrides in force; the request path never looks them up.
    Mutating this dict (or assigning a new one to `app.dependency_overrides`) makes the app
    recompile its plans before the next request.
    """

    def __init__(
        self,
        on_change: Callable[[], None],
        initial: Mapping[Key, Key] | Iterable[tuple[Key, Key]] = (),
    ) -> None:
        super().__init__(initial)
        self._on_change = on_change

    def __setitem__(self, key: Key, value: Key) -> None:
        super().__setitem__(key, value)
        self._on_change()

    def __delitem__(self, key: Key) -> None:
        super().__delitem__(key)
        self._on_change()

    def clear(self) -> None:
        super().clear()
        self._on_change()

    def pop(self, key: Key, *default: Any) -> Any:
        value = super().pop(key, *default)
        self._on_change()
        return value

    def popitem(self) -> tuple[Key, Key]:
        item = super().popitem()
        self._on_change()
        return item

    def setdefault(self, key: Key, default: Any = None) -> Any:
        value = super().setdefault(key, default)
        self._on_change()
        return value

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._on_change()

    def __ior__(self, other: Any) -> OverridesDict:  # type: ignore[override,misc]
        super().__ior__(other)
        self._on_change()
        return self
