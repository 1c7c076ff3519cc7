"""Mounted applications, static files, WSGI apps, templates, root_path and middleware order."""

import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from zephyr import FastAPI, Request
from zephyr.responses import HTMLResponse, Response
from zephyr.staticfiles import StaticFiles
from zephyr.templating import Jinja2Templates
from zephyr.testclient import TestClient


def test_a_mounted_app_keeps_its_own_routes_middleware_and_handlers() -> None:
    sub = FastAPI()

    @sub.middleware("http")
    async def tag(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Any:
        response = await call_next(request)
        response.headers["x-sub"] = "1"
        return response

    @sub.get("/items/{item_id}")
    def item(item_id: int, request: Request) -> dict[str, Any]:
        return {"item_id": item_id, "root_path": request.scope["root_path"]}

    app = FastAPI()

    @app.get("/")
    def root() -> str:
        return "main"

    app.mount("/sub", sub)
    client = TestClient(app)
    response = client.get("/sub/items/3")
    assert response.json() == {"item_id": 3, "root_path": "/sub"}
    assert response.headers["x-sub"] == "1"
    assert "x-sub" not in client.get("/").headers
    assert client.get("/sub/items/x").status_code == 422
    assert client.get("/sub/nothing").json() == {"detail": "Not Found"}


@pytest.fixture
def static_dir(tmp_path: Path) -> Path:
    public = tmp_path / "public"
    public.mkdir()
    (public / "hello.txt").write_text("hello")
    (tmp_path / "secret.txt").write_text("do not serve")
    return public


def test_static_files_are_served_and_cannot_be_escaped(static_dir: Path) -> None:
    app = FastAPI()
    app.mount("/static", StaticFiles(directory=static_dir), name="static")
    client = TestClient(app)
    assert client.get("/static/hello.txt").text == "hello"
    for path in ("/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/..%2fsecret.txt"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "do not serve" not in response.text


def test_static_file_ranges_and_head(static_dir: Path) -> None:
    app = FastAPI()
    app.mount("/static", StaticFiles(directory=static_dir))
    client = TestClient(app)
    partial = client.get("/static/hello.txt", headers={"range": "bytes=1-3"})
    assert (partial.status_code, partial.text) == (206, "ell")
    head = client.head("/static/hello.txt")
    assert head.status_code == 200 and head.headers["content-length"] == "5"


def test_a_wsgi_app_can_be_mounted() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette deprecates its WSGI adapter
        from zephyr.middleware.wsgi import WSGIMiddleware

    def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("content-type", "text/plain")])
        return [f"wsgi saw {environ['PATH_INFO']}".encode()]

    app = FastAPI()
    app.mount("/legacy", WSGIMiddleware(wsgi_app))
    assert TestClient(app).get("/legacy/page").text == "wsgi saw /page"


def test_root_path_behind_a_proxy_shows_in_urls() -> None:
    app = FastAPI()

    @app.get("/items/{item_id}", name="read_item")
    def read_item(item_id: int, request: Request) -> dict[str, str]:
        return {
            "root_path": request.scope["root_path"],
            "url": str(request.url_for("read_item", item_id=item_id)),
        }

    client = TestClient(app, root_path="/api/v1")
    assert client.get("/items/2").json() == {
        "root_path": "/api/v1",
        "url": "http://testserver/api/v1/items/2",
    }


def test_templates_render_with_url_for(tmp_path: Path, static_dir: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<a href=\"{{ url_for('item', item_id=5) }}\">item</a>"
        "<link href=\"{{ url_for('static', path='/hello.txt') }}\">"
    )
    templates = Jinja2Templates(directory=tmp_path)
    app = FastAPI()
    app.mount("/static", StaticFiles(directory=static_dir), name="static")

    @app.get("/items/{item_id}", name="item")
    def item(item_id: int) -> int:
        return item_id

    @app.get("/page", response_class=HTMLResponse)
    def page(request: Request) -> Any:
        return templates.TemplateResponse(request, "page.html")

    assert TestClient(app).get("/page").text == (
        '<a href="http://testserver/items/5">item</a>'
        '<link href="http://testserver/static/hello.txt">'
    )


def test_middleware_order_last_added_runs_first() -> None:
    order: list[str] = []

    class Pure:
        def __init__(self, app: ASGIApp, name: str) -> None:
            self.app = app
            self.name = name

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            order.append(f"{self.name} in")
            await self.app(scope, receive, send)
            order.append(f"{self.name} out")

    async def based(request: Request, call_next: Any) -> Any:
        order.append("based in")
        response = await call_next(request)
        order.append("based out")
        return response

    app = FastAPI()
    app.add_middleware(Pure, name="first")
    app.add_middleware(BaseHTTPMiddleware, dispatch=based)
    app.add_middleware(Pure, name="last")

    @app.get("/")
    def root() -> str:
        order.append("endpoint")
        return "ok"

    assert TestClient(app).get("/").json() == "ok"
    assert order[:4] == ["last in", "based in", "first in", "endpoint"]
    # BaseHTTPMiddleware gets its response while the inner app still streams the body, so
    # "based out" and "first out" may come in either order; the outermost finishes last.
    assert sorted(order[4:6]) == ["based out", "first out"] and order[6] == "last out"


def test_request_state_set_in_middleware_reaches_the_endpoint() -> None:
    app = FastAPI()

    @app.middleware("http")
    async def stamp(request: Request, call_next: Any) -> Any:
        request.state.user = "ana"
        return await call_next(request)

    @app.get("/")
    def root(request: Request) -> str:
        return str(request.state.user)

    assert TestClient(app).get("/").json() == "ana"
