"""`zephyr routes`: every route, read from the compiled plans, as a table or in full."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal, Optional, Union

import pytest
from pydantic import BaseModel
from tests.cli.conftest import Invoke, Write

from zephyr.cli.discover import locate
from zephyr.cli.engine import route_table
from zephyr.cli.routes import RouteRow, collect_rows, type_name

SHOP = """
from typing import Annotated

from pydantic import BaseModel
from starlette.responses import PlainTextResponse
from starlette.routing import Host, Router
from starlette.staticfiles import StaticFiles

from zephyr import (
    APIRouter, Cookie, Depends, FastAPI, Form, Header, Query, WebSocket, status,
)
from zephyr.responses import HTMLResponse


class Item(BaseModel):
    name: str


class Filters(BaseModel):
    limit: int = 10
    offset: int = 0


def database():
    yield "db"


def current_user(authorization: Annotated[str, Header()]) -> str:
    return authorization


async def audit() -> None:
    return None


router = APIRouter(prefix="/shop", dependencies=[Depends(audit)])


@router.get("/items/{item_id}", response_model=Item)
def read_item(
    item_id: int,
    db: Annotated[str, Depends(database)],
    user: Annotated[str, Depends(current_user)],
    session: Annotated[str | None, Cookie()] = None,
) -> dict[str, str]:
    return {"name": db}


@router.post("/items", status_code=status.HTTP_201_CREATED)
def create_item(item: Item, note: Annotated[str, Query(alias="n")] = "") -> Item:
    return item


@router.get("/search")
def search(filters: Annotated[Filters, Query()]) -> list[Item]:
    return []


@router.post("/login", response_class=HTMLResponse)
def login(username: Annotated[str, Form()], password: Annotated[str, Form()]) -> str:
    return "<p>ok</p>"


app = FastAPI(title="Shop", version="2.0", docs_url=None, redoc_url=None, openapi_url=None)
app.include_router(router)


@app.websocket("/live/{room}")
async def live(websocket: WebSocket, room: str, db: Annotated[str, Depends(database)]) -> None:
    await websocket.close()


async def plain(request):
    return PlainTextResponse("plain")


async def echo(websocket):
    await websocket.close()


app.add_route("/plain", plain, methods=["GET"])
app.add_websocket_route("/echo", echo)

admin = FastAPI(title="Admin")


@admin.get("/stats")
def stats() -> dict[str, int]:
    return {}


app.mount("/admin", admin)
app.mount("/static", StaticFiles(directory="."), name="static")
app.router.routes.append(Host("api.example.com", Router()))
"""


def _row(rows: list[RouteRow], path: str, method: str = "") -> RouteRow:
    found = [row for row in rows if row.path == path and (not method or method in row.methods)]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def shop(write: Write) -> object:
    write("main.py", SHOP)
    return locate().app


def test_api_route_rows_come_from_the_plans(shop: object) -> None:
    rows = collect_rows(shop)
    read = _row(rows, "/shop/items/{item_id}")
    assert read.kind == "api"
    assert read.methods == ("GET",)
    assert read.endpoint == "main.read_item"
    assert read.dependencies == ("audit", "database (yield)", "current_user")
    assert read.parameters == (
        ("path", ("item_id",)),
        ("header", ("authorization",)),
        ("cookie", ("session",)),
    )
    assert read.response == "Item"
    assert read.status_code == "200"
    assert read.plan is not None and read.plan.path == "/shop/items/{item_id}"

    create = _row(rows, "/shop/items", "POST")
    assert create.parameters == (("query", ("n",)), ("body", ("item",)))
    assert create.status_code == "201"
    assert create.response == "Item"

    assert _row(rows, "/shop/search").parameters == (("query", ("filters (model)",)),)
    assert _row(rows, "/shop/search").response == "list[Item]"
    login = _row(rows, "/shop/login")
    assert login.parameters == (("form", ("username", "password")),)
    assert login.response == "str (HTMLResponse)"


def test_other_routes_are_listed_with_their_kind(shop: object) -> None:
    rows = collect_rows(shop)
    live = _row(rows, "/live/{room}")
    assert (live.kind, live.methods, live.endpoint) == ("api-websocket", ("WS",), "main.live")
    assert live.dependencies == ("database (yield)",)
    assert live.parameters == (("path", ("room",)),)
    plain = _row(rows, "/plain")
    assert (plain.kind, plain.methods, plain.endpoint) == ("route", ("GET", "HEAD"), "main.plain")
    echo = _row(rows, "/echo")
    assert (echo.kind, echo.methods, echo.endpoint) == ("websocket", ("WS",), "main.echo")
    mount = _row(rows, "/admin")
    assert (mount.kind, mount.endpoint) == ("mount", "zephyr.applications.FastAPI")
    stats = _row(rows, "/admin/stats")  # the mounted Zephyr app's own routes
    assert (stats.kind, stats.endpoint, stats.response) == ("api", "main.stats", "dict[str, int]")
    static = _row(rows, "/static")
    assert (static.kind, static.endpoint) == ("mount", "starlette.staticfiles.StaticFiles")
    host = _row(rows, "api.example.com")
    assert (host.kind, host.endpoint) == ("host", "starlette.routing.Router")
    order = [row.path for row in rows]
    assert (
        order.index("/shop/items/{item_id}") < order.index("/live/{room}") < order.index("/admin")
    )  # matching order


def test_routes_table_for_the_hello_example(invoke: Invoke) -> None:
    from tests.cli.conftest import ROOT

    result = invoke("routes", str(ROOT / "examples" / "hello" / "app.py"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Zephyr hello 1.0.0: 9 routes (examples.hello.app:app)\n")
    lines = out.splitlines()
    header = next(line for line in lines if "Methods" in line)
    for column in ("Path", "Kind", "Endpoint", "Dependencies", "Parameters", "Response"):
        assert column in header
    create = next(line for line in lines if "examples.hello.app.create_item" in line)
    for cell in ("POST", "/items", "api", "require_token", "header: x-token", "ItemOut", "201"):
        assert cell in create
    after = lines[lines.index(create) + 1]
    assert "get_store (yield)" in after and "body: item" in after
    listing = next(line for line in lines if "list_items" in line)
    assert "query: category, q, limit" in listing and "list[ItemOut]" in listing
    docs = next(line for line in lines if "/docs " in line)
    assert "route" in docs and "GET,HEAD" in docs
    assert "\x1b[" not in out  # no colour codes when piped


def test_plan_option_prints_each_plan(invoke: Invoke, shop: object) -> None:
    result = invoke("routes", "--plan")
    assert result.exit_code == 0, result.output
    for row in collect_rows(shop):
        if row.plan is not None:
            assert row.plan.describe() + "\n" in result.stdout
    assert "GET /shop/items/{item_id}  ->  read_item" in result.stdout
    assert "WS /live/{room}  ->  live" in result.stdout
    assert "Methods" not in result.stdout  # the detailed view replaces the table


def test_table_option_prints_the_compiled_route_table(invoke: Invoke, shop: object) -> None:
    result = invoke("routes", "--table")
    assert result.exit_code == 0, result.output
    assert route_table(shop).describe() in result.stdout  # type: ignore[arg-type]
    assert result.stdout.startswith("CompiledRouter: ")


def test_plan_and_table_together(invoke: Invoke, shop: object) -> None:
    result = invoke("routes", "--table", "--plan")
    assert result.stdout.index("CompiledRouter:") < result.stdout.index("  ->  read_item")


def test_routes_reflect_dependency_overrides(write: Write, invoke: Invoke) -> None:
    write(
        "main.py",
        """
        from typing import Annotated
        from zephyr import Depends, FastAPI

        def real() -> str:
            return "real"

        def fake(token: str) -> str:
            return token

        app = FastAPI()

        @app.get("/")
        def index(value: Annotated[str, Depends(real)]) -> str:
            return value

        app.dependency_overrides[real] = fake
        """,
    )
    result = invoke("routes")
    line = next(line for line in result.stdout.splitlines() if "main.index" in line)
    assert "fake" in line and "query: token" in line


def test_routes_needs_a_zephyr_app(write: Write, invoke: Invoke) -> None:
    write("main.py", "from starlette.applications import Starlette\n\nsite = Starlette()\n")
    result = invoke("routes", "--app", "site")
    assert result.exit_code == 1
    assert "main:site is an instance of starlette.applications.Starlette, not a Zephyr app" in (
        result.stderr
    )
    assert "from zephyr import FastAPI" in result.stderr


def test_compile_error_is_reported_with_the_engine_message(write: Write, invoke: Invoke) -> None:
    write(
        "main.py",
        """
        from typing import Annotated
        from zephyr import Depends, FastAPI, Query

        def real() -> int:
            return 1

        def broken(q: Annotated[dict[str, list[dict[str, int]]], Query()]) -> int:
            return 2

        app = FastAPI()

        @app.get("/x")
        def x(v: Annotated[int, Depends(real)]) -> int:
            return v

        app.dependency_overrides[real] = broken
        """,
    )
    result = invoke("routes")
    assert result.exit_code == 1
    assert "Error: Compiling the app's routes failed:" in result.stderr
    assert "Query parameter 'q' must be one of the supported types" in result.stderr
    assert "route '/x'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("tp", "text"),
    [
        (int, "int"),
        (None, "None"),
        (list[int], "list[int]"),
        (dict[str, list[int]], "dict[str, list[int]]"),
        (tuple[int, ...], "tuple[int, ...]"),
        (Literal["a", 1], "Literal['a', 1]"),
        (Annotated[int, "meta"], "int"),
        (Sequence[str], "Sequence[str]"),
    ],
)
def test_type_names_are_short(tp: object, text: str) -> None:
    assert type_name(tp) == text


def test_type_names_drop_module_paths() -> None:
    class Thing(BaseModel):
        pass

    assert type_name(Thing) == "Thing"
    assert type_name(list[Thing]) == "list[Thing]"
    assert type_name(Optional[Thing]) == "Thing | None"  # noqa: UP045
    assert type_name(Union[Thing, int]) == "Thing | int"  # noqa: UP007
    assert type_name(Thing | None) == "Thing | None"
