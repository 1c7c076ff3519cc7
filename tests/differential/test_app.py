"""The application: routers and prefixes, late routes, mounts, lifespan and state, middleware,
root_path, URL building."""

from contextlib import asynccontextmanager
from typing import Annotated

from .harness import Cases, do, get, post, request

cases = Cases()


@cases.add
def nested_routers(fw, log):
    app = fw.FastAPI()

    def tag(name):
        def dependency(request: fw.Request):
            log.append((name, request.url.path))

        return dependency

    users = fw.APIRouter(prefix="/users", tags=["users"], dependencies=[fw.Depends(tag("users"))])
    posts = fw.APIRouter(prefix="/{user_id}/posts", tags=["posts"])

    @users.get("")
    def list_users():
        return ["ann"]

    @users.get("/{user_id}")
    def read_user(user_id: int):
        return {"user_id": user_id}

    @posts.get("/")
    def list_posts(user_id: int, limit: int = 2):
        return {"user_id": user_id, "limit": limit}

    @posts.get("/{post_id}")
    def read_post(user_id: int, post_id: str):
        return {"user_id": user_id, "post_id": post_id}

    users.include_router(posts, dependencies=[fw.Depends(tag("posts"))])
    app.include_router(users, prefix="/v1")

    return app, [
        get("/v1/users", "route with an empty path under a prefix"),
        get("/v1/users/", "the slash variant redirects"),
        get("/v1/users/7", "path param under two prefixes"),
        get("/v1/users/7/posts/", "path param from the inner router's prefix"),
        get("/v1/users/7/posts", "missing slash: redirect"),
        get("/v1/users/x/posts/p1", "prefix path param validated"),
        get("/users/7", "only reachable under /v1"),
    ]


class _Noop:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)


@cases.add
def routes_added_after_include(fw):
    app = fw.FastAPI()
    router = fw.APIRouter(prefix="/r")
    inner = fw.APIRouter()

    @router.get("/early")
    def early():
        return "early"

    router.include_router(inner, prefix="/in")
    app.include_router(router)

    def add_late():
        @router.get("/late")
        def late():
            return "late"

    def add_inner_late():
        @inner.get("/deep")
        def deep():
            return "deep"

    def add_shadow():
        @router.get("/early")
        def shadow():
            return "shadow"

    def add_to_app():
        @app.get("/direct")
        def direct():
            return "direct"

    late_router = fw.APIRouter()

    @late_router.get("/x")
    def late_x():
        return "x"

    return app, [
        get("/r/early", "included route"),
        do(add_to_app, "add a route to the app after it served requests"),
        get("/direct", "served"),
        do(lambda: app.include_router(late_router, prefix="/late"), "include a router late"),
        get("/late/x", "served"),
        do(lambda: app.add_middleware(_Noop), "add middleware after the app started"),
        get("/r/late", "not there yet"),
        do(add_late, "add a route to the router after app.include_router"),
        get("/r/late", "included by reference: does the late route appear?"),
        do(add_inner_late, "add a route two levels down after inclusion"),
        get("/r/in/deep", "late route in a nested included router"),
        do(add_shadow, "register the same path again after inclusion"),
        get("/r/early", "first registered wins?"),
    ]


@cases.add
def route_priority(fw):
    app = fw.FastAPI()

    @app.get("/users/{user_id}")
    def user(user_id: int):
        return {"user_id": user_id}

    @app.get("/users/me")
    def me():
        return "me (shadowed)"

    @app.get("/teams/me")
    def team_me():
        return "static first"

    @app.get("/teams/{team}")
    def team(team: str):
        return {"team": team}

    @app.get("/files/{rest:path}")
    def files(rest: str):
        return {"rest": rest}

    @app.get("/files/special")
    def special():
        return "special (shadowed)"

    @app.get("/split")
    def split_get():
        return "get"

    @app.post("/split")
    def split_post():
        return "post"

    return app, [
        get("/users/me", "a dynamic route registered first wins over a later static one"),
        get("/teams/me", "a static route registered first wins"),
        get("/teams/red", "falls through to the dynamic route"),
        get("/files/special", "a :path route registered first wins"),
        post("/split", "same path, two routes: the second route's method"),
        request("PUT", "/split", "405: does Allow list both routes' methods?"),
    ]


@cases.add
def mounted_sub_application(fw):
    app = fw.FastAPI()
    sub = fw.FastAPI()

    @sub.get("/info")
    def info(request: fw.Request):
        return {
            "root_path": request.scope.get("root_path"),
            "path": request.url.path,
            "url_for": str(request.url_for("info")),
        }

    @sub.get("/")
    def sub_root():
        return "sub root"

    @app.get("/main")
    def main():
        return "main"

    app.mount("/sub", sub)
    return app, [
        get("/sub/info", "root_path and url_for inside a mounted app"),
        get("/sub/", "mounted app root"),
        get("/sub", "mount path without the slash"),
        get("/sub/nothing", "404 from the sub-application"),
        get("/main", "parent route still works"),
    ]


@cases.add
def mounted_starlette_app(fw):
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def hello(request):
        return PlainTextResponse(f"hello {request.path_params['name']}")

    app = fw.FastAPI()
    app.mount("/plain", Starlette(routes=[Route("/{name}", hello)]))
    return app, [
        get("/plain/bob", "a plain Starlette app under a mount"),
        post("/plain/bob", "Starlette's own 405"),
    ]


@cases.add
def lifespan_and_state(fw, log):

    @asynccontextmanager
    async def lifespan(app):
        log.append("startup")
        app.state.started = True
        yield {"db": "connected"}
        log.append("shutdown")

    app = fw.FastAPI(lifespan=lifespan)
    app.state.version = "1.2"

    @app.get("/")
    def read(request: fw.Request):
        log.append("request")
        return {
            "db": request.state.db,
            "version": request.app.state.version,
            "started": request.app.state.started,
        }

    return app, [get("/", "lifespan state on request.state; app.state")]


@cases.add
def lifespan_startup_fails(fw, log):
    @asynccontextmanager
    async def lifespan(app):
        log.append("starting")
        raise ConnectionError("database unreachable")
        yield

    app = fw.FastAPI(lifespan=lifespan)

    @app.get("/")
    def read():
        return "never served"

    return app, [get("/", "not served: the client's startup raised (see the startup item)")]


@cases.add
def http_middleware(fw, log):
    app = fw.FastAPI()

    @app.middleware("http")
    async def outer(request, call_next):
        log.append("outer in")
        response = await call_next(request)
        response.headers["x-outer"] = "1"
        log.append("outer out")
        return response

    @app.middleware("http")
    async def inner(request, call_next):
        log.append("inner in")
        if request.url.path == "/blocked":
            return fw.responses.JSONResponse({"blocked": True}, status_code=403)
        response = await call_next(request)
        response.headers["x-inner"] = str(response.status_code)
        log.append("inner out")
        return response

    @app.get("/")
    def read():
        log.append("endpoint")
        return {"ok": True}

    @app.get("/fail")
    def fail():
        raise fw.HTTPException(status_code=400, detail="bad")

    return app, [
        get("/", "last-added middleware runs first (outermost)"),
        get("/fail", "HTTPException responses pass through middleware"),
        get("/blocked", "a middleware short-circuits"),
        get("/missing", "404 passes through middleware"),
    ]


@cases.add
def cors_middleware(fw):
    from starlette.middleware.cors import CORSMiddleware

    app = fw.FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://a.example"],
        allow_methods=["GET", "POST"],
        allow_headers=["x-token"],
        allow_credentials=True,
    )

    @app.get("/")
    def read():
        return "cors"

    preflight = {
        "origin": "https://a.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-token",
    }
    return app, [
        request("OPTIONS", "/", "preflight allowed", headers=preflight),
        request(
            "OPTIONS",
            "/",
            "preflight from another origin",
            headers={**preflight, "origin": "https://b.example"},
        ),
        get("/", "simple request with an origin", headers={"origin": "https://a.example"}),
    ]


@cases.add
def root_path_setting(fw):
    app = fw.FastAPI(root_path="/api")

    @app.get("/items/{item_id}", name="item")
    def item(item_id: int, request: fw.Request):
        return {
            "root_path": request.scope.get("root_path"),
            "path": request.url.path,
            "url_for": str(request.url_for("item", item_id=item_id + 1)),
        }

    return app, [
        get("/items/1", "FastAPI(root_path=...) and url_for"),
        get("/api/items/1", "the request path already carrying the root_path"),
    ]


@cases.add(root_path="/proxy")
def root_path_from_server(fw):
    app = fw.FastAPI()

    @app.get("/where")
    def where(request: fw.Request):
        return {"root_path": request.scope.get("root_path"), "url": str(request.url)}

    return app, [get("/where", "root_path given by the server (TestClient root_path)")]


@cases.add
def request_object(fw):
    app = fw.FastAPI()

    @app.post("/echo/{name}")
    async def echo(name: str, request: fw.Request, x: Annotated[int, fw.Query()] = 0):
        body = await request.body()
        return {
            "name": name,
            "path_params": request.path_params,
            "query": str(request.query_params),
            "body": body.decode(),
            "client": list(request.client),
            "x": x,
        }

    return app, [
        post(
            "/echo/a%20b?x=1&y=2",
            "Request alongside params; raw body still readable",
            content=b"raw",
        ),
    ]


@cases.add
def openapi_document(fw):
    from pydantic import BaseModel

    class Item(BaseModel):
        name: str
        price: float = 0

    app = fw.FastAPI(title="Diff", version="1.0")

    @app.post("/items/{item_id}", tags=["items"], status_code=201, summary="Create")
    def create(item_id: int, item: Item, q: str | None = None) -> Item:
        """Create an item."""
        return item

    return app, [get("/openapi.json", "the generated OpenAPI document")]


test_app = cases.make_test()
