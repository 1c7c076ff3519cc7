"""Responses: response models and filtering, encoding of return values, response classes, status
codes, the Response parameter, errors, method and path misses, exception handlers."""

import dataclasses
import datetime
import uuid
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, Field

from .harness import Cases, delete, get, post, request

cases = Cases()


class Shape(str, Enum):
    circle = "circle"
    square = "square"


class Profile(BaseModel):
    name: str
    nickname: str | None = None
    score: int = 0
    secret: str = "s3cret"
    display: str = Field(default="", alias="displayName")


@cases.add
def response_model_filtering(fw):
    app = fw.FastAPI()
    stored = {"name": "ann", "nickname": None, "score": 0, "displayName": "Ann"}

    @app.get("/plain", response_model=Profile)
    def plain():
        return stored

    @app.get("/include", response_model=Profile, response_model_include={"name", "score"})
    def include():
        return stored

    @app.get("/exclude", response_model=Profile, response_model_exclude={"secret"})
    def exclude():
        return stored

    @app.get("/no-alias", response_model=Profile, response_model_by_alias=False)
    def no_alias():
        return stored

    @app.get("/unset", response_model=Profile, response_model_exclude_unset=True)
    def unset():
        return Profile(name="ann", score=0)

    @app.get("/unset-dict", response_model=Profile, response_model_exclude_unset=True)
    def unset_dict():
        return {"name": "ann"}

    @app.get("/defaults", response_model=Profile, response_model_exclude_defaults=True)
    def defaults():
        return Profile(name="ann", score=0, nickname="a")

    @app.get("/none", response_model=Profile, response_model_exclude_none=True)
    def none():
        return stored

    @app.get("/list", response_model=list[Profile], response_model_exclude={"secret"})
    def many():
        return [stored, Profile(name="bob")]

    return app, [
        get("/plain", "dict validated through the model, dumped by alias"),
        get("/include", "include set"),
        get("/exclude", "exclude set"),
        get("/no-alias", "by_alias=False uses field names"),
        get("/unset", "exclude_unset with a model: explicitly set defaults stay"),
        get("/unset-dict", "exclude_unset with a dict: what counts as set?"),
        get("/defaults", "exclude_defaults"),
        get("/none", "exclude_none"),
        get("/list", "a list response model with exclude"),
    ]


class UserIn(BaseModel):
    username: str
    password: str


class UserOut(BaseModel):
    username: str


@cases.add
def return_annotation_as_model(fw):
    app = fw.FastAPI()

    @app.post("/users")
    def create(user: UserIn) -> UserOut:
        return user

    @app.get("/dict")
    def as_dict() -> UserOut:
        return {"username": "d", "password": "leak?"}

    @app.get("/override", response_model=None)
    def override() -> UserOut:
        return {"anything": "goes"}

    @app.get("/model-wins", response_model=UserIn)
    def model_wins() -> Any:
        return UserIn(username="u", password="p")

    @app.get("/ints")
    def ints() -> list[int]:
        return ["1", 2]

    return app, [
        post("/users", "the password is filtered out", json={"username": "u", "password": "p"}),
        get("/dict", "a dict filtered through the annotation"),
        get("/override", "response_model=None disables the annotation"),
        get("/model-wins", "response_model beats the return annotation"),
        get("/ints", "annotation coerces '1' to 1"),
    ]


class Money(BaseModel):
    amount: Decimal
    at: datetime.datetime
    tags: set[int] = set()


@cases.add
def model_versus_encoder(fw):
    app = fw.FastAPI()
    data = {"amount": Decimal("1.10"), "at": datetime.datetime(2024, 5, 6, 7, 8, 9), "tags": {2, 1}}

    @app.get("/encoder")
    def encoder():
        return data

    @app.get("/model", response_model=Money)
    def model():
        return data

    @app.get("/annotated")
    def annotated() -> dict[str, Decimal]:
        return {"a": Decimal("2.50"), "b": Decimal("1E+2")}

    @app.get("/model-instance")
    def model_instance():
        return Money(**data)

    return app, [
        get("/encoder", "no model: jsonable_encoder turns Decimal into a number"),
        get("/model", "response_model: pydantic dumps Decimal as a string"),
        get("/annotated", "return annotation dict[str, Decimal]"),
        get("/model-instance", "a model returned without a response model"),
    ]


@dataclasses.dataclass
class Point:
    x: int
    y: int
    label: str | None = None


@cases.add
def encoding_without_a_model(fw):
    app = fw.FastAPI()
    routes = {
        "dict": lambda: {"a": 1, "b": [1, 2], "c": None},
        "list": lambda: [1, "two", 3.0, True],
        "datetime": lambda: datetime.datetime(2024, 1, 2, 3, 4, 5, 6),
        "aware": lambda: datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc),
        "date": lambda: datetime.date(2024, 2, 29),
        "time": lambda: datetime.time(12, 30),
        "timedelta": lambda: datetime.timedelta(days=1, seconds=1.5),
        "uuid": lambda: uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "decimal": lambda: {"int-like": Decimal("10"), "frac": Decimal("1.10")},
        "enum": lambda: Shape.circle,
        "set": lambda: {3, 1, 2},
        "frozenset": lambda: frozenset([5]),
        "tuple": lambda: (1, "a"),
        "bytes": lambda: b"raw bytes",
        "dataclass": lambda: Point(1, 2),
        "model": lambda: {"user": UserOut(username="u"), "points": [Point(0, 0, "o")]},
        "none": lambda: None,
        "float": lambda: 1.0,
        "unicode": lambda: {"emoji": "\U0001f600", "e": "\u00e9", "nul": "\x00"},
        "int-keys": lambda: {1: "a", None: "b"},
    }
    for name, make in routes.items():
        app.add_api_route(f"/{name}", make, methods=["GET"])
    return app, [get(f"/{name}", f"jsonable encoding of {name}") for name in routes]


@cases.add
def response_classes(fw):
    app = fw.FastAPI()
    r = fw.responses

    @app.get("/html", response_class=r.HTMLResponse)
    def html():
        return "<h1>hi</h1>"

    @app.get("/text", response_class=r.PlainTextResponse)
    def text():
        return "caf\u00e9"

    @app.get("/redirect", response_class=r.RedirectResponse)
    def redirect():
        return "/text"

    @app.get("/redirect-302", response_class=r.RedirectResponse, status_code=302)
    def redirect_302():
        return "https://example.org/x?y=1"

    @app.get("/orjson", response_class=r.ORJSONResponse)
    def orjson():
        return {"t": datetime.date(2024, 1, 1), "k": {1: 2}}

    @app.get("/ujson", response_class=r.UJSONResponse)
    def ujson():
        return {"e": "\u00e9", "f": 1.5}

    @app.get("/json-model", response_class=r.JSONResponse, response_model=UserOut)
    def json_model():
        return {"username": "x", "password": "y"}

    @app.get("/returned-html")
    def returned_html():
        return r.HTMLResponse("<p>direct</p>", status_code=203, headers={"x-a": "b"})

    @app.get("/plain-response")
    def plain_response():
        return fw.Response(content=b"\x00\x01", media_type="application/octet-stream")

    @app.get("/file", response_class=r.FileResponse)
    def file():
        return __file__

    @app.get("/stream", response_class=r.StreamingResponse)
    def stream():
        return iter(["a", "b", "c"])

    return app, [
        get("/html", "HTMLResponse content-type with charset"),
        get("/text", "PlainTextResponse utf-8"),
        get("/redirect", "RedirectResponse from a returned string: 307 + location"),
        get("/redirect-302", "status_code on the decorator for a redirect"),
        get("/orjson", "ORJSONResponse: dates and non-str keys"),
        get("/ujson", "UJSONResponse"),
        get("/json-model", "response model with an explicit JSONResponse class"),
        get("/returned-html", "a returned Response is passed through"),
        get("/plain-response", "raw bytes Response"),
        get("/file", "FileResponse as the class: the returned path is served"),
        get("/stream", "StreamingResponse as the class: the returned iterator is encoded first"),
    ]


@cases.add
def default_response_class(fw):
    app = fw.FastAPI(default_response_class=fw.responses.PlainTextResponse)
    router = fw.APIRouter(default_response_class=fw.responses.HTMLResponse)

    @app.get("/app")
    def app_level():
        return "app"

    @router.get("/router")
    def router_level():
        return "router"

    @router.get("/route", response_class=fw.responses.JSONResponse)
    def route_level():
        return "route"

    app.include_router(router)
    return app, [
        get("/app", "app default_response_class"),
        get("/router", "router default beats app default"),
        get("/route", "route response_class beats both"),
        get("/nope", "404 is still JSON"),
    ]


@cases.add
def status_codes(fw):
    app = fw.FastAPI()

    @app.post("/created", status_code=201)
    def created():
        return {"id": 1}

    @app.delete("/gone", status_code=fw.status.HTTP_204_NO_CONTENT)
    def gone():
        return None

    @app.get("/not-modified", status_code=304)
    def not_modified():
        return None

    @app.get("/accepted", status_code=202)
    def accepted() -> None:
        pass

    @app.get("/teapot", status_code=418)
    def teapot():
        return fw.responses.JSONResponse({"own": True})

    return app, [
        post("/created", "decorator status_code"),
        delete("/gone", "204: no body, no content-type"),
        get("/not-modified", "304: no body"),
        get("/accepted", "202 with None: body 'null'"),
        get("/teapot", "a returned Response keeps its own status"),
    ]


@cases.add
def response_parameter(fw):
    app = fw.FastAPI()

    @app.get("/")
    def read(response: fw.Response):
        response.headers["X-Custom"] = "yes"
        response.headers.append("x-multi", "1")
        response.headers.append("x-multi", "2")
        response.set_cookie("a", "1", max_age=10, httponly=True)
        response.set_cookie("b", "2")
        response.set_cookie("c", "", expires="Thu, 01 Jan 1970 00:00:00 GMT")
        response.status_code = 206
        return {"ok": True}

    @app.get("/typed", status_code=201)
    def typed(response: fw.Response) -> UserOut:
        response.headers["content-type"] = "application/x-custom"
        return UserOut(username="t")

    @app.get("/ignored")
    def ignored(response: fw.Response):
        response.headers["x-lost"] = "1"
        return fw.responses.PlainTextResponse("own")

    return app, [
        get("/", "headers, repeated headers, cookies and status from the Response param"),
        get("/typed", "Response param overriding content-type; decorator status"),
        get("/ignored", "a returned Response ignores the Response param"),
    ]


class Strict(BaseModel):
    name: str
    size: int


@cases.add
def response_validation_raised(fw):
    app = fw.FastAPI()

    @app.get("/bad", response_model=Strict)
    def bad():
        return {"name": 1, "size": "big"}

    @app.get("/bad-annotation")
    def bad_annotation() -> list[Strict]:
        return [{"name": "ok", "size": 1}, {"name": "x"}]

    return app, [
        get("/bad", "ResponseValidationError raised through TestClient"),
        get("/bad-annotation", "error loc inside a list response"),
    ]


@cases.add(raise_server_exceptions=False)
def response_validation_500(fw):
    app = fw.FastAPI()

    @app.get("/bad", response_model=Strict)
    def bad():
        return {"name": "n"}

    @app.get("/crash")
    def crash():
        raise RuntimeError("plain crash")

    return app, [
        get("/bad", "ResponseValidationError becomes a plain-text 500"),
        get("/crash", "any exception: 500 Internal Server Error"),
    ]


@cases.add
def background_tasks_after_response(fw, log):
    app = fw.FastAPI()

    def task(name, n=0):
        log.append(("task", name, n))

    async def async_task(name):
        log.append(("async task", name))

    @app.post("/")
    def create(tasks: fw.BackgroundTasks):
        tasks.add_task(task, "first", n=1)
        tasks.add_task(async_task, "second")
        log.append("endpoint returns")
        return {"queued": 2}

    @app.post("/own")
    def own(tasks: fw.BackgroundTasks):
        tasks.add_task(task, "from param")
        extra = fw.BackgroundTasks()
        extra.add_task(task, "from response")
        return fw.responses.JSONResponse({"own": True}, background=extra)

    return app, [
        post("/", "tasks run in order after the endpoint"),
        post("/own", "a returned Response with its own background: the param's task is dropped?"),
    ]


@cases.add
def methods_and_misses(fw):
    app = fw.FastAPI()

    @app.get("/items")
    def items():
        return ["a"]

    @app.api_route("/multi", methods=["GET", "PUT"])
    def multi():
        return "multi"

    return app, [
        request("HEAD", "/items", "HEAD on a GET route"),
        request("OPTIONS", "/items", "OPTIONS on a GET route"),
        post("/items", "405 with Allow"),
        delete("/multi", "405 Allow lists several methods"),
        get("/missing", "404 body"),
        get("/items/", "trailing slash redirect to /items"),
        get("/items?x=1", "a query string does not affect routing"),
        get("/items/?q=1", "redirect keeps the query string"),
        request("PATCH", "/missing/", "404 for an unknown path with a slash"),
    ]


@cases.add
def redirect_slashes_off(fw):
    app = fw.FastAPI(redirect_slashes=False)

    @app.get("/a/")
    def a():
        return "a"

    return app, [
        get("/a", "redirect_slashes=False: 404 instead of a redirect"),
        get("/a/", "exact path"),
    ]


@cases.add
def redirect_to_slash(fw):
    app = fw.FastAPI()

    @app.get("/dir/")
    def directory():
        return "dir"

    return app, [
        get("/dir", "missing trailing slash redirects to /dir/"),
        post("/dir", "redirect for another method too (then 405?)"),
    ]


class Teapot(Exception):
    def __init__(self, name: str):
        self.name = name


@cases.add(raise_server_exceptions=False)
def exception_handlers(fw):
    app = fw.FastAPI()
    responses = fw.responses

    @app.exception_handler(fw.exceptions.HTTPException)
    async def http_handler(request, exc):
        return responses.PlainTextResponse(
            f"http {exc.status_code}: {exc.detail}",
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(fw.exceptions.RequestValidationError)
    def validation_handler(request, exc):
        return responses.JSONResponse(
            {"errors": len(exc.errors()), "first": exc.errors()[0]["type"], "body": exc.body},
            status_code=400,
        )

    @app.exception_handler(Teapot)
    async def teapot_handler(request, exc):
        return responses.JSONResponse({"teapot": exc.name}, status_code=418)

    @app.exception_handler(500)
    async def server_error(request, exc):
        return responses.JSONResponse({"crash": type(exc).__name__}, status_code=500)

    @app.get("/http")
    def http():
        raise fw.HTTPException(status_code=403, detail="nope", headers={"x-why": "because"})

    @app.post("/validate")
    def validate(n: int, body: Annotated[dict, fw.Body()]):
        return n

    @app.get("/teapot")
    def teapot():
        raise Teapot("earl grey")

    @app.get("/crash")
    def crash():
        raise ZeroDivisionError("x")

    return app, [
        get("/http", "custom HTTPException handler"),
        get("/missing", "a routing 404 is Starlette's HTTPException: FastAPI's handler skips it"),
        post("/http", "same for a routing 405"),
        post("/validate?n=x", "custom RequestValidationError handler sees exc.body", json={"a": 1}),
        get("/teapot", "custom exception class"),
        get("/crash", "500 handler"),
    ]


@cases.add
def starlette_http_exception_handler(fw):
    from starlette.exceptions import HTTPException as StarletteHTTPException

    app = fw.FastAPI()

    @app.exception_handler(StarletteHTTPException)
    async def handler(request, exc):
        return fw.responses.PlainTextResponse(
            f"{exc.status_code} {exc.detail}", status_code=exc.status_code
        )

    @app.get("/teapot")
    def teapot():
        raise fw.HTTPException(status_code=418, detail="short and stout")

    return app, [
        get("/nowhere", "routing 404 through the Starlette HTTPException handler"),
        post("/teapot", "routing 405: the handler drops the Allow header"),
        get("/teapot", "FastAPI's HTTPException is a subclass: same handler"),
    ]


@cases.add
def not_found_handler(fw):
    app = fw.FastAPI()

    @app.exception_handler(404)
    async def not_found(request, exc):
        return fw.responses.JSONResponse(
            {"path": request.url.path, "detail": exc.detail}, status_code=404
        )

    @app.get("/items/{item_id}")
    def item(item_id: int):
        if item_id > 10:
            raise fw.HTTPException(404, detail="no such item")
        return {"item_id": item_id}

    return app, [
        get("/nowhere", "routing 404 through a status-code handler"),
        get("/items/11", "HTTPException(404) through the same handler"),
        get("/items/x", "422 is not affected"),
    ]


@cases.add
def http_exception_shapes(fw):
    app = fw.FastAPI()

    @app.get("/dict")
    def as_dict():
        raise fw.HTTPException(status_code=400, detail={"code": 7, "fields": ["a"]})

    @app.get("/none")
    def no_detail():
        raise fw.HTTPException(status_code=503)

    @app.get("/headers")
    def with_headers():
        raise fw.HTTPException(status_code=429, detail="slow", headers={"Retry-After": "3"})

    @app.get("/starlette")
    def starlette_exc():
        from starlette.exceptions import HTTPException

        raise HTTPException(status_code=410, detail="gone")

    @app.get("/no-body")
    def no_body():
        raise fw.HTTPException(status_code=304)

    return app, [
        get("/dict", "dict detail"),
        get("/none", "default detail is the reason phrase"),
        get("/headers", "headers kept"),
        get("/starlette", "Starlette's HTTPException handled the same way"),
        get("/no-body", "304 from HTTPException: no body"),
    ]


test_responses = cases.make_test()
