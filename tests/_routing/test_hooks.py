"""Integrations that replace `fastapi.routing` functions (Sentry, Logfire) see every route.

FastAPI's routes look `get_request_handler`, `solve_dependencies` and `run_endpoint_function`
up in `fastapi.routing` when they build or run a handler; SDKs instrument FastAPI by replacing
them. These tests replace them the way those SDKs do and check that Zephyr's routes go through
the replacements, and back to compiled plans once the originals are restored.
"""

import dataclasses
from functools import wraps
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.exceptions import ExceptionMiddleware

import zephyr.routing as routing
from zephyr import APIRouter, Depends, FastAPI, HTTPException, WebSocket
from zephyr.testclient import TestClient


def make_app() -> FastAPI:
    app = FastAPI()
    router = APIRouter()

    def page(q: int = 0) -> int:
        return q

    @router.get("/items/{item_id}")
    def read_item(item_id: str, q: int = Depends(page)) -> dict[str, Any]:
        return {"item_id": item_id, "q": q}

    @router.post("/echo", status_code=201)
    async def echo(item: dict[str, int]) -> dict[str, int]:
        return item

    @router.websocket("/ws/{number}")
    async def ws(websocket: WebSocket, number: int) -> None:
        await websocket.accept()
        await websocket.send_json({"number": number})
        await websocket.close()

    app.include_router(router, prefix="/v1")
    app.state.page = page
    return app


def served_by_plan(app: FastAPI, path: str) -> bool:
    match = app._core.table().lookup({"type": "http", "method": "GET", "path": path})
    return match.entry.target.plan is not None


def test_a_replaced_handler_builder_wraps_each_route_once(monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    client = TestClient(app)
    assert client.get("/v1/items/a").json() == {"item_id": "a", "q": 0}
    assert served_by_plan(app, "/v1/items/a")
    original = routing.get_request_handler
    calls: list[str] = []

    def instrumented_builder(*args: Any, **kwargs: Any) -> Any:
        dependant = kwargs["dependant"]
        endpoint = dependant.call

        @wraps(endpoint)
        def counted(*a: Any, **kw: Any) -> Any:
            calls.append("endpoint")
            return endpoint(*a, **kw)

        if endpoint.__name__ == "read_item":
            dependant.call = counted  # what Sentry does to sync endpoints
        handler = original(*args, **kwargs)

        async def instrumented(request: Any) -> Any:
            calls.append("handler")
            return await handler(request)

        return instrumented

    monkeypatch.setattr(routing, "get_request_handler", instrumented_builder)

    for item in ("b", "c"):
        calls.clear()
        assert client.get(f"/v1/items/{item}?q=2").json() == {"item_id": item, "q": 2}
        assert calls == ["handler", "endpoint"]
    app.dependency_overrides[app.state.page] = lambda: 7  # recompiles: builds handlers again
    calls.clear()
    assert client.get("/v1/items/d").json() == {"item_id": "d", "q": 7}
    assert calls == ["handler", "endpoint"]  # the route's Dependant kept no wrapper
    assert client.post("/v1/echo", json={"a": 1}).status_code == 201
    assert client.get("/v1/items/d?q=x").status_code == 200  # overridden: q is not read

    monkeypatch.undo()
    calls.clear()
    assert client.get("/v1/items/e").json() == {"item_id": "e", "q": 7}
    assert calls == []
    assert served_by_plan(app, "/v1/items/e")


def test_replaced_resolution_and_endpoint_call_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    client = TestClient(app)
    solve, run = routing.solve_dependencies, routing.run_endpoint_function
    seen: list[Any] = []

    async def instrumented_solve(*, request: Any, **kwargs: Any) -> Any:
        solved = await solve(request=request, **kwargs)
        seen.append(("solve", request.url.path, kwargs.get("body"), solved.errors))
        return dataclasses.replace(solved, values=dict(solved.values))  # Logfire does this

    async def instrumented_run(*, dependant: Any, values: dict[str, Any], **kwargs: Any) -> Any:
        seen.append(("run", dependant.call.__name__, sorted(values), kwargs))
        return await run(dependant=dependant, values=values, **kwargs)

    monkeypatch.setattr(routing, "solve_dependencies", instrumented_solve)
    monkeypatch.setattr(routing, "run_endpoint_function", instrumented_run)

    assert client.get("/v1/items/a?q=3").json() == {"item_id": "a", "q": 3}
    assert seen == [
        ("solve", "/v1/items/a", None, []),
        ("run", "read_item", ["item_id", "q"], {"is_coroutine": False}),
    ]
    seen.clear()
    response = client.post("/v1/echo", json={"a": 1})
    assert (response.status_code, response.json()) == (201, {"a": 1})
    assert seen[0] == ("solve", "/v1/echo", {"a": 1}, [])
    assert seen[1][1:3] == ("echo", ["item"])
    seen.clear()
    response = client.get("/v1/items/a?q=x")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "q"]
    assert [entry[0] for entry in seen] == ["solve"]  # the endpoint is not called
    seen.clear()
    with client.websocket_connect("/v1/ws/5") as websocket:
        assert websocket.receive_json() == {"number": 5}
    assert [(entry[0], entry[1]) for entry in seen] == [("solve", "/v1/ws/5")]


def test_a_replaced_starlette_call_wraps_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    # Sentry wraps every Starlette app in its ASGI middleware by replacing this method.
    original = Starlette.__call__
    wrapped: list[str] = []

    async def instrumented_call(self: Any, scope: Any, receive: Any, send: Any) -> None:
        wrapped.append(scope["path"])
        await original(self, scope, receive, send)

    app = make_app()
    client = TestClient(app)
    assert client.get("/v1/items/a").status_code == 200
    monkeypatch.setattr(Starlette, "__call__", instrumented_call)
    assert client.get("/v1/items/b").status_code == 200
    assert wrapped == ["/v1/items/b"]


def test_instrumented_exception_middleware_handlers_are_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Sentry instruments ExceptionMiddleware (when a Middleware record declares it) to report
    # the HTTPExceptions the app's handlers answer.
    reported: list[int] = []
    original_record_init = Middleware.__init__
    original_middleware_init = ExceptionMiddleware.__init__

    def instrumented_middleware_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_middleware_init(self, *args, **kwargs)
        for key, handler in list(self._exception_handlers.items()):

            async def reporting(request: Any, exc: Any, handler: Any = handler) -> Any:
                reported.append(exc.status_code)
                return await handler(request, exc)

            self._exception_handlers[key] = reporting

    def instrumented_record_init(self: Any, cls: Any, *args: Any, **kwargs: Any) -> None:
        original_record_init(self, cls, *args, **kwargs)
        if cls is ExceptionMiddleware:
            monkeypatch.setattr(ExceptionMiddleware, "__init__", instrumented_middleware_init)

    monkeypatch.setattr(Middleware, "__init__", instrumented_record_init)
    app = FastAPI()

    @app.get("/")
    def fail() -> None:
        raise HTTPException(503, "unavailable")

    response = TestClient(app).get("/")
    assert (response.status_code, response.json()) == (503, {"detail": "unavailable"})
    assert reported == [503]
