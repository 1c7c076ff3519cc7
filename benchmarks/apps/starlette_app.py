"""The floor: the scenario set hand-written on Starlette, doing the same work by hand.

Pydantic validates and dumps exactly what the FastAPI app declares, errors carry FastAPI's
body, sync work runs in ONE thread hop per request: what a framework that compiled every
endpoint perfectly could at best reduce to, on Starlette's request and response objects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from pydantic import TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, Router, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from benchmarks.apps.models import PRODUCTS, Order, Product

PRODUCT_LIST = TypeAdapter(list[Product])
RESOURCES = 100


def json_bytes(content: bytes, status_code: int = 200) -> Response:
    return Response(content, status_code, media_type="application/json")


async def hello(request: Request) -> Response:
    return JSONResponse({"message": "Hello, world"})


async def read_item(request: Request) -> Response:
    query = request.query_params
    limit = int(query.get("limit", 10))
    item_id = request.path_params["item_id"]
    return JSONResponse({"item_id": item_id, "q": query.get("q"), "limit": limit})


def body_errors(exc: ValidationError) -> Response:
    """FastAPI's 422 body for a body that failed validation."""
    errors = [
        {
            "type": error["type"],
            "loc": ["body", *error["loc"]],
            "msg": error["msg"],
            "input": error["input"],
        }
        for error in exc.errors(include_url=False)
    ]
    return JSONResponse({"detail": errors}, status_code=422)


async def create_order(request: Request) -> Response:
    try:
        order = Order.model_validate_json(await request.body())
    except ValidationError as exc:
        return body_errors(exc)
    return json_bytes(order.model_dump_json().encode())


@asynccontextmanager
async def database() -> AsyncIterator[dict[str, bool]]:
    db = {"open": True}
    try:
        yield db
    finally:
        db["open"] = False


def permissions_for(db: dict[str, bool], token: str) -> list[str]:
    return ["read", "alice", token, "open" if db["open"] else "closed"]


async def deps_async(request: Request) -> Response:
    async with database() as db:
        permissions = permissions_for(db, request.headers["x-token"])
        return JSONResponse({"permissions": permissions})


@contextmanager
def database_sync() -> Iterator[dict[str, bool]]:
    db = {"open": True}
    try:
        yield db
    finally:
        db["open"] = False


def deps_sync_chain(token: str) -> dict[str, Any]:
    with database_sync() as db:
        return {"permissions": permissions_for(db, token)}


async def deps_sync(request: Request) -> Response:
    content = await run_in_threadpool(deps_sync_chain, request.headers["x-token"])
    return JSONResponse(content)


def plain_sync_body() -> dict[str, str]:
    return {"message": "Hello from a thread"}


async def plain_sync(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(plain_sync_body))


async def list_products(request: Request) -> Response:
    products = PRODUCT_LIST.validate_python(PRODUCTS, from_attributes=True)
    return json_bytes(PRODUCT_LIST.dump_json(products))


async def bulk_products(request: Request) -> Response:
    products = PRODUCT_LIST.validate_json(await request.body())
    return JSONResponse({"count": len(products), "last": products[-1].name})


async def login(request: Request) -> Response:
    async with request.form() as form:
        username = str(form["username"])
        password = str(form["password"])
        remember = TypeAdapter(bool).validate_python(form.get("remember", False))
    return JSONResponse(
        {"username": username, "password_length": len(password), "remember": remember}
    )


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


async def chunks() -> AsyncIterator[bytes]:
    for index in range(100):
        yield b"chunk %03d\n" % index


async def stream(request: Request) -> Response:
    return StreamingResponse(chunks(), media_type="text/plain")


async def not_found(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)


app = Starlette(
    routes=[
        Route("/hello", hello),
        Route("/items/{item_id:int}", read_item),
        Route("/orders", create_order, methods=["POST"]),
        Route("/deps/async", deps_async),
        Route("/deps/sync", deps_sync),
        Route("/sync", plain_sync),
        Route("/products", list_products),
        Route("/products/bulk", bulk_products, methods=["POST"]),
        Route("/login", login, methods=["POST"]),
        WebSocketRoute("/ws", echo),
        Route("/stream", stream),
    ],
    exception_handlers={HTTPException: not_found},
)


def resource_routes(index: int) -> list[Route]:
    """Return the list, create and read routes of resource number `index`."""
    resource = f"r{index}"

    async def read(request: Request) -> Response:
        item = {"name": "item", "price": 1.0, "tags": [], "id": request.path_params["item_id"]}
        return JSONResponse({**item, "resource": resource})

    async def other(request: Request) -> Response:
        return JSONResponse([])

    return [
        Route(f"/api/{resource}/items", other),
        Route(f"/api/{resource}/items", other, methods=["POST"]),
        Route(f"/api/{resource}/items/{{item_id:int}}", read),
    ]


routes_app = Router(routes=[route for i in range(RESOURCES) for route in resource_routes(i)])
