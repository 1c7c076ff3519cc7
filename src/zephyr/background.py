"""Background tasks: functions run after the response has been sent."""

import sys
from collections.abc import Callable
from typing import Any, ParamSpec

from starlette.background import BackgroundTasks as StarletteBackgroundTasks

P = ParamSpec("P")
# Loaded only when an app is built with telemetry possible; otherwise tasks run unchecked.
_TELEMETRY_EVENTS = "zephyr.telemetry._events"


class BackgroundTasks(StarletteBackgroundTasks):
    """Collect functions to call once the response has been sent to the client.

    Declare a parameter of this type in an endpoint or dependency and add tasks to it; the
    tasks run in the order they were added. Plain ``def`` functions run in the thread pool.

    Example:
        ```python
        @app.post("/send/{email}")
        async def send(email: str, tasks: BackgroundTasks) -> dict[str, str]:
            tasks.add_task(write_notification, email, message="hello")
            return {"message": "queued"}
        ```
    """

    def add_task(self, func: Callable[P, Any], *args: P.args, **kwargs: P.kwargs) -> None:
        """Schedule ``func(*args, **kwargs)`` to run after the response is sent.

        Args:
            func: A ``def`` or ``async def`` function.
            *args: Positional arguments for ``func``, checked against its signature by type
                checkers.
            **kwargs: Keyword arguments for ``func``.
        """
        super().add_task(func, *args, **kwargs)

    async def __call__(self) -> None:
        """Run the tasks in order; in a traced request each is a `fastapi.background_task`
        span (when operation spans are on)."""
        events = sys.modules.get(_TELEMETRY_EVENTS)
        if events is None:
            await super().__call__()
            return
        for task in self.tasks:
            with events.operation("background_task", task.func):
                await task()
