"""A 300-route FastAPI application: 100 resources with three operations each.

Used for routing to the last of many routes and for startup cost (build time, memory, the
OpenAPI document). The routes are registered in a loop, as generated CRUD apps do; each one
has real parameters and models so that the OpenAPI document has something to describe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

RESOURCES = 100


class ItemIn(BaseModel):
    name: str
    price: float
    tags: list[str] = []


class ItemOut(ItemIn):
    id: int
    resource: str


def add_resource(router: APIRouter, index: int) -> None:
    """Register list, create and read operations for resource number `index`."""
    resource = f"r{index}"

    async def list_items(offset: int = 0, limit: int = 20) -> list[ItemOut]:
        return []

    async def create_item(item: ItemIn) -> ItemOut:
        return ItemOut(id=1, resource=resource, **item.model_dump())

    async def read_item(item_id: int, verbose: bool = False) -> ItemOut:
        return ItemOut(id=item_id, resource=resource, name="item", price=1.0)

    operations: list[tuple[str, str, Callable[..., Any]]] = [
        ("GET", f"/{resource}/items", list_items),
        ("POST", f"/{resource}/items", create_item),
        ("GET", f"/{resource}/items/{{item_id}}", read_item),
    ]
    for method, path, endpoint in operations:
        router.add_api_route(
            path, endpoint, methods=[method], name=f"{endpoint.__name__}_{resource}"
        )


def build_app(resources: int = RESOURCES) -> FastAPI:
    """Return the application with its 3 * `resources` routes (300 by default) under /api."""
    router = APIRouter()
    for index in range(resources):
        add_resource(router, index)
    application = FastAPI(title="300 routes")
    application.include_router(router, prefix="/api")
    return application


app = build_app()
