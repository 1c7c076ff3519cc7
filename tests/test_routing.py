"""Routes and routers: registration, options, inclusion, mounting, matching and URL building."""

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Union

import anyio
import httpx
import pytest
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse as StarlettePlainText
from starlette.routing import NoMatchFound, Route

from zephyr import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Query, Request
from zephyr.exceptions import FastAPIError, RequestValidationError
from zephyr.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from zephyr.routing import APIRoute
from zephyr.testclient import TestClient

METHODS = ["get", "post", "put", "patch", "delete", "options", "head", "trace"]


@pytest.fixture(params=["app", "router"])
def owner(request: pytest.FixtureRequest) -> Any:
    """Register routes on the app itself or on an APIRouter included without a prefix."""
    if request.param == "app":
        return FastAPI()
    return APIRouter()


def client_for(owner: Any) -> TestClient:
    if isinstance(owner, FastAPI):
        return TestClient(owner)
    app = FastAPI()
    app.include_router(owner)
    return TestClient(app)


# --------------------------------------------------------------------------- methods


@pytest.mark.parametrize("method", METHODS)
def test_method_decorator_serves_only_its_method(owner: Any, method: str) -> None:
    @getattr(owner, method)("/thing")
    def endpoint(request: Request):
        return {"method": request.method}

    assert owner.routes[-1].methods == {method.upper()}
    client = client_for(owner)
    response = client.request(method.upper(), "/thing")
    assert response.status_code == 200
    if method == "head":
        assert response.content == b""
    else:
        assert response.json() == {"method": method.upper()}

    other = "GET" if method != "get" else "POST"
    refused = client.request(other, "/thing")
    assert refused.status_code == 405
    assert refused.headers["allow"] == method.upper()


def test_api_route_serves_the_given_methods(owner: Any) -> None:
    @owner.api_route("/multi", methods=["GET", "POST"])
    def multi(request: Request):
        return request.method

    @owner.api_route("/default")
    def default():
        return "get only"

    client = client_for(owner)
    assert client.get("/multi").json() == "GET"
    assert client.post("/multi").json() == "POST"
    assert client.delete("/multi").status_code == 405
    assert client.get("/default").json() == "get only"
    assert client.post("/default").status_code == 405


def test_add_api_route(owner: Any) -> None:
    def create(name: str):
        return {"created": name}

    owner.add_api_route("/things", create, methods=["POST"], status_code=201, name="make")
    route = owner.routes[-1]
    assert (route.path, route.name, route.methods, route.endpoint) == (
        "/things",
        "make",
        {"POST"},
        create,
    )
    response = client_for(owner).post("/things?name=a")
    assert (response.status_code, response.json()) == (201, {"created": "a"})


def test_decorator_returns_the_function_unchanged() -> None:
    app = FastAPI()

    def endpoint():
        return 1

    assert app.get("/")(endpoint) is endpoint
    assert APIRouter().post("/")(endpoint) is endpoint


# --------------------------------------------------------------------------- route options


class Out(BaseModel):
    name: str
    secret: str = "s"


def test_openapi_options_land_on_the_route_object() -> None:
    app = FastAPI()
    callback_router = APIRouter()

    @callback_router.post("/callback")
    def callback():
        pass

    responses = {404: {"description": "Not found"}, 418: {"model": Out}}

    @app.post(
        "/items",
        response_model=Out,
        status_code=201,
        tags=["items", "write"],
        summary="Create an item",
        description="Long description",
        response_description="The created item",
        responses=responses,
        deprecated=True,
        operation_id="create_item_op",
        response_model_include={"name"},
        response_model_exclude={"secret"},
        response_model_by_alias=False,
        response_model_exclude_unset=True,
        response_model_exclude_defaults=True,
        response_model_exclude_none=True,
        include_in_schema=False,
        response_class=JSONResponse,
        name="create",
        openapi_extra={"x-internal": True},
        callbacks=callback_router.routes,
    )
    def create_item():
        return {"name": "a"}

    route = app.routes[-1]
    assert isinstance(route, APIRoute)
    assert route.path == "/items"
    assert route.methods == {"POST"}
    assert route.response_model is Out
    assert route.status_code == 201
    assert route.tags == ["items", "write"]
    assert route.summary == "Create an item"
    assert route.description == "Long description"
    assert route.response_description == "The created item"
    assert route.responses == responses
    assert route.deprecated is True
    assert route.operation_id == "create_item_op"
    assert route.unique_id == "create_item_op"
    assert route.response_model_include == {"name"}
    assert route.response_model_exclude == {"secret"}
    assert route.response_model_by_alias is False
    assert route.response_model_exclude_unset is True
    assert route.response_model_exclude_defaults is True
    assert route.response_model_exclude_none is True
    assert route.include_in_schema is False
    assert route.response_class is JSONResponse
    assert route.name == "create"
    assert route.openapi_extra == {"x-internal": True}
    assert route.callbacks == callback_router.routes
    assert route.endpoint is create_item


def test_defaults_of_a_plain_route() -> None:
    app = FastAPI()

    @app.get("/items/{item_id}")
    def read_item(item_id: int):
        pass

    route = app.routes[-1]
    assert route.name == "read_item"
    assert route.tags == []
    assert route.summary is None
    assert route.description == ""
    assert route.response_description == "Successful Response"
    assert route.responses == {}
    assert route.deprecated is None
    assert route.operation_id is None
    assert route.include_in_schema is True
    assert route.status_code is None
    assert route.unique_id == "read_item_items__item_id__get"


def test_generate_unique_id_function() -> None:
    def custom_id(route: APIRoute) -> str:
        return f"{route.tags[0]}-{route.name}"

    app = FastAPI(generate_unique_id_function=custom_id)
    router = APIRouter(generate_unique_id_function=lambda route: "router-" + route.name)

    @app.get("/a", tags=["alpha"])
    def from_app():
        pass

    @app.get("/b", tags=["beta"], generate_unique_id_function=lambda route: "own-" + route.name)
    def own():
        pass

    @router.get("/c")
    def from_router():
        pass

    assert app.routes[-2].unique_id == "alpha-from_app"
    assert app.routes[-1].unique_id == "own-own"
    assert router.routes[-1].unique_id == "router-from_router"


def test_docstring_is_the_description_up_to_a_form_feed() -> None:
    app = FastAPI()

    @app.get("/")
    def documented():
        """Read things.

        Shown in the API documentation.
        \f
        :param internal: not shown.
        """

    @app.get("/explicit", description="Given explicitly")
    def explicit():
        """Ignored docstring."""

    assert app.routes[-2].description == "Read things.\n\nShown in the API documentation."
    assert app.routes[-1].description == "Given explicitly"


def test_status_code_and_response_class() -> None:
    app = FastAPI()

    @app.post("/created", status_code=201)
    def created():
        return {"ok": True}

    @app.get("/page", response_class=HTMLResponse)
    def page():
        return "<h1>hi</h1>"

    @app.get("/text", response_class=PlainTextResponse)
    def text():
        return "plain"

    client = TestClient(app)
    response = client.post("/created")
    assert (response.status_code, response.json()) == (201, {"ok": True})
    page_response = client.get("/page")
    assert page_response.headers["content-type"] == "text/html; charset=utf-8"
    assert page_response.text == "<h1>hi</h1>"
    assert client.get("/text").headers["content-type"] == "text/plain; charset=utf-8"
    assert client.get("/text").text == "plain"


def test_route_dependencies_run_before_the_endpoint_and_their_values_are_unused() -> None:
    events: list[str] = []

    def first():
        events.append("first")
        return "unused"

    async def second(x_key: str = Header()):
        events.append(f"second:{x_key}")

    app = FastAPI()

    @app.get("/", dependencies=[Depends(first), Depends(second)])
    def endpoint():
        events.append("endpoint")
        return "done"

    client = TestClient(app)
    assert client.get("/", headers={"x-key": "k"}).json() == "done"
    assert events == ["first", "second:k", "endpoint"]
    # A route dependency's own parameters are validated like the endpoint's.
    assert client.get("/").json() == {
        "detail": [
            {"type": "missing", "loc": ["header", "x-key"], "msg": "Field required", "input": None}
        ]
    }


# --------------------------------------------------------------------------- routers


def test_router_options_apply_to_its_routes() -> None:
    events: list[str] = []

    def router_dependency():
        events.append("router")

    class TaggedRoute(APIRoute):
        pass

    router = APIRouter(
        prefix="/items",
        tags=["items"],
        dependencies=[Depends(router_dependency)],
        responses={404: {"description": "Not found"}},
        default_response_class=PlainTextResponse,
        route_class=TaggedRoute,
        deprecated=True,
    )

    @router.get("/{item_id}", tags=["read"], responses={403: {"description": "Forbidden"}})
    def read_item(item_id: str):
        events.append("endpoint")
        return f"item {item_id}"

    route = router.routes[-1]
    assert isinstance(route, TaggedRoute)
    assert route.path == "/items/{item_id}"
    assert route.tags == ["items", "read"]
    assert route.responses == {404: {"description": "Not found"}, 403: {"description": "Forbidden"}}
    assert route.response_class is PlainTextResponse
    assert route.deprecated is True

    app = FastAPI()
    app.include_router(router)
    response = TestClient(app).get("/items/7")
    assert response.text == "item 7"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert events == ["router", "endpoint"]


def test_route_class_handler_is_used() -> None:
    class StampedRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Any]:
            handler = super().get_route_handler()

            async def stamped(request: Request) -> Response:
                response = await handler(request)
                response.headers["x-route"] = self.name
                return response

            return stamped

    router = APIRouter(route_class=StampedRoute)

    @router.get("/stamped")
    def stamped_endpoint(q: int):
        return {"q": q}

    app = FastAPI()
    app.include_router(router)
    client = TestClient(app)
    response = client.get("/stamped?q=1")
    assert response.json() == {"q": 1}
    assert response.headers["x-route"] == "stamped_endpoint"


class GzipRequest(Request):
    """A request whose body is transparently un-gzipped (FastAPI's documented recipe)."""

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            body = await super().body()
            if "gzip" in self.headers.getlist("Content-Encoding"):
                body = gzip.decompress(body)
            self._body = body
        return self._body


class GzipRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Any]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            return await original(GzipRequest(request.scope, request.receive))

        return handler


def test_route_class_can_replace_the_request() -> None:
    app = FastAPI()
    app.router.route_class = GzipRoute

    @app.post("/sum")
    async def sum_numbers(numbers: Annotated[list[int], Body()]):
        return {"sum": sum(numbers)}

    response = TestClient(app).post(
        "/sum",
        content=gzip.compress(b"[1, 2, 3]"),
        headers={"content-encoding": "gzip", "content-type": "application/json"},
    )
    assert response.json() == {"sum": 6}


class BodyInErrorsRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Any]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except RequestValidationError as exc:
                body = await request.body()
                raise HTTPException(422, {"errors": len(exc.errors()), "body": body.decode()})

        return handler


@pytest.mark.anyio
async def test_route_class_handler_can_read_the_body_after_validation_failed() -> None:
    router = APIRouter(route_class=BodyInErrorsRoute)

    @router.post("/sum")
    async def sum_numbers(numbers: Annotated[list[int], Body()]):
        return sum(numbers)

    app = FastAPI()
    app.include_router(router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        # The body was consumed once already; reading it again must not wait for more.
        with anyio.fail_after(2):
            response = await client.post("/sum", json=[1, "x"])
    assert response.status_code == 422
    assert response.json() == {"detail": {"errors": 1, "body": '[1,"x"]'}}


def test_nested_include_router_combines_prefixes_and_dependencies() -> None:
    events: list[str] = []

    def recorder(label: str) -> Any:
        def dependency():
            events.append(label)

        return Depends(dependency)

    app = FastAPI(dependencies=[recorder("app")])
    outer = APIRouter(prefix="/outer", dependencies=[recorder("outer router")])
    inner = APIRouter(prefix="/inner", dependencies=[recorder("inner router")])

    @inner.get("/leaf", dependencies=[recorder("route")])
    def leaf(value: None = recorder("parameter")):
        events.append("endpoint")
        return "leaf"

    outer.include_router(inner, prefix="/in", dependencies=[recorder("inner include")])
    app.include_router(
        outer,
        prefix="/v1",
        tags=["v1"],
        dependencies=[recorder("outer include")],
        responses={418: {"description": "Teapot"}},
    )

    client = TestClient(app)
    assert client.get("/v1/outer/in/inner/leaf").json() == "leaf"
    assert events == [
        "app",
        "outer include",
        "outer router",
        "inner include",
        "inner router",
        "route",
        "parameter",
        "endpoint",
    ]
    assert client.get("/inner/leaf").status_code == 404
    assert client.get("/outer/inner/leaf").status_code == 404


def test_include_time_dependency_can_reject_the_request() -> None:
    async def verify_token(x_token: str = Header()):
        if x_token != "secret":
            raise HTTPException(status_code=400, detail="X-Token header invalid")

    router = APIRouter()

    @router.get("/private")
    def private():
        return "ok"

    app = FastAPI()
    app.include_router(router, prefix="/admin", dependencies=[Depends(verify_token)])
    client = TestClient(app)
    assert client.get("/admin/private", headers={"x-token": "secret"}).json() == "ok"
    bad = client.get("/admin/private", headers={"x-token": "nope"})
    assert (bad.status_code, bad.json()) == (400, {"detail": "X-Token header invalid"})


def test_include_time_default_response_class() -> None:
    router = APIRouter()

    @router.get("/page")
    def page():
        return "<p>x</p>"

    @router.get("/data", response_class=JSONResponse)
    def data():
        return "<p>x</p>"

    app = FastAPI()
    app.include_router(router, default_response_class=HTMLResponse)
    client = TestClient(app)
    assert client.get("/page").headers["content-type"] == "text/html; charset=utf-8"
    assert client.get("/data").json() == "<p>x</p>"


def test_one_router_included_twice_under_different_prefixes() -> None:
    router = APIRouter()

    @router.get("/ping")
    def ping(request: Request):
        return request.url.path

    app = FastAPI()
    app.include_router(router, prefix="/v1")
    app.include_router(router, prefix="/v2")
    client = TestClient(app)
    assert client.get("/v1/ping").json() == "/v1/ping"
    assert client.get("/v2/ping").json() == "/v2/ping"


def test_inclusion_does_not_modify_the_included_routes() -> None:
    router = APIRouter(prefix="/items", tags=["items"])

    @router.get("/{item_id}")
    def read_item(item_id: int):
        return item_id

    app = FastAPI()
    app.include_router(router, prefix="/v1", tags=["v1"], dependencies=[Depends(lambda: None)])
    route = router.routes[-1]
    assert (route.path, route.tags, route.dependencies) == ("/items/{item_id}", ["items"], [])
    assert TestClient(app).get("/v1/items/3").json() == 3


def test_routes_added_after_inclusion_are_served() -> None:
    app = FastAPI()
    parent = APIRouter()
    child = APIRouter(prefix="/child")
    parent.include_router(child)
    app.include_router(parent, prefix="/api")
    client = TestClient(app)
    assert client.get("/api/child/late").status_code == 404

    @child.get("/late")
    def late():
        return "late"

    @parent.get("/later")
    def later():
        return "later"

    assert client.get("/api/child/late").json() == "late"
    assert client.get("/api/later").json() == "later"


def test_routes_appended_to_the_route_list_are_served() -> None:
    app = FastAPI()
    client = TestClient(app)
    assert client.get("/direct").status_code == 404

    def direct(n: int = 1):
        return {"n": n}

    app.router.routes.append(APIRoute("/direct", direct))

    async def plain(request: Request) -> StarlettePlainText:
        return StarlettePlainText("plain starlette route")

    app.router.routes.append(Route("/plain", plain))

    assert client.get("/direct?n=5").json() == {"n": 5}
    assert client.get("/plain").text == "plain starlette route"


def test_route_list_mutations_take_effect_on_the_next_request() -> None:
    app = FastAPI()

    @app.get("/a")
    def a():
        return "a"

    @app.get("/{name}")
    def catch_all(name: str):
        return f"catch-all {name}"

    client = TestClient(app)
    assert client.get("/a").json() == "a"

    app.router.routes.remove(next(r for r in app.routes if r.name == "a"))
    assert client.get("/a").json() == "catch-all a"

    app.router.routes.insert(0, APIRoute("/b", lambda: "b first"))
    assert client.get("/b").json() == "b first"

    del app.router.routes[0]
    assert client.get("/b").json() == "catch-all b"

    app.router.routes[:] = [APIRoute("/only", lambda: "only")]
    assert client.get("/only").json() == "only"
    assert client.get("/b").status_code == 404


def test_configuration_errors_are_raised_at_declaration_and_name_the_route() -> None:
    # FastAPI uses `assert` for some of these; Zephyr raises FastAPIError (see DESIGN.md).
    app = FastAPI()

    with pytest.raises(
        FastAPIError,
        match=r"(?s)Cannot use `Query` for path param 'item_id'.*"
        r"/items/\{item_id\}.*read_item",
    ):

        @app.get("/items/{item_id}")
        def read_item(item_id: int = Query()):
            pass

    with pytest.raises(FastAPIError, match="Status code 204 must not have a response body"):

        @app.delete("/items", status_code=204, response_model=Out)
        def delete_items():
            pass

    with pytest.raises(FastAPIError, match="Invalid args for response field"):

        @app.get("/either")
        def either() -> Union[Response, dict[str, str]]:
            return {}


def test_including_a_router_into_itself_is_refused() -> None:
    router = APIRouter()
    with pytest.raises(Exception, match="same APIRouter instance into itself"):
        router.include_router(router)


# --------------------------------------------------------------------------- mounts


def test_mounted_zephyr_sub_application() -> None:
    sub = FastAPI()

    @sub.get("/hello/{name}")
    def hello(name: str, request: Request):
        return {"name": name, "path": request.url.path, "root_path": request.scope["root_path"]}

    app = FastAPI()

    @app.get("/hello/{name}")
    def main_hello(name: str):
        return {"main": name}

    app.mount("/sub", sub, name="sub")
    client = TestClient(app)
    assert client.get("/sub/hello/ann").json() == {
        "name": "ann",
        "path": "/sub/hello/ann",
        "root_path": "/sub",
    }
    assert client.get("/hello/ann").json() == {"main": "ann"}
    assert client.get("/sub/missing").json() == {"detail": "Not Found"}
    assert app.url_path_for("sub:hello", name="bob") == "/sub/hello/bob"


def test_mounted_starlette_application() -> None:
    async def homepage(request: Any) -> StarlettePlainText:
        return StarlettePlainText("from starlette")

    app = FastAPI()
    app.mount("/legacy", Starlette(routes=[Route("/", homepage)]))
    assert TestClient(app).get("/legacy/").text == "from starlette"


# --------------------------------------------------------------------------- matching, URLs


def test_url_path_for() -> None:
    app = FastAPI()
    router = APIRouter(prefix="/users")

    @app.get("/items/{item_id}")
    def read_item(item_id: int):
        pass

    @router.get("/{user_id}/posts/{post_id}", name="user-post")
    def user_post(user_id: int, post_id: int):
        pass

    @app.get("/link")
    def link(request: Request):
        return str(request.url_for("user-post", user_id=1, post_id=2))

    app.include_router(router, prefix="/api")
    assert app.url_path_for("read_item", item_id=3) == "/items/3"
    assert app.url_path_for("user-post", user_id=1, post_id=2) == "/api/users/1/posts/2"
    assert TestClient(app).get("/link").json() == "http://testserver/api/users/1/posts/2"
    with pytest.raises(NoMatchFound):
        app.url_path_for("nope")
    with pytest.raises(NoMatchFound):
        app.url_path_for("read_item")


def test_the_matched_route_and_path_params_are_in_the_request() -> None:
    app = FastAPI()

    def params_of(request: Request) -> dict[str, str]:
        return dict(request.path_params)

    @app.get("/items/{item_id}")
    def read_item(request: Request, params: Annotated[dict[str, str], Depends(params_of)]):
        return {"same_route": request.scope["route"] is app.routes[-1], "params": params}

    assert TestClient(app).get("/items/3").json() == {
        "same_route": True,
        "params": {"item_id": "3"},
    }


def test_not_found_and_method_not_allowed() -> None:
    app = FastAPI()

    @app.get("/items")
    def list_items():
        return []

    @app.post("/items")
    def create_item():
        return {}

    client = TestClient(app)
    missing = client.get("/nothing")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found"})
    refused = client.put("/items")
    assert (refused.status_code, refused.json()) == (405, {"detail": "Method Not Allowed"})
    # Starlette semantics: the first route matching the path answers with its own methods.
    assert refused.headers["allow"] == "GET"
    # A GET route does not answer HEAD.
    assert client.head("/items").status_code == 405


def test_first_registered_route_wins() -> None:
    app = FastAPI()

    @app.get("/users/me")
    def me():
        return "current user"

    @app.get("/users/{user_id}")
    def user(user_id: str):
        return f"user {user_id}"

    @app.get("/late/{name}")
    def dynamic(name: str):
        return "dynamic"

    @app.get("/late/fixed")
    def fixed():
        return "fixed"

    client = TestClient(app)
    assert client.get("/users/me").json() == "current user"
    assert client.get("/users/42").json() == "user 42"
    # Registered after the pattern that also matches it: never reached.
    assert client.get("/late/fixed").json() == "dynamic"


def test_redirect_slashes() -> None:
    app = FastAPI()

    @app.get("/items")
    def items():
        return ["a"]

    @app.get("/folder/")
    def folder():
        return ["f"]

    client = TestClient(app, follow_redirects=False)
    response = client.get("/items/")
    assert response.status_code == 307
    assert response.headers["location"] == "http://testserver/items"
    response = client.get("/folder")
    assert response.status_code == 307
    assert response.headers["location"] == "http://testserver/folder/"
    assert TestClient(app).get("/items/?x=1").json() == ["a"]


def test_redirect_slashes_disabled() -> None:
    app = FastAPI(redirect_slashes=False)

    @app.get("/items")
    def items():
        return ["a"]

    client = TestClient(app, follow_redirects=False)
    assert client.get("/items/").status_code == 404
    assert client.get("/items").json() == ["a"]


def test_an_inclusion_lists_what_it_serves(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("app")
    pages = APIRouter()
    pages.frontend("/", directory=tmp_path)
    api = APIRouter(prefix="/api")

    @api.get("/items", name="list_items")
    def list_items() -> list[int]:
        return [1]

    app = FastAPI()
    app.include_router(pages, prefix="/app")
    app.include_router(api, prefix="/v1")
    inclusions = [route for route in app.router.routes if hasattr(route, "effective_routes")]

    pages_inclusion, api_inclusion = inclusions
    assert [served.path for served in pages_inclusion.effective_low_priority_routes()] == ["/app"]
    assert pages_inclusion.effective_routes() == []
    assert api_inclusion.effective_low_priority_routes() == []
    assert [route.path for route in api_inclusion.effective_routes()] == ["/v1/api/items"]
    # An inclusion without the name answers like any route: NoMatchFound, not StopIteration.
    with pytest.raises(NoMatchFound):
        pages_inclusion.url_path_for("list_items")
    assert api_inclusion.url_path_for("list_items") == "/v1/api/items"
    client = TestClient(app)
    assert client.get("/v1/api/items").json() == [1]
    assert client.get("/app/anything", headers={"accept": "text/html"}).text == "app"
