"""Request bodies: models, embedding, decoding of odd payloads, content types, model features."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .harness import Cases, post, put

cases = Cases()

JSON = {"content-type": "application/json"}


def raw(body: bytes, content_type: str | None = "application/json") -> dict:
    """Request kwargs for raw body bytes with (or without) a content type."""
    headers = {} if content_type is None else {"content-type": content_type}
    return {"content": body, "headers": headers}


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


class User(BaseModel):
    username: str
    full_name: str | None = None


@cases.add
def body_single_model(fw):
    app = fw.FastAPI()

    @app.post("/")
    def create(item: Item):
        return item

    return app, [
        post("/", "valid", json={"name": "a", "price": 1}),
        post("/", "missing field and wrong type", json={"price": "x"}),
        post("/", "extra keys are ignored", json={"name": "a", "price": 1, "x": 1}),
        post("/", "no body at all"),
        post("/", "JSON null", **raw(b"null")),
        post("/", "a JSON list where an object is expected", json=[{"name": "a", "price": 1}]),
        post("/", "a JSON string", json="name"),
        post("/", "price as a numeric string (lax)", json={"name": "a", "price": "2.5"}),
        post("/", "tags as a string, not a list", json={"name": "a", "price": 1, "tags": "t"}),
        post("/", "item of the list wrong", json={"name": "a", "price": 1, "tags": ["t", 5]}),
    ]


@cases.add
def body_decoding(fw):
    app = fw.FastAPI()

    @app.post("/")
    def create(item: Item):
        return item

    good = b'{"name": "caf\xc3\xa9", "price": 2}'
    return app, [
        post("/", "malformed: trailing comma", **raw(b'{"name": "a", "price": 1,}')),
        post("/", "malformed: truncated", **raw(b'{"name": "a", "pr')),
        post("/", "malformed: first byte", **raw(b"x")),
        post("/", "malformed: garbage after the value", **raw(b'{"name": "a", "price": 1} x')),
        post("/", "malformed: single quotes", **raw(b"{'name': 'a'}")),
        post("/", "empty body with a JSON content type", **raw(b"")),
        post("/", "whitespace only", **raw(b"  \n")),
        post("/", "no content type: JSON text", **raw(good, None)),
        post("/", "text/plain with JSON text", **raw(good, "text/plain")),
        post("/", "vendor +json type", **raw(good, "application/vnd.api+json")),
        post("/", "charset parameter", **raw(good, "application/json; charset=utf-8")),
        post("/", "latin-1 charset claimed", **raw(good, "application/json; charset=latin-1")),
        post("/", "uppercase media type", **raw(good, "Application/JSON")),
        post("/", "application/jsonx is not JSON", **raw(good, "application/jsonx")),
        post("/", "UTF-8 BOM", **raw(b"\xef\xbb\xbf" + good)),
        post("/", "UTF-16 encoded JSON", **raw('{"name": "a", "price": 1}'.encode("utf-16"))),
        post("/", "invalid UTF-8 inside a string", **raw(b'{"name": "\xff\xfe", "price": 1}')),
        post("/", "NaN literal", **raw(b'{"name": "a", "price": NaN}')),
        post("/", "Infinity literal", **raw(b'{"name": "a", "price": Infinity}')),
        post("/", "huge number for a float", **raw(b'{"name": "a", "price": 1e400}')),
        post("/", "huge integer literal", **raw(b'{"name": "a", "price": ' + b"9" * 40 + b"}")),
        post("/", "duplicate keys: last wins?", **raw(b'{"name": "a", "name": "b", "price": 1}')),
        post("/", "escaped unicode", **raw(b'{"name": "\\u00e9\\ud83d\\ude00", "price": 1}')),
        post("/", "lone surrogate escape", **raw(b'{"name": "\\ud800", "price": 1}')),
        post(
            "/",
            "form content type with JSON text",
            **raw(good, "application/x-www-form-urlencoded"),
        ),
    ]


@cases.add
def body_nested_and_collections(fw):
    app = fw.FastAPI()

    class Order(BaseModel):
        user: User
        items: list[Item]
        notes: dict[str, int] = {}

    @app.post("/order")
    def order(order: Order):
        return order

    @app.post("/items")
    def items(items: list[Item]):
        return {"count": len(items)}

    @app.post("/weights")
    def weights(weights: dict[str, float]):
        return weights

    return app, [
        post("/order", "nested valid", json={"user": {"username": "u"}, "items": []}),
        post(
            "/order",
            "deep error locations",
            json={
                "user": {},
                "items": [{"name": "a", "price": 1}, {"price": "x"}],
                "notes": {"a": "b"},
            },
        ),
        post("/items", "list body", json=[{"name": "a", "price": 1}, {"name": "b", "price": 2}]),
        post("/items", "object where a list is expected", json={"name": "a", "price": 1}),
        post("/items", "empty list", json=[]),
        post("/weights", "dict body", json={"a": 1, "b": 2.5}),
        post("/weights", "dict value error", json={"a": "heavy"}),
        post("/weights", "dict body given a list", json=[1, 2]),
    ]


@cases.add
def body_scalars_and_embedding(fw):
    app = fw.FastAPI()

    @app.post("/int")
    def scalar(x: int = fw.Body()):
        return {"x": x}

    @app.post("/str")
    def text(s: Annotated[str, fw.Body()]):
        return {"s": s}

    @app.post("/embed")
    def embed(item: Annotated[Item, fw.Body(embed=True)]):
        return item

    @app.post("/embed-scalar")
    def embed_scalar(n: int = fw.Body(embed=True, gt=0)):
        return {"n": n}

    return app, [
        post("/int", "bare JSON number", json=5),
        post("/int", "JSON string with digits (lax)", json="5"),
        post("/int", "object for a scalar body", json={"x": 5}),
        post("/str", "JSON string", json="hello"),
        post("/str", "plain text that is not JSON", **raw(b"hello", "text/plain")),
        post("/str", "number for a str body", json=5),
        post("/embed", "embedded under its name", json={"item": {"name": "a", "price": 1}}),
        post("/embed", "not embedded: missing body.item", json={"name": "a", "price": 1}),
        post("/embed", "a list where the embedding object is expected", json=[1]),
        post("/embed-scalar", "embedded scalar with a constraint", json={"n": 0}),
        post("/embed-scalar", "embedded scalar missing", json={}),
    ]


@cases.add
def body_several(fw):
    app = fw.FastAPI()

    @app.put("/items/{item_id}")
    def update(
        item_id: int,
        item: Item,
        user: User,
        importance: Annotated[int, fw.Body(ge=1)],
        note: Optional[str] = fw.Body(default=None),
    ):
        return {
            "item_id": item_id,
            "item": item,
            "user": user,
            "importance": importance,
            "note": note,
        }

    ok = {"item": {"name": "a", "price": 1}, "user": {"username": "u"}, "importance": 2}
    return app, [
        put("/items/1", "several bodies embed by name", json=ok),
        put("/items/1", "one missing, one invalid", json={"item": {"name": "a"}, "importance": 0}),
        put("/items/1", "empty object", json={}),
        put("/items/1", "no body: one missing error or several?"),
        put("/items/1", "a list instead of the object", json=[ok]),
        put("/items/x", "path error comes before body errors", json={"user": 1}),
    ]


@cases.add
def body_optional_and_required(fw):
    app = fw.FastAPI()

    @app.post("/opt")
    def opt(item: Item | None = None):
        return {"item": item}

    @app.post("/opt-body")
    def opt_body(item: Annotated[Optional[Item], fw.Body()] = None):
        return {"item": item}

    @app.post("/req")
    def req(item: Item):
        return item

    return app, [
        post("/opt", "optional body absent"),
        post("/opt", "optional body null", **raw(b"null")),
        post("/opt", "optional body present", json={"name": "a", "price": 1}),
        post("/opt", "optional body invalid", json={"name": "a"}),
        post("/opt", "optional body, empty bytes with content type", **raw(b"")),
        post("/opt-body", "Body(None) absent"),
        post("/req", "required body, empty bytes", **raw(b"")),
        post("/req", "required body, empty object", json={}),
    ]


@cases.add
def body_model_features(fw):
    app = fw.FastAPI()

    class Person(BaseModel):
        model_config = ConfigDict(extra="forbid")

        full_name: str = Field(alias="fullName")
        age: int = Field(default=0, ge=0, strict=True)
        nick: str = Field(default="x", min_length=2, validate_default=True)
        tags: list[str] = Field(default_factory=list)

    class Signup(BaseModel):
        email: str
        code: int = 0

        @field_validator("email")
        @classmethod
        def has_at(cls, value):
            if "@" not in value:
                raise ValueError("no @ in the address")
            return value.lower()

        @field_validator("code")
        @classmethod
        def positive(cls, value):
            assert value >= 0, "code must be positive"
            return value

    @app.post("/signup")
    def signup(s: Signup):
        return s

    class Event(BaseModel):
        when: datetime | str
        amount: Decimal = Decimal("0")

    @app.post("/person")
    def person(p: Person):
        return {"name": p.full_name, "age": p.age, "nick": p.nick, "tags": p.tags}

    @app.post("/event")
    def event(e: Event):
        return {"when": e.when, "kind": type(e.when).__name__, "amount": e.amount}

    return app, [
        post("/person", "alias in, validate_default fails", json={"fullName": "A"}),
        post("/person", "python name is not the alias", json={"full_name": "A", "nick": "ab"}),
        post("/person", "extra=forbid", json={"fullName": "A", "nick": "ab", "x": 1}),
        post(
            "/person",
            "strict int rejects a string",
            json={"fullName": "A", "age": "3", "nick": "ab"},
        ),
        post("/person", "default_factory", json={"fullName": "A", "nick": "ab"}),
        post("/event", "datetime | str: a datetime", json={"when": "2024-01-02T03:04:05Z"}),
        post("/event", "datetime | str: falls back to str", json={"when": "tomorrow"}),
        post(
            "/event", "Decimal precision kept", json={"when": "x", "amount": "0.10000000000000001"}
        ),
        post("/event", "Decimal from a float", json={"when": "x", "amount": 0.1}),
        post("/event", "Decimal invalid", json={"when": "x", "amount": "ten"}),
        post("/signup", "a validator's ValueError: msg and ctx.error", json={"email": "x"}),
        post("/signup", "an AssertionError in a validator", json={"email": "a@B", "code": -1}),
        post("/signup", "a validator transforms the value", json={"email": "A@B"}),
    ]


@cases.add
def form_fields(fw):
    app = fw.FastAPI()

    @app.post("/login")
    def login(username: Annotated[str, fw.Form()], remember: bool = fw.Form(False)):
        return {"username": username, "remember": remember}

    return app, [
        post("/login", "urlencoded form", data={"username": "u", "remember": "on"}),
        post("/login", "missing form field", data={"remember": "on"}),
        post("/login", "JSON to a form endpoint", json={"username": "u"}),
        post("/login", "multipart form", files={"username": (None, "m")}),
    ]


@cases.add
def file_uploads(fw):
    app = fw.FastAPI()

    @app.post("/upload")
    async def upload(doc: fw.UploadFile, raw: Annotated[bytes, fw.File()], tag: str = fw.Form("")):
        content = await doc.read()
        return {
            "filename": doc.filename,
            "content_type": doc.content_type,
            "size": doc.size,
            "content": content.decode(),
            "raw": raw.decode(),
            "tag": tag,
        }

    @app.post("/many")
    async def many(files: list[fw.UploadFile]):
        return [f.filename for f in files]

    files = {"doc": ("a.txt", b"hello", "text/plain"), "raw": ("b.bin", b"bytes")}
    return app, [
        post("/upload", "UploadFile, bytes File and a Form field", files=files, data={"tag": "t"}),
        post("/upload", "missing files", data={"tag": "t"}),
        post("/upload", "a file field sent as plain text", data={"doc": "x", "raw": "y"}),
        post(
            "/many",
            "several files under one name",
            files=[("files", ("1", b"a")), ("files", ("2", b"b"))],
        ),
    ]


test_bodies = cases.make_test()
