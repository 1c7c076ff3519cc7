"""Dependency injection: what can be a dependency, caching, yield scopes, overrides, security
scopes, framework objects, concurrency limits, and how sync code is run."""

import contextvars
import functools
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, Any, Optional

import anyio
import anyio.to_thread
import httpx
import pytest
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zephyr import (
    APIRouter,
    BackgroundTasks,
    Depends,
    FastAPI,
    Header,
    HTTPException,
    Query,
    Request,
    Response,
    Security,
    WebSocket,
)
from zephyr._pipeline import threads
from zephyr.exceptions import DependencyScopeError, FastAPIError
from zephyr.security import SecurityScopes
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


# --------------------------------------------------------------------------- kinds of dependency


def sync_pagination(skip: int = 0, limit: int = 10) -> dict[str, int]:
    return {"skip": skip, "limit": limit}


async def async_pagination(skip: int = 0, limit: int = 10) -> dict[str, int]:
    return {"skip": skip, "limit": limit}


@pytest.mark.parametrize("dependency", [sync_pagination, async_pagination])
def test_function_dependency(
    dependency: Callable[..., Any], endpoint_kind: Callable[..., Any]
) -> None:
    def annotated(page: Annotated[dict[str, int], Depends(dependency)]):
        return page

    def default(page: dict[str, int] = Depends(dependency)):
        return page

    app = FastAPI()
    app.get("/")(endpoint_kind(annotated))
    app.get("/default")(endpoint_kind(default))
    client = TestClient(app)
    assert client.get("/?skip=5").json() == {"skip": 5, "limit": 10}
    assert client.get("/default?limit=3").json() == {"skip": 0, "limit": 3}
    # The dependency's parameters are validated and reported like the endpoint's own.
    assert client.get("/?limit=many").json() == {
        "detail": [
            {
                "type": "int_parsing",
                "loc": ["query", "limit"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "many",
            }
        ]
    }


class CommonQueryParams:
    def __init__(self, q: Optional[str] = None, skip: int = 0, limit: int = 100) -> None:
        self.q = q
        self.skip = skip
        self.limit = limit


def test_class_dependency_with_depends_taking_the_annotation(
    endpoint_kind: Callable[..., Any],
) -> None:
    def annotated(commons: Annotated[CommonQueryParams, Depends()]):
        return {"type": type(commons).__name__, **vars(commons)}

    def default(commons: CommonQueryParams = Depends()):
        return {"type": type(commons).__name__, **vars(commons)}

    def explicit(commons: Any = Depends(CommonQueryParams)):
        return {"type": type(commons).__name__, **vars(commons)}

    app = FastAPI()
    app.get("/annotated")(endpoint_kind(annotated))
    app.get("/default")(endpoint_kind(default))
    app.get("/explicit")(endpoint_kind(explicit))
    client = TestClient(app)
    for path in ("/annotated", "/default", "/explicit"):
        assert client.get(f"{path}?q=x&limit=3").json() == {
            "type": "CommonQueryParams",
            "q": "x",
            "skip": 0,
            "limit": 3,
        }


class FixedContentQueryChecker:
    def __init__(self, fixed_content: str) -> None:
        self.fixed_content = fixed_content

    def __call__(self, q: str = "") -> bool:
        return self.fixed_content in q


class AsyncChecker:
    async def __call__(self, token: Annotated[str, Header()]) -> str:
        return token.upper()


def test_callable_instances_are_dependencies() -> None:
    checker = FixedContentQueryChecker("bar")
    app = FastAPI()

    @app.get("/")
    def read(has_bar: Annotated[bool, Depends(checker)], token: str = Depends(AsyncChecker())):
        return {"has_bar": has_bar, "token": token}

    client = TestClient(app)
    assert client.get("/?q=foobar", headers={"token": "t"}).json() == {
        "has_bar": True,
        "token": "T",
    }
    assert client.get("/?q=foo", headers={"token": "t"}).json()["has_bar"] is False


def test_partials_bound_methods_and_connection_parameters() -> None:
    def total(a: int, b: int = 0) -> int:
        return a + b

    def path_of(connection: HTTPConnection) -> str:
        return connection.url.path

    class Service:
        def prefix(self, q: str = "none") -> str:
            return f"service:{q}"

        async def endpoint(self, path: Annotated[str, Depends(path_of)]) -> dict[str, str]:
            return {"bound endpoint": path}

    service = Service()
    app = FastAPI()

    @app.get("/")
    def read(
        value: Annotated[int, Depends(functools.partial(total, b=10))],
        prefix: Annotated[str, Depends(service.prefix)],
    ):
        return [value, prefix]

    app.get("/bound")(service.endpoint)
    client = TestClient(app)
    assert client.get("/?a=1&q=x").json() == [11, "service:x"]
    assert client.get("/bound").json() == {"bound endpoint": "/bound"}


def test_sub_dependencies() -> None:
    def query_extractor(q: Optional[str] = None) -> Optional[str]:
        return q

    async def query_or_cookie_extractor(
        q: Annotated[Optional[str], Depends(query_extractor)],
        last_query: Annotated[Optional[str], Header()] = None,
    ) -> Optional[str]:
        return q or last_query

    app = FastAPI()

    @app.get("/")
    def read(query: Annotated[Optional[str], Depends(query_or_cookie_extractor)]):
        return {"query": query}

    client = TestClient(app)
    assert client.get("/?q=from-query").json() == {"query": "from-query"}
    assert client.get("/", headers={"last-query": "from-header"}).json() == {"query": "from-header"}


def test_dependency_is_called_once_per_request_unless_use_cache_is_false() -> None:
    calls: list[str] = []

    def counted() -> int:
        calls.append("counted")
        return len(calls)

    def first(value: Annotated[int, Depends(counted)]) -> int:
        return value

    async def second(value: Annotated[int, Depends(counted)]) -> int:
        return value

    app = FastAPI()

    @app.get("/cached")
    def cached(
        a: Annotated[int, Depends(first)],
        b: Annotated[int, Depends(second)],
        c: Annotated[int, Depends(counted)],
    ):
        return [a, b, c]

    @app.get("/uncached")
    def uncached(
        a: Annotated[int, Depends(counted)],
        b: Annotated[int, Depends(counted, use_cache=False)],
    ):
        return [a, b]

    client = TestClient(app)
    assert client.get("/cached").json() == [1, 1, 1]
    assert calls == ["counted"]
    calls.clear()
    # A second request calls it again: the cache lives for one request.
    assert client.get("/cached").json() == [1, 1, 1]
    calls.clear()
    assert client.get("/uncached").json() == [1, 2]
    assert calls == ["counted", "counted"]


def test_dependencies_independent_of_invalid_input_still_run() -> None:
    events: list[str] = []

    def independent():
        events.append("independent")

    def needs_n(n: int):
        events.append("needs n")

    app = FastAPI()

    @app.get("/", dependencies=[Depends(independent), Depends(needs_n)])
    def endpoint():
        events.append("endpoint")

    response = TestClient(app).get("/?n=x")
    assert response.status_code == 422
    assert events == ["independent"]


def test_dependency_raising_http_exception() -> None:
    async def require_admin(x_role: Annotated[str, Header()]) -> str:
        if x_role != "admin":
            raise HTTPException(403, "Admins only", headers={"X-Reason": "role"})
        return x_role

    app = FastAPI()

    @app.get("/admin")
    def admin(role: Annotated[str, Depends(require_admin)]):
        return role

    client = TestClient(app)
    assert client.get("/admin", headers={"x-role": "admin"}).json() == "admin"
    refused = client.get("/admin", headers={"x-role": "user"})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Admins only"}
    assert refused.headers["x-reason"] == "role"


def test_path_operation_router_and_app_dependencies() -> None:
    events: list[str] = []

    def record(label: str) -> Any:
        async def dependency() -> None:
            events.append(label)

        return Depends(dependency)

    app = FastAPI(dependencies=[record("app")])
    router = APIRouter(dependencies=[record("router")])

    @router.get("/", dependencies=[record("operation")])
    def endpoint():
        events.append("endpoint")

    app.include_router(router)
    TestClient(app).get("/")
    assert events == ["app", "router", "operation", "endpoint"]


# --------------------------------------------------------------------------- yield dependencies


def sync_resource(events: list[Any]) -> Callable[[], Iterator[str]]:
    def resource() -> Iterator[str]:
        events.append("enter")
        yield "resource"
        events.append("exit")

    return resource


def async_resource(events: list[Any]) -> Callable[[], AsyncIterator[str]]:
    async def resource() -> AsyncIterator[str]:
        events.append("enter")
        yield "resource"
        events.append("exit")

    return resource


resource_kinds = pytest.mark.parametrize("make_resource", [sync_resource, async_resource])


@resource_kinds
def test_yield_dependency_exits_after_the_response_and_background_tasks(
    make_resource: Callable[..., Any], test_client_factory: Callable[..., TestClient]
) -> None:
    events: list[Any] = []
    resource = make_resource(events)
    app = FastAPI()
    app.add_middleware(MarkSent, events=events)

    @app.get("/")
    def endpoint(value: Annotated[str, Depends(resource)], tasks: BackgroundTasks):
        tasks.add_task(events.append, "background")
        events.append(f"endpoint got {value}")
        return value

    assert test_client_factory(app).get("/").json() == "resource"
    assert events == ["enter", "endpoint got resource", "sent", "background", "exit"]


@resource_kinds
def test_yield_dependency_with_function_scope_exits_before_the_response(
    make_resource: Callable[..., Any], test_client_factory: Callable[..., TestClient]
) -> None:
    events: list[Any] = []
    resource = make_resource(events)
    app = FastAPI()
    app.add_middleware(MarkSent, events=events)

    @app.get("/")
    async def endpoint(value: Annotated[str, Depends(resource, scope="function")]):
        events.append("endpoint")
        return value

    assert test_client_factory(app).get("/").json() == "resource"
    assert events == ["enter", "endpoint", "exit", "sent"]


def test_yield_dependencies_exit_in_reverse_order() -> None:
    events: list[str] = []

    def outer() -> Iterator[str]:
        events.append("outer enter")
        yield "outer"
        events.append("outer exit")

    async def inner(outer_value: Annotated[str, Depends(outer)]) -> AsyncIterator[str]:
        events.append("inner enter")
        yield outer_value + "+inner"
        events.append("inner exit")

    app = FastAPI()

    @app.get("/")
    def endpoint(value: Annotated[str, Depends(inner)]):
        return value

    assert TestClient(app).get("/").json() == "outer+inner"
    assert events == ["outer enter", "inner enter", "inner exit", "outer exit"]


def test_sync_yield_dependency_runs_off_the_event_loop() -> None:
    threads: dict[str, int] = {}

    def resource() -> Iterator[None]:
        threads["enter"] = threading.get_ident()
        yield
        threads["exit"] = threading.get_ident()

    app = FastAPI()

    @app.get("/")
    async def endpoint(_: Annotated[None, Depends(resource)]):
        threads["loop"] = threading.get_ident()

    TestClient(app).get("/")
    assert threads["enter"] != threads["loop"]
    assert threads["exit"] != threads["loop"]


def test_yield_dependency_swallowing_an_exception_is_an_error() -> None:
    def swallow() -> Iterator[None]:
        try:
            yield
        except Exception:
            pass

    app = FastAPI()

    @app.get("/")
    def endpoint(_: Annotated[None, Depends(swallow)]):
        raise RuntimeError("lost")

    with pytest.raises(FastAPIError, match="Response not awaited"):
        TestClient(app).get("/")


def test_request_scope_cannot_depend_on_function_scope() -> None:
    def short_lived() -> Iterator[int]:
        yield 1

    def long_lived(value: Annotated[int, Depends(short_lived, scope="function")]) -> Iterator[int]:
        yield value

    app = FastAPI()
    with pytest.raises(DependencyScopeError, match='"long_lived" has a scope of "request"'):

        @app.get("/")
        def endpoint(value: Annotated[int, Depends(long_lived, scope="request")]):
            return value


class InternalError(Exception):
    pass


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_endpoint_exception_is_delivered_into_the_yield_dependency(
    kind: str, test_client_factory: Callable[..., TestClient]
) -> None:
    events: list[str] = []

    def sync_guard() -> Iterator[None]:
        try:
            yield
        except InternalError as exc:
            events.append(f"caught {exc}")
            raise HTTPException(status_code=400, detail="translated") from exc
        finally:
            events.append("finally")

    async def async_guard() -> AsyncIterator[None]:
        try:
            yield
        except InternalError as exc:
            events.append(f"caught {exc}")
            raise HTTPException(status_code=400, detail="translated") from exc
        finally:
            events.append("finally")

    guard = sync_guard if kind == "sync" else async_guard
    app = FastAPI()

    @app.get("/")
    def endpoint(_: Annotated[None, Depends(guard)]):
        raise InternalError("boom")

    response = test_client_factory(app).get("/")
    assert (response.status_code, response.json()) == (400, {"detail": "translated"})
    assert events == ["caught boom", "finally"]


def test_http_exception_from_the_endpoint_is_seen_and_reraised() -> None:
    events: list[str] = []

    async def observer() -> AsyncIterator[None]:
        try:
            yield
        except HTTPException as exc:
            events.append(f"saw {exc.status_code}")
            raise

    app = FastAPI()

    @app.get("/")
    def endpoint(_: Annotated[None, Depends(observer)]):
        raise HTTPException(404, "Item not found")

    response = TestClient(app).get("/")
    assert (response.status_code, response.json()) == (404, {"detail": "Item not found"})
    assert events == ["saw 404"]


# --------------------------------------------------------------------------- overrides


def get_settings() -> dict[str, str]:
    return {"env": "production"}


def get_db(settings: Annotated[dict[str, str], Depends(get_settings)]) -> str:
    return f"db for {settings['env']}"


def test_dependency_overrides_take_effect_on_the_next_request() -> None:
    app = FastAPI()

    @app.get("/")
    def read(db: Annotated[str, Depends(get_db)]):
        return db

    client = TestClient(app)
    assert client.get("/").json() == "db for production"

    app.dependency_overrides[get_db] = lambda: "fake db"
    assert client.get("/").json() == "fake db"

    # Overriding a sub-dependency reaches through the dependency that uses it.
    app.dependency_overrides[get_db] = get_db
    app.dependency_overrides[get_settings] = lambda: {"env": "test"}
    assert client.get("/").json() == "db for test"

    del app.dependency_overrides[get_settings]
    assert client.get("/").json() == "db for production"

    app.dependency_overrides = {get_settings: lambda: {"env": "staging"}}
    assert client.get("/").json() == "db for staging"

    app.dependency_overrides.clear()
    assert client.get("/").json() == "db for production"


def test_override_parameters_replace_the_original_ones() -> None:
    def original(token: Annotated[str, Header()]) -> str:
        return token

    def replacement(user: Annotated[str, Query()]) -> str:
        return f"as {user}"

    app = FastAPI()
    router = APIRouter(dependencies=[Depends(original)])

    @router.get("/")
    def read(who: Annotated[str, Depends(original)]):
        return who

    app.include_router(router)
    client = TestClient(app)
    app.dependency_overrides[original] = replacement
    assert client.get("/?user=ann").json() == "as ann"
    # Declared twice (router and parameter): called once, but its error is reported per use.
    error = {"type": "missing", "loc": ["query", "user"], "msg": "Field required", "input": None}
    assert client.get("/").json() == {"detail": [error, error]}


def test_overriding_class_and_security_dependencies() -> None:
    def current_user(scopes: SecurityScopes) -> str:
        return "real user"

    app = FastAPI()

    @app.get("/")
    def read(
        commons: Annotated[CommonQueryParams, Depends()],
        user: Annotated[str, Security(current_user, scopes=["read"])],
    ):
        return {"q": commons.q, "user": user}

    client = TestClient(app)
    assert client.get("/?q=x").json() == {"q": "x", "user": "real user"}

    def fake_commons() -> CommonQueryParams:
        return CommonQueryParams(q="overridden")

    app.dependency_overrides.update({CommonQueryParams: fake_commons, current_user: lambda: "fake"})
    assert client.get("/?q=x").json() == {"q": "overridden", "user": "fake"}


# --------------------------------------------------------------------------- security scopes


def test_security_scopes_accumulate_along_the_chain() -> None:
    seen: list[Any] = []

    def get_current_user(security_scopes: SecurityScopes) -> str:
        seen.append(("user", security_scopes.scopes, security_scopes.scope_str))
        return "ann"

    def get_active_user(
        security_scopes: SecurityScopes,
        user: Annotated[str, Security(get_current_user, scopes=["me"])],
    ) -> str:
        seen.append(("active", security_scopes.scopes))
        return user

    app = FastAPI()

    @app.get("/items")
    def items(user: Annotated[str, Security(get_active_user, scopes=["items", "read"])]):
        return user

    @app.get("/both")
    def both(
        a: Annotated[str, Security(get_current_user, scopes=["a"])],
        b: Annotated[str, Security(get_current_user, scopes=["b"])],
        again: Annotated[str, Security(get_current_user, scopes=["a"])],
    ):
        return [a, b, again]

    client = TestClient(app)
    assert client.get("/items").json() == "ann"
    assert seen == [
        ("user", ["items", "read", "me"], "items read me"),
        ("active", ["items", "read"]),
    ]
    seen.clear()
    # Cached per set of scopes: the same dependency with other scopes is called again.
    assert client.get("/both").json() == ["ann", "ann", "ann"]
    assert seen == [("user", ["a"], "a"), ("user", ["b"], "b")]


def test_endpoint_without_security_has_empty_scopes() -> None:
    app = FastAPI()

    @app.get("/")
    def endpoint(scopes: SecurityScopes):
        return {"scopes": scopes.scopes, "scope_str": scopes.scope_str}

    assert TestClient(app).get("/").json() == {"scopes": [], "scope_str": ""}


# --------------------------------------------------------------------------- framework objects


def test_dependencies_receive_request_response_and_background_tasks() -> None:
    events: list[str] = []

    async def from_request(request: Request) -> str:
        return f"{request.method} {request.url.path}"

    def sets_header(response: Response) -> None:
        response.headers["x-from-dependency"] = "yes"
        response.set_cookie("seen", "1")

    def queues_task(tasks: BackgroundTasks) -> None:
        tasks.add_task(events.append, "dependency task")

    app = FastAPI()

    @app.get("/where", dependencies=[Depends(sets_header), Depends(queues_task)])
    def where(where: Annotated[str, Depends(from_request)], tasks: BackgroundTasks):
        tasks.add_task(events.append, "endpoint task")
        events.append("endpoint")
        return where

    response = TestClient(app).get("/where")
    assert response.json() == "GET /where"
    assert response.headers["x-from-dependency"] == "yes"
    assert response.cookies["seen"] == "1"
    assert events == ["endpoint", "dependency task", "endpoint task"]


def test_websocket_dependency_receives_the_websocket() -> None:
    def client_name(websocket: WebSocket) -> str:
        return websocket.query_params.get("name", "anonymous")

    async def session(token: Annotated[str, Query()]) -> AsyncIterator[str]:
        yield f"session:{token}"

    app = FastAPI()

    @app.websocket("/ws")
    async def ws(
        websocket: WebSocket,
        name: Annotated[str, Depends(client_name)],
        current: Annotated[str, Depends(session)],
    ):
        await websocket.accept()
        await websocket.send_json({"name": name, "session": current})
        await websocket.close()

    with TestClient(app).websocket_connect("/ws?name=ann&token=t1") as connection:
        assert connection.receive_json() == {"name": "ann", "session": "session:t1"}


# --------------------------------------------------------------------------- concurrency limits


class Gauge:
    """Count how many callers are inside at once (from any thread) and remember the peak."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0

    def enter(self) -> None:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)

    def leave(self) -> None:
        with self.lock:
            self.running -= 1


def limited_dependency(kind: str, gauge: Gauge) -> Callable[..., Any]:
    """A dependency that stays busy for a moment; yield kinds stay busy in their exit code."""

    async def async_call() -> str:
        gauge.enter()
        await anyio.sleep(0.02)
        gauge.leave()
        return "ok"

    def sync_call() -> str:
        gauge.enter()
        time.sleep(0.02)
        gauge.leave()
        return "ok"

    async def async_gen() -> AsyncIterator[str]:
        gauge.enter()
        yield "ok"
        await anyio.sleep(0.02)
        gauge.leave()

    def sync_gen() -> Iterator[str]:
        gauge.enter()
        yield "ok"
        time.sleep(0.02)
        gauge.leave()

    kinds = {"async": async_call, "def": sync_call, "async yield": async_gen, "yield": sync_gen}
    return kinds[kind]


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["async", "def", "async yield", "yield"])
@pytest.mark.parametrize("endpoint_is_async", [True, False], ids=["async endpoint", "def endpoint"])
async def test_max_concurrency_limits_simultaneous_calls(
    kind: str, endpoint_is_async: bool
) -> None:
    gauge = Gauge()
    limited = Depends(limited_dependency(kind, gauge), max_concurrency=2)
    app = FastAPI()

    if endpoint_is_async:

        @app.get("/")
        async def endpoint(value: Annotated[str, limited]):
            return value

    else:

        @app.get("/")
        def endpoint(value: Annotated[str, limited]):
            return value

    statuses: list[int] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

        async def call() -> None:
            statuses.append((await client.get("/")).status_code)

        async with anyio.create_task_group() as group:
            for _ in range(6):
                group.start_soon(call)

    assert statuses == [200] * 6
    # At most two at once, and the limit is reached: the six requests did overlap.
    assert gauge.peak == 2


def test_max_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        Depends(get_settings, max_concurrency=0)


# --------------------------------------------------------------------------- sync code


@pytest.fixture
def thread_hops(monkeypatch: pytest.MonkeyPatch) -> list[Callable[..., Any]]:
    """Record every function sent to a worker thread (Zephyr's workers or anyio's)."""
    hops: list[Callable[..., Any]] = []
    original = anyio.to_thread.run_sync
    original_hand_off = threads._hand_off

    async def counting_run_sync(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        hops.append(func)
        return await original(func, *args, **kwargs)

    def counting_hand_off(job: Any) -> None:
        hops.append(job.func)
        original_hand_off(job)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting_run_sync)
    monkeypatch.setattr(threads, "_hand_off", counting_hand_off)
    return hops


def test_consecutive_sync_dependencies_and_endpoint_share_one_thread_hop(
    thread_hops: list[Callable[..., Any]], test_client_factory: Callable[..., TestClient]
) -> None:
    threads: dict[str, int] = {}

    def get_config() -> str:
        threads["config"] = threading.get_ident()
        return "config"

    def get_service(config: Annotated[str, Depends(get_config)]) -> str:
        threads["service"] = threading.get_ident()
        return config + "+service"

    app = FastAPI()

    @app.get("/")
    def endpoint(service: Annotated[str, Depends(get_service)]):
        threads["endpoint"] = threading.get_ident()
        return service

    @app.get("/loop")
    async def on_loop():
        threads["loop"] = threading.get_ident()

    with test_client_factory(app) as client:
        client.get("/loop")
        thread_hops.clear()
        assert client.get("/").json() == "config+service"

    assert len(thread_hops) == 1
    assert threads["config"] == threads["service"] == threads["endpoint"]
    assert threads["endpoint"] != threads["loop"]


def test_async_endpoint_with_sync_dependencies_takes_one_hop(
    thread_hops: list[Callable[..., Any]],
) -> None:
    def first() -> int:
        return 1

    def second(value: Annotated[int, Depends(first)]) -> int:
        return value + 1

    app = FastAPI()

    @app.get("/")
    async def endpoint(value: Annotated[int, Depends(second)]):
        return value

    with TestClient(app) as client:
        client.get("/")
        thread_hops.clear()
        assert client.get("/").json() == 2
    assert len(thread_hops) == 1


def test_an_async_dependency_between_sync_ones_keeps_the_declared_order(
    thread_hops: list[Callable[..., Any]],
) -> None:
    events: list[str] = []

    def first() -> None:
        events.append("first (def)")

    async def second() -> None:
        events.append("second (async)")

    def third() -> None:
        events.append("third (def)")

    app = FastAPI()

    @app.get("/", dependencies=[Depends(first), Depends(second), Depends(third)])
    def endpoint():
        events.append("endpoint (def)")

    with TestClient(app) as client:
        client.get("/")
        thread_hops.clear()
        events.clear()
        client.get("/")
    assert events == ["first (def)", "second (async)", "third (def)", "endpoint (def)"]
    # One hop before the async dependency, one for the sync run after it.
    assert len(thread_hops) == 2


def test_async_code_never_hops_to_a_thread(thread_hops: list[Callable[..., Any]]) -> None:
    async def dependency() -> int:
        return 1

    app = FastAPI()

    @app.get("/")
    async def endpoint(value: Annotated[int, Depends(dependency)]):
        return value

    with TestClient(app) as client:
        client.get("/")
        thread_hops.clear()
        assert client.get("/").json() == 1
    assert thread_hops == []


request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="unset")


def test_contextvars_from_http_middleware_are_visible_everywhere(
    test_client_factory: Callable[..., TestClient],
) -> None:
    app = FastAPI()

    @app.middleware("http")
    async def set_request_id(request: Request, call_next: Any) -> Any:
        request_id.set(request.headers["x-request-id"])
        return await call_next(request)

    def sync_dependency() -> str:
        return request_id.get()

    async def async_dependency() -> str:
        return request_id.get()

    @app.get("/sync")
    def sync_endpoint(
        a: Annotated[str, Depends(sync_dependency)], b: Annotated[str, Depends(async_dependency)]
    ):
        return [a, b, request_id.get()]

    @app.get("/async")
    async def async_endpoint(
        a: Annotated[str, Depends(sync_dependency)], b: Annotated[str, Depends(async_dependency)]
    ):
        return [a, b, request_id.get()]

    client = test_client_factory(app)
    assert client.get("/sync", headers={"x-request-id": "r1"}).json() == ["r1", "r1", "r1"]
    assert client.get("/async", headers={"x-request-id": "r2"}).json() == ["r2", "r2", "r2"]


def test_contextvars_set_by_async_dependencies_are_visible_to_the_endpoint() -> None:
    async def set_in_function() -> None:
        request_id.set("function")

    async def set_in_generator() -> AsyncIterator[None]:
        request_id.set("generator")
        yield

    app = FastAPI()

    @app.get("/sync", dependencies=[Depends(set_in_function)])
    def sync_endpoint():
        return request_id.get()

    @app.get("/async", dependencies=[Depends(set_in_generator)])
    async def async_endpoint():
        return request_id.get()

    client = TestClient(app)
    assert client.get("/sync").json() == "function"
    assert client.get("/async").json() == "generator"
