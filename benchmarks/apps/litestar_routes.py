"""The 300-route application in Litestar: 100 resources with three operations each."""

from __future__ import annotations

from litestar import Litestar, Router, get, post
from litestar.handlers import HTTPRouteHandler
from pydantic import BaseModel

RESOURCES = 100


class ItemIn(BaseModel):
    name: str
    price: float
    tags: list[str] = []


class ItemOut(ItemIn):
    id: int
    resource: str


def resource_handlers(index: int) -> list[HTTPRouteHandler]:
    """Return list, create and read handlers for resource number `index`."""
    resource = f"r{index}"

    @get(f"/{resource}/items", name=f"list_items_{resource}")
    async def list_items(offset: int = 0, limit: int = 20) -> list[ItemOut]:
        return []

    @post(f"/{resource}/items", name=f"create_item_{resource}", status_code=200)
    async def create_item(data: ItemIn) -> ItemOut:
        return ItemOut(id=1, resource=resource, **data.model_dump())

    @get(f"/{resource}/items/{{item_id:int}}", name=f"read_item_{resource}")
    async def read_item(item_id: int, verbose: bool = False) -> ItemOut:
        return ItemOut(id=item_id, resource=resource, name="item", price=1.0)

    return [list_items, create_item, read_item]


def build_app(resources: int = RESOURCES) -> Litestar:
    """Return the application with its 3 * `resources` routes (300 by default) under /api."""
    handlers = [handler for index in range(resources) for handler in resource_handlers(index)]
    return Litestar(route_handlers=[Router("/api", route_handlers=handlers)])


app = build_app()
