"""Time OpenAPI generation of a 500-route app on FastAPI and on Zephyr, and print the ratio.

Not a test (no timing assertions in the suite): run it by hand::

    .venv/bin/python -m tests.openapi.bench_openapi [--routes 500] [--repeat 5]

Each framework builds the same app in a fresh interpreter (so caches start cold), then times
`app.openapi()` once (cold: the first document, before the app served anything) and again
`--repeat` times with `app.openapi_schema` cleared in between (warm: what a route change
costs). A third fresh interpreter per framework first starts the app (lifespan, as a server
does) and then times the first document (served: what the first `/openapi.json` pays).
"""

import argparse
import json
import subprocess
import sys
import time
from typing import Annotated, Any

from pydantic import BaseModel, Field

RESOURCES_PER_ROUTER = 5
ROUTES_PER_RESOURCE = 10


def _models(index: int) -> tuple[type[BaseModel], type[BaseModel], type[BaseModel]]:
    """Return (create, public, page) models for resource `index` (each resource its own)."""
    base = {"__module__": __name__}
    address = type(
        f"Address{index}",
        (BaseModel,),
        {**base, "__annotations__": {"street": str, "city": str, "zip": str | None}, "zip": None},
    )
    create = type(
        f"Resource{index}Create",
        (BaseModel,),
        {
            **base,
            "__annotations__": {
                "name": Annotated[str, Field(min_length=1, max_length=50)],
                "price": Annotated[float, Field(gt=0)],
                "tags": list[str],
                "address": address | None,
            },
            "tags": [],
            "address": None,
        },
    )
    public = type(
        f"Resource{index}",
        (create,),
        {**base, "__annotations__": {"id": int, "owner": str}},
    )
    page = type(
        f"Resource{index}Page",
        (BaseModel,),
        {**base, "__annotations__": {"items": list[public], "total": int}},  # type: ignore[valid-type]
    )
    return create, public, page


def _resource(fw: Any, router: Any, index: int, common: Any) -> None:
    create, public, page = _models(index)
    prefix = f"/res{index}"

    def list_items(
        limit: Annotated[int, fw.Query(ge=1, le=100)] = 10,
        offset: int = 0,
        q: str | None = None,
    ) -> page:  # type: ignore[valid-type]
        raise NotImplementedError

    def get_item(item_id: int, x_request_id: Annotated[str | None, fw.Header()] = None) -> public:  # type: ignore[valid-type]
        raise NotImplementedError

    def create_item(item: create, dep: Annotated[None, fw.Depends(common)]) -> public:  # type: ignore[valid-type]
        raise NotImplementedError

    def replace_item(item_id: int, item: create) -> public:  # type: ignore[valid-type]
        raise NotImplementedError

    def patch_item(
        item_id: int, name: Annotated[str, fw.Body()], price: Annotated[float, fw.Body()]
    ) -> public:  # type: ignore[valid-type]  # noqa: E501
        raise NotImplementedError

    def delete_item(item_id: int) -> None:
        raise NotImplementedError

    def search(
        term: Annotated[str, fw.Query(min_length=2)],
        tags: Annotated[list[str] | None, fw.Query()] = None,
    ) -> list[public]:  # type: ignore[valid-type]
        raise NotImplementedError

    def count() -> int:
        raise NotImplementedError

    def owner(item_id: int, session: Annotated[str | None, fw.Cookie()] = None) -> dict[str, str]:
        raise NotImplementedError

    def archive(item_id: int, reason: Annotated[str, fw.Body(embed=True)]) -> public:  # type: ignore[valid-type]
        raise NotImplementedError

    responses = {404: {"model": public, "description": "Not found"}}
    router.get(prefix)(list_items)
    router.get(prefix + "/{item_id}", responses=responses)(get_item)
    router.post(prefix, status_code=201)(create_item)
    router.put(prefix + "/{item_id}")(replace_item)
    router.patch(prefix + "/{item_id}")(patch_item)
    router.delete(prefix + "/{item_id}", status_code=204)(delete_item)
    router.get(prefix + "/search/")(search)
    router.get(prefix + "/count/")(count)
    router.get(prefix + "/{item_id}/owner")(owner)
    router.post(prefix + "/{item_id}/archive", deprecated=True)(archive)


def build_app(fw: Any, routes: int) -> Any:
    """Build an app with `routes` path operations, in routers of five resources each."""
    app = fw.FastAPI(title="Bench")

    def common(token: Annotated[str, fw.Header()]) -> None:
        return None

    resources = routes // ROUTES_PER_RESOURCE
    for start in range(0, resources, RESOURCES_PER_ROUTER):
        router = fw.APIRouter(tags=[f"group{start}"])
        for index in range(start, min(start + RESOURCES_PER_ROUTER, resources)):
            _resource(fw, router, index, common)
        app.include_router(router, prefix=f"/v{start}")
    return app


def measure(framework: str, routes: int, repeat: int, served: bool) -> dict[str, Any]:
    """Build the app on `framework` and time its document generation (in this process)."""
    from starlette.testclient import TestClient
    from tests.differential.harness import Framework

    app = build_app(Framework(framework), routes)
    if served:
        with TestClient(app):  # runs the lifespan: the app is ready to serve
            started = time.perf_counter()
            app.openapi()
            return {"served": time.perf_counter() - started}
    started = time.perf_counter()
    document = app.openapi()
    cold = time.perf_counter() - started
    warm = []
    for _ in range(repeat):
        app.openapi_schema = None
        started = time.perf_counter()
        app.openapi()
        warm.append(time.perf_counter() - started)
    operations = sum(len(item) for item in document["paths"].values())
    return {"cold": cold, "warm": min(warm), "operations": operations, "document": document}


def _run_child(framework: str, routes: int, repeat: int, served: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", __spec__.name if __spec__ else __name__, "--child", framework]
    command += ["--routes", str(routes), "--repeat", str(repeat)]
    command += ["--served"] if served else []
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--served", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.routes, args.repeat, args.served)))
        return
    fastapi = _run_child("fastapi", args.routes, args.repeat, False)
    zephyr = _run_child("zephyr", args.routes, args.repeat, False)
    assert fastapi["document"] == zephyr["document"], "the documents differ"
    fastapi.update(_run_child("fastapi", args.routes, args.repeat, True))
    zephyr.update(_run_child("zephyr", args.routes, args.repeat, True))
    print(f"{fastapi['operations']} operations; documents identical")
    for kind in ("cold", "warm", "served"):
        ratio = fastapi[kind] / zephyr[kind]
        print(
            f"{kind:>6}: fastapi {fastapi[kind] * 1000:8.1f} ms   "
            f"zephyr {zephyr[kind] * 1000:8.1f} ms   fastapi/zephyr = {ratio:.2f}x"
        )


if __name__ == "__main__":
    main()
