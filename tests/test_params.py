"""Request parameters: path, query, header, cookie, parameter models and bodies.

Every feature is declared both ways FastAPI allows (`x: Annotated[int, Query()]` and
`x: int = Query()`) and served by both a `def` and an `async def` endpoint (the `declare`
fixture). Invalid input answers 422 with FastAPI's exact error bodies, written out literally.
"""

import datetime
import decimal
import uuid
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, Literal, Optional, Union
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from zephyr import Body, Cookie, Depends, FastAPI, Header, Path, Query, Request
from zephyr.testclient import TestClient

INT_PARSING = "Input should be a valid integer, unable to parse string as an integer"


def missing(*loc: Any, input: Any = None) -> dict[str, Any]:
    """FastAPI's error for a required value that was not sent."""
    return {"type": "missing", "loc": list(loc), "msg": "Field required", "input": input}


def serve(path: str, endpoint: Callable[..., Any], method: str = "GET") -> TestClient:
    """Serve one endpoint on a fresh app."""
    app = FastAPI()
    app.add_api_route(path, endpoint, methods=[method])
    return TestClient(app)


@pytest.fixture(params=["Annotated", "default value"])
def declare(
    request: pytest.FixtureRequest, endpoint_kind: Callable[..., Any]
) -> Callable[..., Any]:
    """Pick the Annotated or the default-value declaration, as a def or async def endpoint."""

    def choose(annotated: Callable[..., Any], default: Callable[..., Any]) -> Any:
        return endpoint_kind(annotated if request.param == "Annotated" else default)

    return choose


class Color(str, Enum):
    red = "red"
    green = "green"


# --------------------------------------------------------------------------- path


def test_path_parameter_is_converted_to_its_annotation(declare: Callable[..., Any]) -> None:
    def annotated(item_id: Annotated[int, Path(gt=0)]):
        return {"item_id": item_id}

    def default(item_id: int = Path(gt=0)):
        return {"item_id": item_id}

    client = serve("/items/{item_id}", declare(annotated, default))
    assert client.get("/items/42").json() == {"item_id": 42}
    assert client.get("/items/abc").json() == {
        "detail": [
            {"type": "int_parsing", "loc": ["path", "item_id"], "msg": INT_PARSING, "input": "abc"}
        ]
    }
    assert client.get("/items/0").json() == {
        "detail": [
            {
                "type": "greater_than",
                "loc": ["path", "item_id"],
                "msg": "Input should be greater than 0",
                "input": "0",
                "ctx": {"gt": 0},
            }
        ]
    }


def test_path_convertors(endpoint_kind: Callable[..., Any]) -> None:
    def by_int(n: int):
        return {"n": n}

    def by_path(file_path: str):
        return {"file_path": file_path}

    def by_uuid(uid: uuid.UUID):
        return {"uid": uid}

    app = FastAPI()
    app.get("/int/{n:int}")(endpoint_kind(by_int))
    app.get("/files/{file_path:path}")(endpoint_kind(by_path))
    app.get("/ids/{uid:uuid}")(endpoint_kind(by_uuid))
    client = TestClient(app)

    assert client.get("/int/7").json() == {"n": 7}
    # A convertor that does not match makes the route not match at all: 404, not 422.
    assert client.get("/int/seven").status_code == 404
    assert client.get("/files/a/b/c.txt").json() == {"file_path": "a/b/c.txt"}
    uid = "4ac5e5d6-7f8e-4e4b-9f6a-3ad0b6f2c9a1"
    assert client.get(f"/ids/{uid}").json() == {"uid": uid}
    assert client.get("/ids/nope").status_code == 404


def test_enum_path_parameter(endpoint_kind: Callable[..., Any]) -> None:
    def read(color: Color):
        return {"color": color, "is_enum": isinstance(color, Color)}

    client = serve("/colors/{color}", endpoint_kind(read))
    assert client.get("/colors/green").json() == {"color": "green", "is_enum": True}
    assert client.get("/colors/blue").json() == {
        "detail": [
            {
                "type": "enum",
                "loc": ["path", "color"],
                "msg": "Input should be 'red' or 'green'",
                "input": "blue",
                "ctx": {"expected": "'red' or 'green'"},
            }
        ]
    }


def test_percent_encoded_unicode_in_path(endpoint_kind: Callable[..., Any]) -> None:
    def read(name: str):
        return {"name": name}

    client = serve("/users/{name}", endpoint_kind(read))
    assert client.get("/users/%C3%A9l%C3%A8ve").json() == {"name": "élève"}
    assert client.get("/users/😀").json() == {"name": "😀"}


# --------------------------------------------------------------------------- query


def test_query_scalars_are_parsed(endpoint_kind: Callable[..., Any]) -> None:
    def read(n: int, x: float, flag: bool, s: str):
        return {"n": n, "x": x, "flag": flag, "s": s}

    client = serve("/", endpoint_kind(read))
    assert client.get("/?n=3&x=1.5&flag=yes&s=hi").json() == {
        "n": 3,
        "x": 1.5,
        "flag": True,
        "s": "hi",
    }
    assert client.get("/?n=3&x=1&flag=off&s=").json() == {"n": 3, "x": 1.0, "flag": False, "s": ""}
    assert client.get("/?n=a&x=b&flag=maybe").json() == {
        "detail": [
            {"type": "int_parsing", "loc": ["query", "n"], "msg": INT_PARSING, "input": "a"},
            {
                "type": "float_parsing",
                "loc": ["query", "x"],
                "msg": "Input should be a valid number, unable to parse string as a number",
                "input": "b",
            },
            {
                "type": "bool_parsing",
                "loc": ["query", "flag"],
                "msg": "Input should be a valid boolean, unable to interpret input",
                "input": "maybe",
            },
            missing("query", "s"),
        ]
    }


def test_typed_query_header_and_cookie_values(endpoint_kind: Callable[..., Any]) -> None:
    def read(
        day: datetime.date,
        at: datetime.datetime,
        uid: uuid.UUID,
        amount: decimal.Decimal,
        ids: Annotated[set[int], Query()] = set(),
        pair: Annotated[tuple[int, int], Query()] = (0, 0),
        x_count: Annotated[int, Header()] = 0,
        visits: Annotated[int, Cookie()] = 0,
    ):
        return {
            "day": day,
            "at": at,
            "uid": uid,
            "amount": str(amount),
            "ids": sorted(ids),
            "pair": pair,
            "x_count": x_count,
            "visits": visits,
        }

    client = serve("/", endpoint_kind(read))
    uid = "4ac5e5d6-7f8e-4e4b-9f6a-3ad0b6f2c9a1"
    response = client.get(
        f"/?day=2024-01-02&at=2024-01-02T03:04:05Z&uid={uid}&amount=1.10"
        "&ids=1&ids=1&ids=2&pair=3&pair=4",
        headers={"x-count": "5", "cookie": "visits=7"},
    )
    assert response.json() == {
        "day": "2024-01-02",
        "at": "2024-01-02T03:04:05+00:00",
        "uid": uid,
        "amount": "1.10",
        "ids": [1, 2],
        "pair": [3, 4],
        "x_count": 5,
        "visits": 7,
    }
    invalid = client.get(
        f"/?day=2024-01-02&at=2024-01-02T03:04:05Z&uid={uid}&amount=1&pair=1",
        headers={"x-count": "five", "cookie": "visits=many"},
    )
    assert invalid.json() == {
        "detail": [
            missing("query", "pair", 1, input=["1"]),
            {
                "type": "int_parsing",
                "loc": ["header", "x-count"],
                "msg": INT_PARSING,
                "input": "five",
            },
            {
                "type": "int_parsing",
                "loc": ["cookie", "visits"],
                "msg": INT_PARSING,
                "input": "many",
            },
        ]
    }


def test_optional_query_and_defaults(declare: Callable[..., Any]) -> None:
    def annotated(q: Annotated[Optional[str], Query()] = None, page: Annotated[int, Query()] = 1):
        return {"q": q, "page": page}

    def default(q: Optional[str] = Query(None), page: int = Query(1)):
        return {"q": q, "page": page}

    client = serve("/", declare(annotated, default))
    assert client.get("/").json() == {"q": None, "page": 1}
    assert client.get("/?q=x&page=4").json() == {"q": "x", "page": 4}


def test_query_list_collects_repeated_keys(declare: Callable[..., Any]) -> None:
    def annotated(n: Annotated[list[int], Query()] = []):
        return {"n": n}

    def default(n: list[int] = Query([])):
        return {"n": n}

    client = serve("/", declare(annotated, default))
    assert client.get("/?n=1&n=2&n=3").json() == {"n": [1, 2, 3]}
    assert client.get("/").json() == {"n": []}
    assert client.get("/?n=1&n=x").json() == {
        "detail": [
            {"type": "int_parsing", "loc": ["query", "n", 1], "msg": INT_PARSING, "input": "x"}
        ]
    }


def test_optional_query_list(endpoint_kind: Callable[..., Any]) -> None:
    def read(tag: Annotated[Optional[list[str]], Query()] = None):
        return {"tag": tag}

    client = serve("/", endpoint_kind(read))
    assert client.get("/").json() == {"tag": None}
    assert client.get("/?tag=a&tag=b").json() == {"tag": ["a", "b"]}


def test_query_edge_values(endpoint_kind: Callable[..., Any]) -> None:
    def read(n: Optional[int] = None):
        return {"n": n}

    client = serve("/", endpoint_kind(read))
    # A repeated key for a scalar parameter: the last value wins.
    assert client.get("/?n=1&n=2").json() == {"n": 2}
    # An empty value is a value, not an absence.
    assert client.get("/?n=").json() == {
        "detail": [{"type": "int_parsing", "loc": ["query", "n"], "msg": INT_PARSING, "input": ""}]
    }


def test_default_factory_is_called_per_request(declare: Callable[..., Any]) -> None:
    def annotated(tags: Annotated[list[str], Query(default_factory=list)]):
        tags.append("added")
        return tags

    def default(tags: list[str] = Query(default_factory=list)):
        tags.append("added")
        return tags

    client = serve("/", declare(annotated, default))
    assert client.get("/").json() == ["added"]
    assert client.get("/").json() == ["added"]
    assert client.get("/?tags=a").json() == ["a", "added"]


def test_bare_list_annotation_is_read_from_the_body() -> None:
    app = FastAPI()

    @app.post("/")
    def read(numbers: list[int]):
        return {"numbers": numbers}

    client = TestClient(app)
    assert client.post("/?numbers=9", json=[1, 2]).json() == {"numbers": [1, 2]}


def test_mutable_default_is_not_shared_between_requests(declare: Callable[..., Any]) -> None:
    def annotated(tags: Annotated[list[str], Query()] = ["base"]):
        tags.append("seen")
        return {"tags": tags}

    def default(tags: list[str] = Query(["base"])):
        tags.append("seen")
        return {"tags": tags}

    client = serve("/", declare(annotated, default))
    assert client.get("/").json() == {"tags": ["base", "seen"]}
    assert client.get("/").json() == {"tags": ["base", "seen"]}


def test_enum_query(endpoint_kind: Callable[..., Any]) -> None:
    def read(color: Color = Color.red):
        return {"color": color}

    client = serve("/", endpoint_kind(read))
    assert client.get("/").json() == {"color": "red"}
    assert client.get("/?color=green").json() == {"color": "green"}
    assert client.get("/?color=RED").json() == {
        "detail": [
            {
                "type": "enum",
                "loc": ["query", "color"],
                "msg": "Input should be 'red' or 'green'",
                "input": "RED",
                "ctx": {"expected": "'red' or 'green'"},
            }
        ]
    }


def test_literal_query(endpoint_kind: Callable[..., Any]) -> None:
    def read(order: Literal["asc", "desc"] = "asc"):
        return {"order": order}

    client = serve("/", endpoint_kind(read))
    assert client.get("/?order=desc").json() == {"order": "desc"}
    assert client.get("/?order=up").json() == {
        "detail": [
            {
                "type": "literal_error",
                "loc": ["query", "order"],
                "msg": "Input should be 'asc' or 'desc'",
                "input": "up",
                "ctx": {"expected": "'asc' or 'desc'"},
            }
        ]
    }


def test_query_alias_replaces_the_parameter_name(declare: Callable[..., Any]) -> None:
    def annotated(q: Annotated[str, Query(alias="item-query")]):
        return {"q": q}

    def default(q: str = Query(alias="item-query")):
        return {"q": q}

    client = serve("/", declare(annotated, default))
    assert client.get("/?item-query=abc").json() == {"q": "abc"}
    # The Python name is not an alternative spelling.
    assert client.get("/?q=abc").json() == {"detail": [missing("query", "item-query")]}


def test_numeric_constraints(declare: Callable[..., Any]) -> None:
    def annotated(
        a: Annotated[int, Query(gt=0, le=10)], b: Annotated[float, Query(ge=1, lt=5)] = 1
    ):
        return {"a": a, "b": b}

    def default(a: int = Query(gt=0, le=10), b: float = Query(1, ge=1, lt=5)):
        return {"a": a, "b": b}

    client = serve("/", declare(annotated, default))
    assert client.get("/?a=10&b=4.5").json() == {"a": 10, "b": 4.5}
    assert client.get("/?a=0&b=0.5").json() == {
        "detail": [
            {
                "type": "greater_than",
                "loc": ["query", "a"],
                "msg": "Input should be greater than 0",
                "input": "0",
                "ctx": {"gt": 0},
            },
            {
                "type": "greater_than_equal",
                "loc": ["query", "b"],
                "msg": "Input should be greater than or equal to 1",
                "input": "0.5",
                "ctx": {"ge": 1},
            },
        ]
    }
    assert client.get("/?a=11&b=5").json() == {
        "detail": [
            {
                "type": "less_than_equal",
                "loc": ["query", "a"],
                "msg": "Input should be less than or equal to 10",
                "input": "11",
                "ctx": {"le": 10},
            },
            {
                "type": "less_than",
                "loc": ["query", "b"],
                "msg": "Input should be less than 5",
                "input": "5",
                "ctx": {"lt": 5},
            },
        ]
    }


def test_string_constraints(declare: Callable[..., Any]) -> None:
    def annotated(
        code: Annotated[str, Query(min_length=2, max_length=4)],
        ref: Annotated[Optional[str], Query(pattern="^ref-[0-9]+$")] = None,
    ):
        return {"code": code, "ref": ref}

    def default(
        code: str = Query(min_length=2, max_length=4),
        ref: Optional[str] = Query(None, pattern="^ref-[0-9]+$"),
    ):
        return {"code": code, "ref": ref}

    client = serve("/", declare(annotated, default))
    assert client.get("/?code=ab&ref=ref-12").json() == {"code": "ab", "ref": "ref-12"}
    assert client.get("/?code=a&ref=x").json() == {
        "detail": [
            {
                "type": "string_too_short",
                "loc": ["query", "code"],
                "msg": "String should have at least 2 characters",
                "input": "a",
                "ctx": {"min_length": 2},
            },
            {
                "type": "string_pattern_mismatch",
                "loc": ["query", "ref"],
                "msg": "String should match pattern '^ref-[0-9]+$'",
                "input": "x",
                "ctx": {"pattern": "^ref-[0-9]+$"},
            },
        ]
    }
    assert client.get("/?code=abcde").json() == {
        "detail": [
            {
                "type": "string_too_long",
                "loc": ["query", "code"],
                "msg": "String should have at most 4 characters",
                "input": "abcde",
                "ctx": {"max_length": 4},
            }
        ]
    }


def test_errors_of_every_location_are_reported_together(endpoint_kind: Callable[..., Any]) -> None:
    def read(item_id: int, q: int, x_token: Annotated[str, Header()]):
        return {}

    client = serve("/items/{item_id}", endpoint_kind(read))
    assert client.get("/items/a?q=b").json() == {
        "detail": [
            {"type": "int_parsing", "loc": ["path", "item_id"], "msg": INT_PARSING, "input": "a"},
            {"type": "int_parsing", "loc": ["query", "q"], "msg": INT_PARSING, "input": "b"},
            missing("header", "x-token"),
        ]
    }


# --------------------------------------------------------------------------- headers, cookies


def test_header_underscores_become_hyphens(declare: Callable[..., Any]) -> None:
    def annotated(
        user_agent: Annotated[str, Header()],
        x_token: Annotated[Optional[str], Header()] = None,
    ):
        return {"user_agent": user_agent, "x_token": x_token}

    def default(user_agent: str = Header(), x_token: Optional[str] = Header(None)):
        return {"user_agent": user_agent, "x_token": x_token}

    client = serve("/", declare(annotated, default))
    assert client.get("/", headers={"X-Token": "secret"}).json() == {
        "user_agent": "testclient",
        "x_token": "secret",
    }
    # The underscore spelling is not the header's name.
    assert client.get("/", headers={"x_token": "secret"}).json()["x_token"] is None


def test_header_without_underscore_conversion(declare: Callable[..., Any]) -> None:
    def annotated(
        strange_header: Annotated[Optional[str], Header(convert_underscores=False)] = None,
    ):
        return {"value": strange_header}

    def default(strange_header: Optional[str] = Header(None, convert_underscores=False)):
        return {"value": strange_header}

    client = serve("/", declare(annotated, default))
    assert client.get("/", headers={"strange_header": "u"}).json() == {"value": "u"}
    assert client.get("/", headers={"strange-header": "h"}).json() == {"value": None}


def test_repeated_headers_as_a_list(declare: Callable[..., Any]) -> None:
    def annotated(x_tag: Annotated[list[str], Header()] = []):
        return {"x_tag": x_tag}

    def default(x_tag: list[str] = Header([])):
        return {"x_tag": x_tag}

    client = serve("/", declare(annotated, default))
    assert client.get("/", headers=[("X-Tag", "a"), ("x-tag", "b")]).json() == {"x_tag": ["a", "b"]}
    assert client.get("/").json() == {"x_tag": []}


def test_header_alias(declare: Callable[..., Any]) -> None:
    def annotated(value: Annotated[Optional[str], Header(alias="X-Custom-Thing")] = None):
        return {"value": value}

    def default(value: Optional[str] = Header(None, alias="X-Custom-Thing")):
        return {"value": value}

    client = serve("/", declare(annotated, default))
    assert client.get("/", headers={"x-custom-thing": "a"}).json() == {"value": "a"}
    assert client.get("/", headers={"value": "a"}).json() == {"value": None}


def test_missing_required_header(endpoint_kind: Callable[..., Any]) -> None:
    def read(x_token: Annotated[str, Header()]):
        return {"x_token": x_token}

    client = serve("/", endpoint_kind(read))
    assert client.get("/").json() == {"detail": [missing("header", "x-token")]}


def test_cookie(declare: Callable[..., Any]) -> None:
    def annotated(session: Annotated[str, Cookie()], theme: Annotated[str, Cookie()] = "light"):
        return {"session": session, "theme": theme}

    def default(session: str = Cookie(), theme: str = Cookie("light")):
        return {"session": session, "theme": theme}

    client = serve("/", declare(annotated, default))
    response = client.get("/", headers={"Cookie": "session=abc; theme=dark"})
    assert response.json() == {"session": "abc", "theme": "dark"}
    assert client.get("/").json() == {"detail": [missing("cookie", "session")]}


# --------------------------------------------------------------------------- parameter models


class FilterParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(10, gt=0, le=100)
    order_by: Literal["created", "updated"] = "created"
    tags: list[str] = []


class CommonHeaders(BaseModel):
    save_data: bool
    x_tag: list[str] = []


class Cookies(BaseModel):
    session_id: str
    tracker: Optional[str] = None


def test_query_parameter_model(declare: Callable[..., Any]) -> None:
    def annotated(filters: Annotated[FilterParams, Query()]):
        return filters

    def default(filters: FilterParams = Query()):
        return filters

    client = serve("/", declare(annotated, default))
    assert client.get("/").json() == {"limit": 10, "order_by": "created", "tags": []}
    assert client.get("/?limit=5&tags=a&tags=b").json() == {
        "limit": 5,
        "order_by": "created",
        "tags": ["a", "b"],
    }
    # extra="forbid": unknown query keys are errors, reported after the fields' errors.
    assert client.get("/?limit=0&color=red").json() == {
        "detail": [
            {
                "type": "greater_than",
                "loc": ["query", "limit"],
                "msg": "Input should be greater than 0",
                "input": "0",
                "ctx": {"gt": 0},
            },
            {
                "type": "extra_forbidden",
                "loc": ["query", "color"],
                "msg": "Extra inputs are not permitted",
                "input": "red",
            },
        ]
    }


def test_several_parameter_models_on_one_endpoint(endpoint_kind: Callable[..., Any]) -> None:
    def read(
        filters: Annotated[FilterParams, Query()],
        headers: Annotated[CommonHeaders, Header()],
        cookies: Annotated[Cookies, Cookie()],
    ):
        return {"filters": filters, "headers": headers, "cookies": cookies}

    client = serve("/", endpoint_kind(read))
    response = client.get(
        "/?order_by=updated",
        headers=[
            ("save-data", "on"),
            ("x-tag", "a"),
            ("x-tag", "b"),
            ("cookie", "session_id=s1"),
        ],
    )
    assert response.json() == {
        "filters": {"limit": 10, "order_by": "updated", "tags": []},
        "headers": {"save_data": True, "x_tag": ["a", "b"]},
        "cookies": {"session_id": "s1", "tracker": None},
    }
    # A missing model field reports the whole location as its input.
    detail = client.get("/").json()["detail"]
    assert detail == [
        missing("header", "save-data", input=detail[0]["input"]),
        missing("cookie", "session_id", input={}),
    ]
    assert detail[0]["input"]["user-agent"] == "testclient"


class StrictCookies(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_id: str


def test_cookie_model_forbidding_extra_cookies(endpoint_kind: Callable[..., Any]) -> None:
    def read(cookies: Annotated[StrictCookies, Cookie()]):
        return cookies

    client = serve("/", endpoint_kind(read))
    assert client.get("/", headers={"cookie": "session_id=1"}).json() == {"session_id": "1"}
    assert client.get("/", headers={"cookie": "session_id=1; tracker=yes"}).json() == {
        "detail": [
            {
                "type": "extra_forbidden",
                "loc": ["cookie", "tracker"],
                "msg": "Extra inputs are not permitted",
                "input": "yes",
            }
        ]
    }


def test_optional_parameter_model(endpoint_kind: Callable[..., Any]) -> None:
    def read(filters: Annotated[Optional[FilterParams], Query()] = None):
        return {"filters": filters}

    client = serve("/", endpoint_kind(read))
    assert client.get("/").json() == {"filters": None}
    assert client.get("/?limit=3").json() == {
        "filters": {"limit": 3, "order_by": "created", "tags": []}
    }


# --------------------------------------------------------------------------- body


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


class Image(BaseModel):
    url: str


class Offer(BaseModel):
    title: str
    items: list[Item]
    image: Optional[Image] = None


class User(BaseModel):
    username: str


def test_body_model(declare: Callable[..., Any]) -> None:
    def annotated(item: Annotated[Item, Body()]):
        return {"item": item, "total": item.price * 2}

    def default(item: Item):
        return {"item": item, "total": item.price * 2}

    client = serve("/items", declare(annotated, default), method="POST")
    response = client.post("/items", json={"name": "pen", "price": 1.5})
    assert response.json() == {"item": {"name": "pen", "price": 1.5, "tags": []}, "total": 3.0}
    assert client.post("/items", json={"name": "pen"}).json() == {
        "detail": [missing("body", "price", input={"name": "pen"})]
    }


def test_several_bodies_are_embedded_by_name(endpoint_kind: Callable[..., Any]) -> None:
    def update(item: Item, user: User, importance: Annotated[int, Body()]):
        return {"item": item.name, "user": user.username, "importance": importance}

    client = serve("/", endpoint_kind(update), method="PUT")
    body = {"item": {"name": "pen", "price": 1}, "user": {"username": "ann"}, "importance": 5}
    assert client.put("/", json=body).json() == {"item": "pen", "user": "ann", "importance": 5}
    assert client.put("/", json={"item": {"name": "pen", "price": 1}}).json() == {
        "detail": [missing("body", "user"), missing("body", "importance")]
    }


def test_body_embed(declare: Callable[..., Any]) -> None:
    def annotated(item: Annotated[Item, Body(embed=True)]):
        return item

    def default(item: Item = Body(embed=True)):
        return item

    client = serve("/", declare(annotated, default), method="POST")
    assert client.post("/", json={"item": {"name": "a", "price": 2}}).json() == {
        "name": "a",
        "price": 2.0,
        "tags": [],
    }
    assert client.post("/", json={"name": "a", "price": 2}).json() == {
        "detail": [missing("body", "item")]
    }


def test_scalar_body(declare: Callable[..., Any]) -> None:
    def annotated(count: Annotated[int, Body()]):
        return {"count": count}

    def default(count: int = Body()):
        return {"count": count}

    client = serve("/", declare(annotated, default), method="POST")
    assert client.post("/", json=3).json() == {"count": 3}
    assert client.post("/", json="three").json() == {
        "detail": [{"type": "int_parsing", "loc": ["body"], "msg": INT_PARSING, "input": "three"}]
    }


def test_dict_and_list_bodies(endpoint_kind: Callable[..., Any]) -> None:
    def weights(data: dict[str, int]):
        return {"sum": sum(data.values())}

    def items(data: list[Item]):
        return {"names": [item.name for item in data]}

    app = FastAPI()
    app.post("/weights")(endpoint_kind(weights))
    app.post("/items")(endpoint_kind(items))
    client = TestClient(app)

    assert client.post("/weights", json={"a": 1, "b": 2}).json() == {"sum": 3}
    assert client.post("/weights", json={"a": 1, "b": "x"}).json() == {
        "detail": [{"type": "int_parsing", "loc": ["body", "b"], "msg": INT_PARSING, "input": "x"}]
    }
    body = [{"name": "a", "price": 1}, {"name": "b", "price": 2}]
    assert client.post("/items", json=body).json() == {"names": ["a", "b"]}
    assert client.post("/items", json=[{"name": "a", "price": 1}, {"name": "b"}]).json() == {
        "detail": [missing("body", 1, "price", input={"name": "b"})]
    }


def test_nested_models(endpoint_kind: Callable[..., Any]) -> None:
    def create(offer: Offer):
        return {"title": offer.title, "image": offer.image, "count": len(offer.items)}

    client = serve("/", endpoint_kind(create), method="POST")
    body = {"title": "t", "items": [{"name": "a", "price": 1}], "image": {"url": "u"}}
    assert client.post("/", json=body).json() == {"title": "t", "image": {"url": "u"}, "count": 1}
    bad = {"title": "t", "items": [{"name": "a", "price": "free"}], "image": {}}
    assert client.post("/", json=bad).json() == {
        "detail": [
            {
                "type": "float_parsing",
                "loc": ["body", "items", 0, "price"],
                "msg": "Input should be a valid number, unable to parse string as a number",
                "input": "free",
            },
            missing("body", "image", "url", input={}),
        ]
    }


class Cat(BaseModel):
    kind: Literal["cat"]
    meows: int


class Dog(BaseModel):
    kind: Literal["dog"]
    barks: int


def test_discriminated_union_body(endpoint_kind: Callable[..., Any]) -> None:
    def adopt(pet: Annotated[Union[Cat, Dog], Field(discriminator="kind")]):
        return {"type": type(pet).__name__}

    client = serve("/", endpoint_kind(adopt), method="POST")
    assert client.post("/", json={"kind": "dog", "barks": 2}).json() == {"type": "Dog"}
    assert client.post("/", json={"kind": "cow"}).json() == {
        "detail": [
            {
                "type": "union_tag_invalid",
                "loc": ["body"],
                "msg": "Input tag 'cow' found using 'kind' does not match any of the expected "
                "tags: 'cat', 'dog'",
                "input": {"kind": "cow"},
                "ctx": {"discriminator": "'kind'", "tag": "cow", "expected_tags": "'cat', 'dog'"},
            }
        ]
    }


def test_path_query_and_body_together(endpoint_kind: Callable[..., Any]) -> None:
    def update(item_id: int, item: Item, q: Optional[str] = None):
        return {"item_id": item_id, "name": item.name, "q": q}

    client = serve("/items/{item_id}", endpoint_kind(update), method="PUT")
    response = client.put("/items/3?q=z", json={"name": "a", "price": 1})
    assert response.json() == {"item_id": 3, "name": "a", "q": "z"}


def test_body_is_also_readable_from_the_request(endpoint_kind: Callable[..., Any]) -> None:
    async def raw_json(request: Request) -> Any:
        return await request.json()

    def create(item: Item, raw: Annotated[Any, Depends(raw_json)]):
        return {"name": item.name, "raw": raw}

    async def undeclared(request: Request):
        return {"received": await request.json()}

    app = FastAPI()
    app.post("/items")(endpoint_kind(create))
    app.post("/raw")(undeclared)
    client = TestClient(app)
    body = {"name": "pen", "price": 1, "extra": True}
    assert client.post("/items", json=body).json() == {"name": "pen", "raw": body}
    assert client.post("/raw", json=[1, 2]).json() == {"received": [1, 2]}


def test_malformed_json_body(endpoint_kind: Callable[..., Any]) -> None:
    def create(item: Item):
        return item

    client = serve("/", endpoint_kind(create), method="POST")
    response = client.post("/", content=b'{"name": }', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "json_invalid",
                "loc": ["body", 9],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": "Expecting value"},
            }
        ]
    }


def test_json_content_type_variants_are_json(endpoint_kind: Callable[..., Any]) -> None:
    def create(item: Item):
        return item

    client = serve("/", endpoint_kind(create), method="POST")
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        response = client.post(
            "/", content=b'{"name": "a", "price": 1}', headers={"content-type": content_type}
        )
        assert response.json() == {"name": "a", "price": 1.0, "tags": []}


def test_body_without_json_content_type_is_not_parsed(endpoint_kind: Callable[..., Any]) -> None:
    def create(item: Item):
        return item

    client = serve("/", endpoint_kind(create), method="POST")
    response = client.post(
        "/", content=b'{"name": "a", "price": 1}', headers={"content-type": "text/plain"}
    )
    assert response.json() == {
        "detail": [
            {
                "type": "model_attributes_type",
                "loc": ["body"],
                "msg": "Input should be a valid dictionary or object to extract fields from",
                "input": '{"name": "a", "price": 1}',
            }
        ]
    }


def test_empty_body_where_one_is_required(endpoint_kind: Callable[..., Any]) -> None:
    def create(item: Item):
        return item

    client = serve("/", endpoint_kind(create), method="POST")
    assert client.post("/").json() == {"detail": [missing("body")]}
    empty_json = client.post("/", content=b"", headers={"content-type": "application/json"})
    assert empty_json.json() == {"detail": [missing("body")]}


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json"])
def test_undecodable_body_is_a_client_error(
    endpoint_kind: Callable[..., Any], content_type: Optional[str]
) -> None:
    def create(item: Item):
        return item

    client = serve("/", endpoint_kind(create), method="POST")
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/", content=b"\x80\xff not utf-8", headers=headers)
    assert 400 <= response.status_code < 500


def test_optional_body_may_be_omitted(endpoint_kind: Callable[..., Any]) -> None:
    def create(item: Optional[Item] = None):
        return {"item": item}

    client = serve("/", endpoint_kind(create), method="POST")
    assert client.post("/").json() == {"item": None}
    assert client.post("/", json={"name": "a", "price": 1}).json() == {
        "item": {"name": "a", "price": 1.0, "tags": []}
    }


# --------------------------------------------------------------------------- never a 500

fuzz_app = FastAPI()


@fuzz_app.post("/items/{item_id}")
def fuzz_create(
    item_id: int,
    item: Item,
    q: Annotated[list[int], Query()] = [],
    x_level: Annotated[Optional[int], Header()] = None,
):
    return {"item_id": item_id}


@fuzz_app.get("/search/{name}")
async def fuzz_search(
    name: str,
    filters: Annotated[FilterParams, Query()],
    when: Optional[uuid.UUID] = None,
    color: Color = Color.red,
):
    return {"name": name}


fuzz_client = TestClient(fuzz_app)

text = st.text(max_size=40)
header_safe = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    segment=text,
    body=st.binary(max_size=200),
    content_type=st.sampled_from(["application/json", "text/plain", "", "application/x+json"]),
    query=st.lists(st.tuples(text, text), max_size=6),
    level=header_safe,
)
def test_bad_input_never_gives_a_server_error(
    segment: str, body: bytes, content_type: str, query: list[tuple[str, str]], level: str
) -> None:
    headers = {"x-level": level}
    if content_type:
        headers["content-type"] = content_type
    path_segment = quote(segment, safe="") or "1"
    post = fuzz_client.post("/items/" + path_segment, content=body, params=query, headers=headers)
    assert post.status_code < 500
    get = fuzz_client.get("/search/" + path_segment, params=query)
    assert get.status_code < 500


@settings(max_examples=30, deadline=None)
@given(
    value=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=10),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=6), children, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_any_json_body_gives_a_client_error_or_success(value: Any) -> None:
    response = fuzz_client.post("/items/1", json=value)
    assert response.status_code in (200, 422)


def test_huge_query_string_is_not_a_server_error() -> None:
    params = [("q", str(i)) for i in range(5000)] + [("limit", "9" * 5000)]
    assert fuzz_client.get("/search/x", params=params).status_code == 422
    response = fuzz_client.post("/items/1", params=params[:5000], json={"name": "a", "price": 1})
    assert response.json() == {"item_id": 1}
