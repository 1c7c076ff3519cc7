"""Every in-process scenario as an ordinary FastAPI application.

This file only speaks FastAPI's public API: the FastAPI column imports it with real FastAPI,
the Zephyr column imports the very same file after `zephyr.compat.install()`. Endpoints that
return plain dicts have no return annotation on purpose: in FastAPI an annotation declares a
response model, which would add validation work the scenario does not ask for.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, Form, Header, WebSocket, WebSocketDisconnect
from fastapi.responses import StreamingResponse

from benchmarks.apps.models import PRODUCTS, Order, Product

app = FastAPI()


@app.get("/hello")
async def hello():
    return {"message": "Hello, world"}


@app.get("/items/{item_id}")
async def read_item(item_id: int, q: str | None = None, limit: int = 10):
    return {"item_id": item_id, "q": q, "limit": limit}


@app.post("/orders", response_model=Order)
async def create_order(order: Order):
    return order


# -- the async dependency chain: a yield dependency, then two more, one reading a header ----


async def get_db() -> AsyncIterator[dict[str, bool]]:
    db = {"open": True}
    try:
        yield db
    finally:
        db["open"] = False


async def get_user(
    db: Annotated[dict[str, bool], Depends(get_db)], x_token: Annotated[str, Header()]
) -> dict[str, str]:
    return {"name": "alice", "token": x_token, "db": "open" if db["open"] else "closed"}


async def get_permissions(user: Annotated[dict[str, str], Depends(get_user)]) -> list[str]:
    return ["read", user["name"], user["token"], user["db"]]


@app.get("/deps/async")
async def deps_async(permissions: Annotated[list[str], Depends(get_permissions)]):
    return {"permissions": permissions}


# -- the same chain as plain `def` functions ------------------------------------------------


def get_db_sync() -> Iterator[dict[str, bool]]:
    db = {"open": True}
    try:
        yield db
    finally:
        db["open"] = False


def get_user_sync(
    db: Annotated[dict[str, bool], Depends(get_db_sync)], x_token: Annotated[str, Header()]
) -> dict[str, str]:
    return {"name": "alice", "token": x_token, "db": "open" if db["open"] else "closed"}


def get_permissions_sync(
    user: Annotated[dict[str, str], Depends(get_user_sync)],
) -> list[str]:
    return ["read", user["name"], user["token"], user["db"]]


@app.get("/deps/sync")
def deps_sync(permissions: Annotated[list[str], Depends(get_permissions_sync)]):
    return {"permissions": permissions}


@app.get("/sync")
def plain_sync():
    return {"message": "Hello from a thread"}


@app.get("/products", response_model=list[Product])
async def list_products():
    return PRODUCTS


@app.post("/products/bulk")
async def bulk_products(products: list[Product]):
    return {"count": len(products), "last": products[-1].name}


@app.post("/login")
async def login(
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    remember: Annotated[bool, Form()] = False,
):
    return {"username": username, "password_length": len(password), "remember": remember}


@app.websocket("/ws")
async def echo(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


async def chunks() -> AsyncIterator[bytes]:
    for index in range(100):
        yield b"chunk %03d\n" % index


@app.get("/stream")
async def stream():
    return StreamingResponse(chunks(), media_type="text/plain")
