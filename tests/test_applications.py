"""The application: background tasks, lifespan and state, middleware, and error handling."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import pytest
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zephyr import APIRouter, BackgroundTasks, Depends, FastAPI, HTTPException, Request
from zephyr.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from zephyr.exceptions import RequestValidationError
from zephyr.middleware.cors import CORSMiddleware
from zephyr.middleware.gzip import GZipMiddleware
from zephyr.responses import JSONResponse, PlainTextResponse
from zephyr.testclient import TestClient


class MarkSent:
    """ASGI middleware appending "sent" to `events` once the last body chunk is sent."""

    def __init__(self, app: ASGIApp, events: list[Any]) -> None:
        self.app = app
        self.events = events

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def marking_send(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.events.append("sent")

        await self.app(scope, receive, marking_send)


class Item(BaseModel):
    name: str
    size: int


# --------------------------------------------------------------------------- background tasks


def test_background_tasks_run_after_the_response(
    test_client_factory: Callable[..., TestClient],
) -> None:
    events: list[Any] = []

    async def notify(address: str, *, subject: str) -> None:
        events.append(("async task", address, subject))

    def audit(tasks: BackgroundTasks) -> None:
        tasks.add_task(events.append, "dependency task")

    app = FastAPI()
    app.add_middleware(MarkSent, events=events)

    @app.post("/send/{address}", dependencies=[Depends(audit)])
    def send_notification(address: str, tasks: BackgroundTasks):
        tasks.add_task(notify, address, subject="hello")
        tasks.add_task(events.append, "sync task")
        events.append("endpoint")
        return {"queued": True}

    response = test_client_factory(app).post("/send/ann")
    assert response.json() == {"queued": True}
    assert events == [
        "endpoint",
        "sent",
        "dependency task",
        ("async task", "ann", "hello"),
        "sync task",
    ]


# --------------------------------------------------------------------------- lifespan, state


def test_lifespan_state_is_available_on_requests(
    test_client_factory: Callable[..., TestClient],
) -> None:
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        events.append("startup")
        app.state.started = True
        yield {"db": "connection"}
        events.append("shutdown")

    app = FastAPI(lifespan=lifespan)

    @app.get("/")
    async def read(request: Request):
        return {"db": request.state.db, "started": request.app.state.started}

    with test_client_factory(app) as client:
        assert events == ["startup"]
        assert client.get("/").json() == {"db": "connection", "started": True}
    assert events == ["startup", "shutdown"]


def test_router_lifespan_is_merged_into_the_app() -> None:
    events: list[str] = []

    @asynccontextmanager
    async def app_lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
        events.append("app up")
        yield {"app_resource": "a"}
        events.append("app down")

    @asynccontextmanager
    async def router_lifespan(app: Any) -> AsyncIterator[dict[str, str]]:
        events.append("router up")
        yield {"router_resource": "r"}
        events.append("router down")

    router = APIRouter(lifespan=router_lifespan)

    @router.get("/")
    def read(request: Request):
        return [request.state.app_resource, request.state.router_resource]

    app = FastAPI(lifespan=app_lifespan)
    app.include_router(router)
    with TestClient(app) as client:
        assert client.get("/").json() == ["a", "r"]
    assert events == ["app up", "router up", "router down", "app down"]


def test_startup_and_shutdown_event_handlers() -> None:
    events: list[str] = []
    app = FastAPI(on_startup=[lambda: events.append("constructor startup")])
    app.router.add_event_handler("startup", lambda: events.append("added startup"))

    async def on_shutdown() -> None:
        events.append("shutdown")

    app.router.add_event_handler("shutdown", on_shutdown)

    @app.get("/")
    def read():
        return events

    with TestClient(app) as client:
        assert client.get("/").json() == ["constructor startup", "added startup"]
    assert events[-1] == "shutdown"


def test_on_event_decorator_is_deprecated_but_works() -> None:
    events: list[str] = []
    app = FastAPI()
    with pytest.warns(DeprecationWarning, match="on_event is deprecated"):

        @app.on_event("startup")
        async def startup() -> None:
            events.append("startup")

    with pytest.warns(DeprecationWarning, match="on_event is deprecated"):

        @app.on_event("shutdown")
        def shutdown() -> None:
            events.append("shutdown")

    with TestClient(app):
        assert events == ["startup"]
    assert events == ["startup", "shutdown"]


def test_app_state_is_shared_by_requests() -> None:
    app = FastAPI()
    app.state.visits = 0

    @app.get("/")
    def visit(request: Request):
        request.app.state.visits += 1
        return request.app.state.visits

    client = TestClient(app)
    assert [client.get("/").json() for _ in range(3)] == [1, 2, 3]
    assert app.state.visits == 3


# --------------------------------------------------------------------------- middleware


def test_http_middleware_wraps_requests_last_added_outermost(
    test_client_factory: Callable[..., TestClient],
) -> None:
    events: list[str] = []
    app = FastAPI()

    @app.middleware("http")
    async def inner(request: Request, call_next: Any) -> Any:
        events.append("inner in")
        response = await call_next(request)
        events.append("inner out")
        response.headers["x-inner"] = "1"
        return response

    @app.middleware("http")
    async def outer(request: Request, call_next: Any) -> Any:
        events.append("outer in")
        request.state.user = "ann"
        if request.url.path == "/blocked":
            return PlainTextResponse("blocked", status_code=403)
        response = await call_next(request)
        events.append("outer out")
        return response

    @app.get("/")
    async def read(request: Request):
        events.append("endpoint")
        return f"ok {request.state.user}"

    client = test_client_factory(app)
    response = client.get("/")
    assert response.json() == "ok ann"
    assert response.headers["x-inner"] == "1"
    assert events == ["outer in", "inner in", "endpoint", "inner out", "outer out"]
    blocked = client.get("/blocked")
    assert (blocked.status_code, blocked.text) == (403, "blocked")


def test_gzip_middleware() -> None:
    app = FastAPI()
    app.add_middleware(GZipMiddleware, minimum_size=100)

    @app.get("/big")
    def big():
        return "x" * 1000

    @app.get("/small")
    def small():
        return "x"

    client = TestClient(app)
    response = client.get("/big", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json() == "x" * 1000
    assert int(response.headers["content-length"]) < 1000
    assert "content-encoding" not in client.get("/small").headers


def test_cors_middleware_preflight_and_simple_requests() -> None:
    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://example.com"],
        allow_methods=["GET", "POST"],
        allow_headers=["x-token"],
    )

    @app.post("/items")
    def create():
        return {"created": True}

    client = TestClient(app)
    preflight = client.options(
        "/items",
        headers={
            "origin": "https://example.com",
            "access-control-request-method": "POST",
            "access-control-request-headers": "x-token",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://example.com"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    refused = client.options(
        "/items",
        headers={"origin": "https://evil.com", "access-control-request-method": "POST"},
    )
    assert refused.status_code == 400
    simple = client.post("/items", headers={"origin": "https://example.com"})
    assert simple.json() == {"created": True}
    assert simple.headers["access-control-allow-origin"] == "https://example.com"


def test_middleware_cannot_be_added_once_the_app_has_started() -> None:
    app = FastAPI()

    @app.get("/")
    def read():
        return "ok"

    client = TestClient(app)
    assert client.get("/").json() == "ok"
    with pytest.raises(RuntimeError, match="after an application has started"):
        app.add_middleware(GZipMiddleware)


# --------------------------------------------------------------------------- errors


def test_http_exception_detail_and_headers(endpoint_kind: Callable[..., Any]) -> None:
    def read(item_id: str):
        if item_id == "plain":
            raise HTTPException(status_code=404, detail="Item not found")
        raise HTTPException(
            status_code=401,
            detail={"reason": "expired", "codes": [1, 2]},
            headers={"WWW-Authenticate": "Bearer"},
        )

    app = FastAPI()
    app.get("/items/{item_id}")(endpoint_kind(read))
    client = TestClient(app)
    plain = client.get("/items/plain")
    assert (plain.status_code, plain.json()) == (404, {"detail": "Item not found"})
    structured = client.get("/items/other")
    assert structured.status_code == 401
    assert structured.json() == {"detail": {"reason": "expired", "codes": [1, 2]}}
    assert structured.headers["www-authenticate"] == "Bearer"


def test_http_exception_with_bodyless_status() -> None:
    app = FastAPI()

    @app.get("/")
    def read():
        raise HTTPException(status_code=304)

    response = TestClient(app).get("/")
    assert (response.status_code, response.content) == (304, b"")


class UnicornError(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def test_handlers_for_exception_classes_and_status_codes() -> None:
    app = FastAPI()

    @app.exception_handler(UnicornError)
    async def unicorn_handler(request: Request, exc: UnicornError) -> JSONResponse:
        return JSONResponse(status_code=418, content={"message": f"{exc.name} did something"})

    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=404, content={"missing": request.url.path})

    app.add_exception_handler(404, not_found)

    @app.get("/unicorns/{name}")
    def read_unicorn(name: str):
        raise UnicornError(name)

    async def failing_dependency() -> None:
        raise UnicornError("dependency")

    @app.get("/dependency", dependencies=[Depends(failing_dependency)])
    def via_dependency():
        return "unreachable"

    @app.get("/gone")
    def gone():
        raise HTTPException(404, "gone")

    client = TestClient(app)
    response = client.get("/unicorns/yolo")
    assert (response.status_code, response.json()) == (418, {"message": "yolo did something"})
    assert client.get("/dependency").json() == {"message": "dependency did something"}
    # A status-code handler sees HTTPExceptions with that code, including the router's 404.
    assert client.get("/gone").json() == {"missing": "/gone"}
    assert client.get("/nowhere").json() == {"missing": "/nowhere"}


def test_handler_for_all_unhandled_exceptions() -> None:
    app = FastAPI()

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> PlainTextResponse:
        return PlainTextResponse(f"crashed: {exc}", status_code=500)

    @app.get("/")
    def read():
        raise RuntimeError("oops")

    response = TestClient(app, raise_server_exceptions=False).get("/")
    assert (response.status_code, response.text) == (500, "crashed: oops")


def test_unhandled_exception_is_a_plain_500() -> None:
    app = FastAPI()

    @app.get("/")
    async def read():
        raise RuntimeError("oops")

    with pytest.raises(RuntimeError, match="oops"):
        TestClient(app).get("/")
    response = TestClient(app, raise_server_exceptions=False).get("/")
    assert (response.status_code, response.text) == (500, "Internal Server Error")


def test_overriding_the_http_exception_handler() -> None:
    app = FastAPI()

    @app.exception_handler(StarletteHTTPException)
    async def as_text(request: Request, exc: StarletteHTTPException) -> PlainTextResponse:
        return PlainTextResponse(f"error: {exc.detail}", status_code=exc.status_code)

    @app.get("/teapot")
    def teapot():
        raise HTTPException(418, "I'm a teapot")

    client = TestClient(app)
    assert (client.get("/teapot").status_code, client.get("/teapot").text) == (
        418,
        "error: I'm a teapot",
    )
    # Starlette's own HTTPExceptions (routing 404/405) go through it too.
    assert client.get("/missing").text == "error: Not Found"
    assert client.post("/teapot").text == "error: Method Not Allowed"


def test_overriding_the_validation_error_handler_with_the_body() -> None:
    app = FastAPI()

    @app.exception_handler(RequestValidationError)
    async def with_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            status_code=400,
            content={"errors": [error["loc"] for error in exc.errors()], "body": exc.body},
        )

    @app.post("/items")
    def create(item: Item):
        return item

    @app.get("/items/{item_id}")
    def read(item_id: int):
        return item_id

    client = TestClient(app)
    response = client.post("/items", json={"name": "pen", "size": "XL"})
    assert response.status_code == 400
    assert response.json() == {"errors": [["body", "size"]], "body": {"name": "pen", "size": "XL"}}
    assert client.get("/items/x").json() == {"errors": [["path", "item_id"]], "body": None}


def test_custom_handlers_can_reuse_the_default_ones() -> None:
    seen: list[str] = []
    app = FastAPI()

    @app.exception_handler(StarletteHTTPException)
    async def logged_http(request: Request, exc: StarletteHTTPException) -> Any:
        seen.append(f"http {exc.status_code}")
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def logged_validation(request: Request, exc: RequestValidationError) -> Any:
        seen.append(f"validation {len(exc.errors())}")
        return await request_validation_exception_handler(request, exc)

    @app.get("/items/{item_id}")
    def read(item_id: int):
        raise HTTPException(403, "Forbidden", headers={"x-why": "test"})

    client = TestClient(app)
    forbidden = client.get("/items/1")
    assert (forbidden.status_code, forbidden.json()) == (403, {"detail": "Forbidden"})
    assert forbidden.headers["x-why"] == "test"
    invalid = client.get("/items/x")
    assert invalid.status_code == 422
    assert invalid.json() == {
        "detail": [
            {
                "type": "int_parsing",
                "loc": ["path", "item_id"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "x",
            }
        ]
    }
    assert seen == ["http 403", "validation 1"]


def test_validation_errors_of_dependencies_and_bodies_come_together() -> None:
    def paging(limit: int = 10) -> int:
        return limit

    app = FastAPI()

    @app.post("/items")
    def create(item: Item, limit: Annotated[int, Depends(paging)]):
        return item

    response = TestClient(app).post("/items?limit=x", json={"name": "pen"})
    assert response.json() == {
        "detail": [
            {
                "type": "int_parsing",
                "loc": ["query", "limit"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "x",
            },
            {
                "type": "missing",
                "loc": ["body", "size"],
                "msg": "Field required",
                "input": {"name": "pen"},
            },
        ]
    }
