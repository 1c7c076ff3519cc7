"""Pydantic models shared by every framework's app, so each validates the same shapes."""

from __future__ import annotations

from pydantic import BaseModel


class Customer(BaseModel):
    name: str
    email: str


class LineItem(BaseModel):
    name: str
    price: float
    quantity: int


class Order(BaseModel):
    id: int
    customer: Customer
    items: list[LineItem]
    note: str | None = None


class Product(BaseModel):
    id: int
    name: str
    price: float
    tags: list[str]
    in_stock: bool


# The 100-model response: built once, as an app would load them from a store; the benchmark
# measures validating and serialising them, not constructing them.
PRODUCTS = [
    Product(id=i, name=f"product-{i}", price=i * 1.25, tags=["a", "b"], in_stock=i % 2 == 0)
    for i in range(100)
]
