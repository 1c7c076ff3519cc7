"""Compiling routes into plans: what is decided at startup, and the errors raised there."""

from datetime import datetime
from typing import Annotated

import pytest
from pydantic import BaseModel, Field

from zephyr import APIRouter, Body, Depends, FastAPI, Header, Path, Query
from zephyr._pipeline.errors import ConfigurationError
from zephyr._pipeline.plan import EndpointPlan
from zephyr._pipeline.table import route_plan
from zephyr.exceptions import DependencyScopeError, FastAPIError
from zephyr.routing import APIRoute
from zephyr.testclient import TestClient


def plan_of(app: FastAPI, path: str) -> EndpointPlan:
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path == path:
            return route_plan(route, app.dependency_overrides)
    raise LookupError(path)


class Item(BaseModel):
    name: str
    price: float


def test_all_non_body_parameters_share_one_validator() -> None:
    app = FastAPI()

    def paging(skip: int = 0, limit: int = 10) -> tuple[int, int]:
        return skip, limit

    @app.get("/items/{item_id}")
    def read(
        item_id: int,
        page: Annotated[tuple[int, int], Depends(paging)],
        q: str | None = None,
        x_token: Annotated[str | None, Header()] = None,
    ) -> dict[str, object]:
        return {}

    plan = plan_of(app, "/items/{item_id}")
    keys = {source.key: source.location for source in plan.params.sources}
    assert keys == {
        "skip": "query",
        "limit": "query",
        "item_id": "path",
        "q": "query",
        "x_token": "header",
    }
    assert plan.params.validator is not None
    # Header names are looked up lower-cased, with underscores turned into hyphens.
    header = next(source for source in plan.params.sources if source.key == "x_token")
    assert header.names == ("x-token",)


def test_same_parameter_name_in_two_dependencies_gets_two_keys() -> None:
    app = FastAPI()

    def first(q: Annotated[str, Query(max_length=3)]) -> str:
        return q

    def second(q: Annotated[str, Query(min_length=2)]) -> str:
        return q

    @app.get("/")
    def read(a: Annotated[str, Depends(first)], b: Annotated[str, Depends(second)]) -> str:
        return a + b

    plan = plan_of(app, "/")
    assert [source.key for source in plan.params.sources] == ["q", "q~1"]
    assert all(source.names == ("q",) for source in plan.params.sources)


def test_consecutive_sync_steps_share_one_thread_stage() -> None:
    app = FastAPI()

    def a() -> int:
        return 1

    async def b(x: Annotated[int, Depends(a)]) -> int:
        return x

    def c(y: Annotated[int, Depends(b)]) -> int:
        return y

    def d(z: Annotated[int, Depends(c)]) -> int:
        return z

    @app.get("/")
    def endpoint(w: Annotated[int, Depends(d)]) -> int:
        return w

    stages = plan_of(app, "/").stages
    assert [(stage.in_thread, [step.label for step in stage.steps]) for stage in stages] == [
        (True, ["test_consecutive_sync_steps_share_one_thread_stage.<locals>.a"]),
        (False, ["test_consecutive_sync_steps_share_one_thread_stage.<locals>.b"]),
        (
            True,
            [
                "test_consecutive_sync_steps_share_one_thread_stage.<locals>.c",
                "test_consecutive_sync_steps_share_one_thread_stage.<locals>.d",
                "test_consecutive_sync_steps_share_one_thread_stage.<locals>.endpoint",
            ],
        ),
    ]


def test_describe_names_every_part_of_the_plan() -> None:
    app = FastAPI()

    def get_db() -> object:
        yield object()

    @app.post("/items/{item_id}", response_model=Item)
    def update(item_id: int, item: Item, db: Annotated[object, Depends(get_db)]) -> Item:
        return item

    text = plan_of(app, "/items/{item_id}").describe()
    assert text.splitlines()[0] == "POST /items/{item_id}  ->  update"
    assert "param item_id: path ('item_id',) (one)" in text
    assert "body: json->validator" in text
    assert "get_db [sync_gen]" in text and "update [sync]" in text
    assert "response: model -> JSONResponse" in text


def test_json_body_goes_straight_to_validator_unless_modes_could_differ() -> None:
    app = FastAPI()

    class Plain(BaseModel):
        when: datetime
        tags: list[str]

    class Ambiguous(BaseModel):
        # In JSON mode a string can match `datetime` strictly, so a smart union may pick a
        # different member than Python mode does: such bodies keep FastAPI's two-step path.
        when: datetime | str

    class Strict(BaseModel):
        count: int = Field(strict=True)

    @app.post("/plain")
    def plain(body: Plain) -> None: ...

    @app.post("/ambiguous")
    def ambiguous(body: Ambiguous) -> None: ...

    @app.post("/strict")
    def strict(body: Strict) -> None: ...

    assert plan_of(app, "/plain").body.json_direct  # type: ignore[union-attr]
    assert not plan_of(app, "/ambiguous").body.json_direct  # type: ignore[union-attr]
    assert not plan_of(app, "/strict").body.json_direct  # type: ignore[union-attr]
    client = TestClient(app)
    sent = {"when": "2020-01-01T00:00:00"}
    assert client.post("/ambiguous", json=sent).status_code == 200


def test_several_bodies_are_embedded_by_name() -> None:
    app = FastAPI()

    @app.put("/items")
    def put(item: Item, importance: Annotated[int, Body()]) -> dict[str, object]:
        return {"item": item, "importance": importance}

    plan = plan_of(app, "/items")
    assert plan.body is not None and plan.body.single_key is None
    assert [field.names for field in plan.body.fields] == [("item",), ("importance",)]
    response = TestClient(app).put(
        "/items", json={"item": {"name": "a", "price": 1}, "importance": 2}
    )
    assert response.json() == {"item": {"name": "a", "price": 1.0}, "importance": 2}


def test_query_parameter_of_unsupported_type_fails_at_declaration_naming_it() -> None:
    app = FastAPI()

    with pytest.raises(ConfigurationError) as caught:

        @app.get("/things")
        def read(things: Annotated[list[dict[str, int]], Query()]) -> None: ...

    message = str(caught.value)
    assert "Query parameter 'things' must be one of the supported types" in message
    assert "route '/things'" in message and "handler" in message and "read" in message
    assert isinstance(caught.value, AssertionError)  # FastAPI reports these with assert


def test_default_inside_annotated_is_refused() -> None:
    app = FastAPI()
    with pytest.raises(FastAPIError, match="default value cannot be set in `Annotated`"):

        @app.get("/")
        def read(q: Annotated[str, Query("x")]) -> None: ...


def test_path_parameter_with_default_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="Path parameters cannot have a default value"):
        Path(3)


def test_unusable_response_model_fails_at_declaration() -> None:
    class NotPydantic:
        pass

    app = FastAPI()
    with pytest.raises(FastAPIError, match="Invalid args for response field"):

        @app.get("/")
        def read() -> NotPydantic | None:
            return None


def test_request_scoped_generator_cannot_depend_on_function_scoped_one() -> None:
    def inner() -> object:
        yield 1

    def outer(value: Annotated[int, Depends(inner, scope="function")]) -> object:
        yield value

    router = APIRouter()
    with pytest.raises(DependencyScopeError, match='"outer" has a scope of "request"'):

        @router.get("/")
        def read(value: Annotated[int, Depends(outer)]) -> None: ...


def test_override_recompiles_only_the_plan() -> None:
    app = FastAPI()

    def real() -> str:
        return "real"

    @app.get("/")
    def read(value: Annotated[str, Depends(real)]) -> str:
        return value

    client = TestClient(app)
    assert client.get("/").json() == "real"
    first = plan_of(app, "/")
    app.dependency_overrides[real] = lambda: "fake"
    assert client.get("/").json() == "fake"
    assert plan_of(app, "/") is not first
    app.dependency_overrides = {}
    assert client.get("/").json() == "real"


def test_an_async_endpoint_taking_nothing_from_the_request_is_called_at_once() -> None:
    app = FastAPI()

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"message": "hi"}

    @app.get("/search")
    async def search(q: str = "") -> str:
        return q

    @app.get("/plain")
    def plain() -> str:
        return "sync"

    @app.get("/guarded", dependencies=[Depends(lambda: None)])
    async def guarded() -> str:
        return "guarded"

    assert plan_of(app, "/hello").no_inputs
    # Reading the query, a thread hop or a dependency take the general path.
    assert not plan_of(app, "/search").no_inputs
    assert not plan_of(app, "/plain").no_inputs
    assert not plan_of(app, "/guarded").no_inputs
    client = TestClient(app)
    assert client.get("/hello?ignored=1").json() == {"message": "hi"}
    assert client.get("/search?q=x").json() == "x"
    assert client.get("/guarded").json() == "guarded"


def test_validated_parameters_are_passed_as_they_are_when_keyed_by_name() -> None:
    app = FastAPI()

    @app.get("/items/{item_id}")
    async def read(
        item_id: int, q: Annotated[str | None, Query(alias="search")] = None, limit: int = 10
    ) -> dict[str, object]:
        return {"item_id": item_id, "q": q, "limit": limit}

    @app.get("/paged")
    async def paged(page: Annotated[tuple[int, int], Depends(lambda: (1, 2))]) -> object:
        return page

    assert plan_of(app, "/items/{item_id}").values_are_kwargs
    assert not plan_of(app, "/paged").values_are_kwargs  # a dependency's value is no parameter
    client = TestClient(app)
    assert client.get("/items/3?search=x").json() == {"item_id": 3, "q": "x", "limit": 10}
    assert client.get("/items/3?limit=2").json() == {"item_id": 3, "q": None, "limit": 2}
    assert client.get("/items/x").status_code == 422
