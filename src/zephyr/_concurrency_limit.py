"""Per-declaration concurrency budgets for `Depends(max_concurrency=N)`."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from anyio import Semaphore
from anyio.lowlevel import RunVar

# One semaphore per declaration and per event loop: a RunVar is local to the running loop, so
# an app served by several loops (tests, workers) never shares an anyio primitive across them.
_semaphores: RunVar[WeakKeyDictionary[DependencyConcurrency, Semaphore]] = RunVar(
    "zephyr_dependency_semaphores"
)


class DependencyConcurrency:
    """The budget of one `Depends(max_concurrency=N)` declaration."""

    __slots__ = ("__weakref__", "max_concurrency")

    def __init__(self, max_concurrency: int) -> None:
        self.max_concurrency = max_concurrency

    def semaphore(self) -> Semaphore:
        """Return this declaration's semaphore for the running event loop."""
        table = _semaphores.get(None)
        if table is None:
            table = WeakKeyDictionary()
            _semaphores.set(table)
        found = table.get(self)
        if found is None:
            found = table[self] = Semaphore(self.max_concurrency)
        return found

    # FastAPI's name for the same thing; tests and integrations call it.
    get_semaphore = semaphore

    def __repr__(self) -> str:
        return f"DependencyConcurrency({self.max_concurrency})"
