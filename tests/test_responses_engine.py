"""How an endpoint's return value becomes a response: response models and their dump options,
JSON encoding without a model, status codes, response classes, the `response: Response`
parameter, returned responses, empty responses and response validation errors."""

import dataclasses
import datetime
import decimal
import enum
import uuid
from collections.abc import Callable
from typing import Any, Optional, Union

import pytest
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from zephyr import BackgroundTasks, FastAPI, Response
from zephyr.exceptions import FastAPIDeprecationWarning, ResponseValidationError
from zephyr.responses import (
    HTMLResponse,
    JSONResponse,
    ORJSONResponse,
    PlainTextResponse,
    RedirectResponse,
    UJSONResponse,
)
from zephyr.testclient import TestClient


class UserIn(BaseModel):
    username: str
    password: str
    email: str


class UserOut(BaseModel):
    username: str
    email: str


class Item(BaseModel):
    name: str
    price: float
    tax: Optional[float] = None
    tags: list[str] = []
    code: str = Field("none", alias="itemCode")


USER = {"username": "ann", "password": "secret", "email": "ann@example.com"}


def serve(endpoint: Callable[..., Any], **options: Any) -> TestClient:
    app = FastAPI()
    app.add_api_route("/", endpoint, **options)
    return TestClient(app)


# --------------------------------------------------------------------------- response models


def test_response_model_filters_out_undeclared_fields(endpoint_kind: Callable[..., Any]) -> None:
    def create_user():
        return USER

    client = serve(endpoint_kind(create_user), response_model=UserOut)
    assert client.get("/").json() == {"username": "ann", "email": "ann@example.com"}


def test_return_annotation_is_the_response_model(endpoint_kind: Callable[..., Any]) -> None:
    def read_user() -> UserOut:
        return UserIn(**USER)  # type: ignore[return-value]

    client = serve(endpoint_kind(read_user))
    assert client.get("/").json() == {"username": "ann", "email": "ann@example.com"}


def test_response_model_argument_wins_over_the_annotation() -> None:
    def read_user() -> Any:
        return USER

    def unfiltered() -> dict[str, Any]:
        return USER

    app = FastAPI()
    app.get("/filtered", response_model=UserOut)(read_user)
    app.get("/unfiltered", response_model=None)(unfiltered)
    client = TestClient(app)
    assert client.get("/filtered").json() == {"username": "ann", "email": "ann@example.com"}
    assert client.get("/unfiltered").json() == USER


def test_response_annotation_union_with_response_needs_response_model_none() -> None:
    app = FastAPI()

    @app.get("/maybe", response_model=None)
    def maybe(redirect: bool = False) -> Union[Response, dict[str, str]]:
        if redirect:
            return RedirectResponse("/elsewhere")
        return {"stay": "here"}

    client = TestClient(app, follow_redirects=False)
    assert client.get("/maybe").json() == {"stay": "here"}
    assert client.get("/maybe?redirect=true").headers["location"] == "/elsewhere"


def test_returned_data_is_validated_then_serialized_with_aliases() -> None:
    def read():
        return {"name": "pen", "price": "1.5", "itemCode": "P1", "undeclared": True}

    client = serve(read, response_model=Item)
    assert client.get("/").json() == {
        "name": "pen",
        "price": 1.5,
        "tax": None,
        "tags": [],
        "itemCode": "P1",
    }


def test_container_response_models() -> None:
    app = FastAPI()

    @app.get("/users", response_model=list[UserOut])
    def users():
        return [USER, {**USER, "username": "bob"}]

    @app.get("/weights")
    def weights() -> dict[str, float]:
        return {"a": 1, "b": 2.5}  # type: ignore[dict-item]

    client = TestClient(app)
    assert client.get("/users").json() == [
        {"username": "ann", "email": "ann@example.com"},
        {"username": "bob", "email": "ann@example.com"},
    ]
    assert client.get("/weights").json() == {"a": 1.0, "b": 2.5}


@pytest.mark.parametrize(
    ("options", "returned", "expected"),
    [
        pytest.param(
            {"response_model_exclude_unset": True},
            {"name": "pen", "price": 2, "tax": None},
            {"name": "pen", "price": 2.0, "tax": None},
            id="exclude_unset",
        ),
        pytest.param(
            {"response_model_exclude_defaults": True},
            {"name": "pen", "price": 2, "tax": None, "tags": [], "itemCode": "P1"},
            {"name": "pen", "price": 2.0, "itemCode": "P1"},
            id="exclude_defaults",
        ),
        pytest.param(
            {"response_model_exclude_none": True},
            {"name": "pen", "price": 2, "tax": None},
            {"name": "pen", "price": 2.0, "tags": [], "itemCode": "none"},
            id="exclude_none",
        ),
        pytest.param(
            {"response_model_include": {"name", "code"}, "response_model_by_alias": False},
            {"name": "pen", "price": 2, "itemCode": "P1"},
            {"name": "pen", "code": "P1"},
            id="include_without_alias",
        ),
        pytest.param(
            {"response_model_exclude": {"tags", "tax"}},
            Item(name="pen", price=2),
            {"name": "pen", "price": 2.0, "itemCode": "none"},
            id="exclude",
        ),
    ],
)
def test_response_model_dump_options(
    options: dict[str, Any], returned: Any, expected: dict[str, Any]
) -> None:
    def read():
        return returned

    client = serve(read, response_model=Item, **options)
    assert client.get("/").json() == expected


# --------------------------------------------------------------------------- without a model


class Flavour(enum.Enum):
    vanilla = "VANILLA"


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Stamp(BaseModel):
    at: datetime.datetime


def test_values_without_a_model_are_encoded_like_jsonable_encoder(
    endpoint_kind: Callable[..., Any],
) -> None:
    def read():
        return {
            "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5),
            "date": datetime.date(2024, 1, 2),
            "timedelta": datetime.timedelta(minutes=1, seconds=30),
            "uuid": uuid.UUID(int=1),
            "decimal": decimal.Decimal("1.50"),
            "whole_decimal": decimal.Decimal("3"),
            "enum": Flavour.vanilla,
            "set": {3},
            "frozenset": frozenset({4}),
            "tuple": (1, 2),
            "dataclass": Point(1, 2),
            "model": Stamp(at=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)),
            "bytes": b"hi",
            1: "int key",
            "none": None,
        }

    response = serve(endpoint_kind(read)).get("/")
    assert response.headers["content-type"] == "application/json"
    assert response.content == (
        b'{"datetime":"2024-01-02T03:04:05","date":"2024-01-02","timedelta":90.0,'
        b'"uuid":"00000000-0000-0000-0000-000000000001","decimal":1.5,"whole_decimal":3,'
        b'"enum":"VANILLA","set":[3],"frozenset":[4],"tuple":[1,2],"dataclass":{"x":1,"y":2},'
        b'"model":{"at":"2024-01-01T00:00:00Z"},"bytes":"hi","1":"int key","none":null}'
    )


def test_returned_model_without_response_model_is_dumped_in_json_mode() -> None:
    def read():
        return Item(name="pen", price=1, itemCode="P1")

    assert serve(read).get("/").json() == {
        "name": "pen",
        "price": 1.0,
        "tax": None,
        "tags": [],
        "itemCode": "P1",
    }


# --------------------------------------------------------------------------- status, classes


def test_declared_status_code(endpoint_kind: Callable[..., Any]) -> None:
    def create():
        return {"created": True}

    response = serve(endpoint_kind(create), methods=["POST"], status_code=201).post("/")
    assert (response.status_code, response.json()) == (201, {"created": True})


def test_none_with_204_sends_no_body(endpoint_kind: Callable[..., Any]) -> None:
    def delete():
        return None

    response = serve(endpoint_kind(delete), methods=["DELETE"], status_code=204).delete("/")
    assert response.status_code == 204
    assert response.content == b""
    assert "content-length" not in response.headers


def test_response_classes() -> None:
    app = FastAPI()

    @app.get("/html", response_class=HTMLResponse)
    def html():
        return "<p>hi</p>"

    @app.get("/text", response_class=PlainTextResponse)
    async def text():
        return "hi"

    @app.get("/redirect", response_class=RedirectResponse)
    def redirect():
        return "/html"

    @app.get("/found", response_class=RedirectResponse, status_code=302)
    def found():
        return "/text"

    client = TestClient(app, follow_redirects=False)
    html_response = client.get("/html")
    assert html_response.headers["content-type"] == "text/html; charset=utf-8"
    assert html_response.text == "<p>hi</p>"
    assert client.get("/text").headers["content-type"] == "text/plain; charset=utf-8"
    redirect_response = client.get("/redirect")
    assert (redirect_response.status_code, redirect_response.headers["location"]) == (307, "/html")
    assert client.get("/found").status_code == 302
    assert TestClient(app).get("/redirect").text == "<p>hi</p>"


@pytest.mark.parametrize("response_class", [ORJSONResponse, UJSONResponse])
def test_third_party_json_response_classes(response_class: type[JSONResponse]) -> None:
    def read():
        return {"word": "café", "when": datetime.date(2024, 5, 6)}

    client = serve(read, response_class=response_class)
    with pytest.warns(FastAPIDeprecationWarning):
        response = client.get("/")
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"word": "café", "when": "2024-05-06"}


# --------------------------------------------------------------------------- response parameter


def test_response_parameter_headers_cookies_and_status_are_merged(
    endpoint_kind: Callable[..., Any],
) -> None:
    def read(response: Response):
        response.headers["x-cache"] = "miss"
        response.set_cookie("session", "abc")
        response.status_code = 202
        return {"ok": True}

    response = serve(endpoint_kind(read)).get("/")
    assert response.status_code == 202
    assert response.json() == {"ok": True}
    assert response.headers["x-cache"] == "miss"
    assert response.cookies["session"] == "abc"
    assert response.headers["content-type"] == "application/json"


def test_response_parameter_status_wins_over_the_declared_one() -> None:
    def create(response: Response, exists: bool = False):
        if exists:
            response.status_code = 200
        return {"exists": exists}

    client = serve(create, methods=["PUT"], status_code=201)
    assert client.put("/").status_code == 201
    assert client.put("/?exists=true").status_code == 200


def test_returned_response_passes_through_untouched() -> None:
    events: list[str] = []

    def read(response: Response, tasks: BackgroundTasks):
        response.headers["x-from-parameter"] = "ignored"
        response.status_code = 202
        tasks.add_task(events.append, "task")
        return PlainTextResponse("own body", status_code=200, headers={"x-own": "1"})

    response = serve(read).get("/")
    assert response.status_code == 200
    assert response.text == "own body"
    assert response.headers["x-own"] == "1"
    assert "x-from-parameter" not in response.headers
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    # The background tasks of the parameter still run with a returned response.
    assert events == ["task"]


def test_response_parameter_with_another_response_class() -> None:
    app = FastAPI()

    @app.get("/", response_class=PlainTextResponse)
    def read(response: Response):
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        response.headers["x-extra"] = "yes"
        return "text"

    response = TestClient(app).get("/")
    assert response.text == "text"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers.get_list("set-cookie") == [
        "a=1; Path=/; SameSite=lax",
        "b=2; Path=/; SameSite=lax",
    ]
    assert response.headers["x-extra"] == "yes"


def test_returned_response_with_its_own_background_task_keeps_it() -> None:
    events: list[str] = []

    def read(tasks: BackgroundTasks):
        tasks.add_task(events.append, "parameter task")
        return JSONResponse({}, background=BackgroundTask(events.append, "own task"))

    serve(read).get("/")
    assert events == ["own task"]


def test_returned_json_response_is_not_re_encoded() -> None:
    def read() -> UserOut:
        return JSONResponse({"anything": "goes"}, status_code=418)  # type: ignore[return-value]

    response = serve(read).get("/")
    assert (response.status_code, response.json()) == (418, {"anything": "goes"})


# --------------------------------------------------------------------------- validation errors


def bad_user():
    return {"username": "ann"}


def test_response_validation_error_is_raised_by_the_test_client() -> None:
    client = serve(bad_user, response_model=UserOut)
    with pytest.raises(ResponseValidationError) as info:
        client.get("/")
    assert info.value.errors() == [
        {
            "type": "missing",
            "loc": ("response", "email"),
            "msg": "Field required",
            "input": {"username": "ann"},
        }
    ]
    assert info.value.body == {"username": "ann"}


def test_response_validation_error_is_a_500() -> None:
    app = FastAPI()
    app.get("/", response_model=UserOut)(bad_user)
    response = TestClient(app, raise_server_exceptions=False).get("/")
    assert response.status_code == 500
    assert response.text == "Internal Server Error"
