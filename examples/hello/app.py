"""An in-memory items API: path/query/header parameters, bodies, dependencies, yield
dependencies, background tasks and response models — ordinary FastAPI code, served by Zephyr.

Run it with `scripts/serve` (uvicorn on http://127.0.0.1:8000).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, Field

from zephyr import BackgroundTasks, Depends, FastAPI, Header, HTTPException, Query, status


class Category(str, Enum):
    """What kind of item it is."""

    tool = "tool"
    toy = "toy"
    food = "food"


class ItemIn(BaseModel):
    """An item as clients send it."""

    name: str = Field(min_length=1, max_length=50)
    price: float = Field(gt=0)
    category: Category = Category.tool
    tags: list[str] = []


class ItemOut(ItemIn):
    """An item as the API returns it."""

    id: int


class Store:
    """A tiny in-memory table of items with an audit log."""

    def __init__(self) -> None:
        self.items: dict[int, ItemOut] = {}
        self.audit: list[str] = []
        self.next_id = 1

    def add(self, item: ItemIn) -> ItemOut:
        stored = ItemOut(id=self.next_id, **item.model_dump())
        self.items[stored.id] = stored
        self.next_id += 1
        return stored


store = Store()
app = FastAPI(title="Zephyr hello", version="1.0.0")


def get_store() -> Iterator[Store]:
    """Hand out the store for one request (a stand-in for a database session)."""
    yield store


def require_token(x_token: Annotated[str, Header()]) -> str:
    """Accept only requests that carry the demo token."""
    if x_token != "secret-token":
        raise HTTPException(status_code=401, detail="Invalid X-Token header")
    return x_token


StoreDep = Annotated[Store, Depends(get_store)]


@app.get("/")
async def root() -> dict[str, str]:
    """Say hello."""
    return {"message": "Hello from Zephyr"}


@app.get("/items", response_model=list[ItemOut])
def list_items(
    db: StoreDep,
    category: Category | None = None,
    q: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[ItemOut]:
    """List items, optionally filtered by category and a name fragment."""
    found = [
        item
        for item in db.items.values()
        if (category is None or item.category == category) and (q is None or q in item.name)
    ]
    return found[:limit]


@app.get("/items/{item_id}")
def read_item(item_id: int, db: StoreDep) -> ItemOut:
    """Return one item."""
    item = db.items.get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return item


def write_audit(db: Store, message: str) -> None:
    """Record an audit line (runs after the response is sent)."""
    db.audit.append(message)


@app.post("/items", status_code=status.HTTP_201_CREATED, dependencies=[Depends(require_token)])
async def create_item(item: ItemIn, db: StoreDep, background: BackgroundTasks) -> ItemOut:
    """Create an item (needs the X-Token header)."""
    stored = db.add(item)
    background.add_task(write_audit, db, f"created {stored.id}")
    return stored


@app.delete(
    "/items/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(require_token)],
)
def delete_item(item_id: int, db: StoreDep) -> None:
    """Delete an item (needs the X-Token header)."""
    if db.items.pop(item_id, None) is None:
        raise HTTPException(status_code=404, detail="Item not found")
