"""BackgroundTasks: tasks run after the response, in order, sync ones off the event loop."""

import threading

from starlette.applications import Starlette
from starlette.background import BackgroundTasks as StarletteBackgroundTasks
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from zephyr.background import BackgroundTasks


def test_tasks_run_after_response_in_order() -> None:
    log: list[object] = []
    threads: list[int] = []

    def sync_task(label: str, *, suffix: str = "") -> None:
        threads.append(threading.get_ident())
        log.append(label + suffix)

    async def async_task(value: int) -> None:
        log.append(value)

    async def endpoint(request: Request) -> JSONResponse:
        tasks = BackgroundTasks()
        tasks.add_task(sync_task, "first", suffix="!")
        tasks.add_task(async_task, 2)
        tasks.add_task(sync_task, "third")
        log.append("endpoint")
        threads.append(threading.get_ident())
        return JSONResponse({"queued": len(tasks.tasks)}, background=tasks)

    client = TestClient(Starlette(routes=[Route("/", endpoint)]))
    response = client.get("/")
    assert response.json() == {"queued": 3}
    assert log == ["endpoint", "first!", 2, "third"]
    # Sync tasks run in worker threads, never on the event loop's thread.
    loop_thread, *task_threads = threads
    assert len(task_threads) == 2
    assert loop_thread not in task_threads


def test_is_a_starlette_background_tasks() -> None:
    tasks = BackgroundTasks()
    assert isinstance(tasks, StarletteBackgroundTasks)
    tasks.add_task(print, "x", sep="")
    task = tasks.tasks[0]
    assert (task.func, task.args, task.kwargs) == (print, ("x",), {"sep": ""})
