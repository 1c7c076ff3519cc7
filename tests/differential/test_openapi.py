"""The OpenAPI document and the docs pages, compared as served: status, headers and bytes.

The apps are those of `tests/openapi/apps.py`; the cases here also change an app between
requests (a late route, a router that grows after inclusion, dependency overrides) to check the
served document follows, as FastAPI's does.
"""

from typing import Annotated

from tests.openapi.apps import BUILDERS, Item

from .harness import Cases, do, get

cases = Cases()
PAGES = ["/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"]


def _served(name):
    def case(fw):
        app = BUILDERS[name](fw)
        return app, [get(url, f"{name} app") for url in PAGES]

    case.__name__ = f"served_{name}"
    return case


for _name in ("parameters", "bodies", "responses", "routers", "security", "metadata"):
    cases.add(_served(_name))


@cases.add
def document_follows_route_changes(fw):
    app = fw.FastAPI(title="Changes")
    router = fw.APIRouter(prefix="/things", tags=["things"])

    @router.get("/")
    def things(limit: int = 10):
        return []

    app.include_router(router)

    def add_late_route():
        @app.post("/late", status_code=201)
        def late(item: Item) -> Item:
            return item

    def grow_router():
        @router.get("/{thing_id}")
        def thing(thing_id: int, verbose: Annotated[bool, fw.Query()] = False):
            return {}

    return app, [
        get("/openapi.json", "initial document"),
        do(add_late_route, "add a route to the app"),
        get("/openapi.json", "the new route is documented"),
        do(grow_router, "add a route to the included router"),
        get("/openapi.json", "the router's new route is documented with its prefix and tags"),
    ]


@cases.add
def overrides_do_not_change_the_document(fw):
    app = fw.FastAPI()

    def token(x_token: Annotated[str, fw.Header()]):
        return x_token

    @app.get("/secured")
    def secured(value: Annotated[str, fw.Depends(token)]):
        return {"value": value}

    def override():
        app.dependency_overrides[token] = lambda: "fake"

    return app, [
        get("/openapi.json", "documents the header"),
        do(override, "override the dependency"),
        get("/secured", "served with the override"),
        get("/openapi.json", "still documents the declared header"),
    ]


test_openapi = cases.make_test()
