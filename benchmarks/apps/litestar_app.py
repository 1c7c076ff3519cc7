"""The scenario set as an equivalent Litestar application.

Same models (Pydantic, through Litestar's Pydantic plugin), same answers: POST handlers are
declared with status 200 as FastAPI answers, sync callables run in a worker thread as FastAPI
runs them (`sync_to_thread=True`). Validation failures and 404s keep Litestar's own format,
since changing them would add an exception handler FastAPI does not need.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from litestar import Litestar, WebSocket, get, post, websocket
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import WebSocketDisconnect
from litestar.params import Body, Parameter
from litestar.response import Stream
from pydantic import BaseModel

from benchmarks.apps.models import PRODUCTS, Order, Product


@get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello, world"}


@get("/items/{item_id:int}")
async def read_item(item_id: int, q: str | None = None, limit: int = 10) -> dict[str, object]:
    return {"item_id": item_id, "q": q, "limit": limit}


@post("/orders", status_code=200)
async def create_order(data: Order) -> Order:
    return data


async def get_db() -> AsyncIterator[dict[str, bool]]:
    db = {"open": True}
    try:
        yield db
    finally:
        db["open"] = False


async def get_user(
    db: dict[str, bool], x_token: Annotated[str, Parameter(header="x-token")]
) -> dict[str, str]:
    return {"name": "alice", "token": x_token, "db": "open" if db["open"] else "closed"}


async def get_permissions(user: dict[str, str]) -> list[str]:
    return ["read", user["name"], user["token"], user["db"]]


@get(
    "/deps/async",
    dependencies={
        "db": Provide(get_db),
        "user": Provide(get_user),
        "permissions": Provide(get_permissions),
    },
)
async def deps_async(permissions: list[str]) -> dict[str, list[str]]:
    return {"permissions": permissions}


def get_db_sync() -> Iterator[dict[str, bool]]:
    db = {"open": True}
    try:
        yield db
    finally:
        db["open"] = False


def get_user_sync(
    db: dict[str, bool], x_token: Annotated[str, Parameter(header="x-token")]
) -> dict[str, str]:
    return {"name": "alice", "token": x_token, "db": "open" if db["open"] else "closed"}


def get_permissions_sync(user: dict[str, str]) -> list[str]:
    return ["read", user["name"], user["token"], user["db"]]


@get(
    "/deps/sync",
    sync_to_thread=True,
    dependencies={
        "db": Provide(get_db_sync),  # Litestar runs generators on the loop either way
        "user": Provide(get_user_sync, sync_to_thread=True),
        "permissions": Provide(get_permissions_sync, sync_to_thread=True),
    },
)
def deps_sync(permissions: list[str]) -> dict[str, list[str]]:
    return {"permissions": permissions}


@get("/sync", sync_to_thread=True)
def plain_sync() -> dict[str, str]:
    return {"message": "Hello from a thread"}


@get("/products")
async def list_products() -> list[Product]:
    return PRODUCTS


@post("/products/bulk", status_code=200)
async def bulk_products(data: list[Product]) -> dict[str, object]:
    return {"count": len(data), "last": data[-1].name}


class Login(BaseModel):
    username: str
    password: str
    remember: bool = False


@post("/login", status_code=200)
async def login(
    data: Annotated[Login, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> dict[str, object]:
    return {
        "username": data.username,
        "password_length": len(data.password),
        "remember": data.remember,
    }


@websocket("/ws")
async def echo(socket: WebSocket) -> None:
    await socket.accept()
    try:
        while True:
            await socket.send_text(await socket.receive_text())
    except WebSocketDisconnect:
        pass


async def chunks() -> AsyncIterator[bytes]:
    for index in range(100):
        yield b"chunk %03d\n" % index


@get("/stream")
async def stream() -> Stream:
    return Stream(chunks(), media_type="text/plain")


app = Litestar(
    route_handlers=[
        hello,
        read_item,
        create_order,
        deps_async,
        deps_sync,
        plain_sync,
        list_products,
        bulk_products,
        login,
        echo,
        stream,
    ],
)
