"""Request body limits (`max_body_size`) and form parsing limits (`form_limits`)."""

import tracemalloc
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
import httpx
import pydantic
import pytest

from zephyr import APIRouter, Body, FastAPI, Form, Request, UploadFile
from zephyr.testclient import TestClient

pytestmark = pytest.mark.anyio


async def echo(request: Request) -> Any:
    return len(await request.body())


def body_app(**app_options: Any) -> FastAPI:
    app = FastAPI(**app_options)

    @app.post("/")
    def read(data: Annotated[bytes, Body(media_type="application/octet-stream")]) -> int:
        return len(data)

    return app


class Chunks:
    """An upload stream that records how much of itself the server pulled."""

    def __init__(self, chunk: bytes, count: int) -> None:
        self.chunk = chunk
        self.count = count
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.count):
            self.sent += len(self.chunk)
            yield self.chunk


async def post(app: FastAPI, body: Any, path: str = "/", **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        with anyio.fail_after(30):
            return await client.post(path, content=body, headers=headers)


async def test_a_body_over_the_limit_gets_413_with_fastapis_body() -> None:
    app = body_app(max_body_size=5)
    assert (await post(app, b"12345")).json() == 5
    # Streamed (no Content-Length): the app's HTTPException handler answers.
    response = await post(app, Chunks(b"123", 2))
    assert response.status_code == 413
    assert response.json() == {"detail": "Content Too Large"}
    # A Content-Length over the limit: Starlette's limiter answers in plain text, as in FastAPI.
    declared = await post(app, b"123456")
    assert (declared.status_code, declared.text) == (413, "Content Too Large")


async def test_the_limit_is_enforced_while_streaming_so_memory_stays_bounded() -> None:
    limit = 1024 * 1024
    app = body_app(max_body_size=limit)
    upload = Chunks(b"x" * 65536, 1600)  # 100 MiB offered, streamed without Content-Length
    tracemalloc.start()
    try:
        response = await post(app, upload)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 413
    assert upload.sent <= limit + 2 * len(upload.chunk)  # reading stopped at the limit
    assert peak < 20 * 1024 * 1024


async def test_declared_content_length_over_the_limit_is_refused_before_reading() -> None:
    app = body_app(max_body_size=10)
    upload = Chunks(b"x" * 5, 100)
    response = await post(app, upload, **{"content-length": "500"})
    assert response.status_code == 413
    assert upload.sent <= 5


@pytest.mark.parametrize(
    ("app_limit", "router_limit", "route_limit", "expected"),
    [
        (None, None, None, 200),
        (5, None, None, 413),
        (5, 10, None, 200),  # a router's default overrides the app's
        (10, 5, None, 413),
        (10, 5, 10, 200),  # a route's own limit overrides its router's
        (10, 10, 5, 413),
        (10, 10, 0, 413),
    ],
)
async def test_the_most_specific_limit_wins(
    app_limit: int | None, router_limit: int | None, route_limit: int | None, expected: int
) -> None:
    router = APIRouter(max_body_size=router_limit)
    router.post("/", max_body_size=route_limit)(echo)
    app = FastAPI(max_body_size=app_limit)
    app.include_router(router, prefix="/r")
    assert (await post(app, b"123456", "/r/")).status_code == expected


async def test_include_router_can_set_a_limit_for_that_inclusion_only() -> None:
    router = APIRouter()
    router.post("/")(echo)
    app = FastAPI()
    app.include_router(router, prefix="/open")
    app.include_router(router, prefix="/small", max_body_size=3)
    assert (await post(app, b"123456", "/open/")).status_code == 200
    assert (await post(app, b"123456", "/small/")).status_code == 413


async def test_a_mounted_app_shares_and_may_override_the_parents_limit() -> None:
    inherits = FastAPI()
    inherits.post("/")(echo)
    overrides = FastAPI(max_body_size=10)
    overrides.post("/")(echo)
    app = FastAPI(max_body_size=5)
    app.mount("/inherits", inherits)
    app.mount("/overrides", overrides)
    assert (await post(app, b"123456", "/inherits/")).status_code == 413
    assert (await post(app, b"123456", "/overrides/")).status_code == 200


@pytest.mark.parametrize("value", [-1, True, 1.5, "5"])
def test_invalid_limits_fail_at_declaration(value: Any) -> None:
    with pytest.raises(ValueError, match="non-negative integer"):
        FastAPI(max_body_size=value)
    with pytest.raises(ValueError, match="non-negative integer"):
        APIRouter().post("/", max_body_size=value)(echo)
    with pytest.raises(ValueError, match="non-negative integer"):
        FastAPI().include_router(APIRouter(), max_body_size=value)


def form_app(**limits: Any) -> FastAPI:
    app = FastAPI(form_limits=limits)

    @app.post("/")
    def read(a: Annotated[str, Form()], files: list[UploadFile] | None = None) -> int:
        return len(a) + len(files or [])

    return app


def test_form_limits_apply_to_fields_files_and_part_size() -> None:
    # For urlencoded fields, the name counts towards the part size too ("a" + "abcd").
    client = TestClient(form_app(max_fields=1, max_files=1, max_part_size=5))
    assert client.post("/", data={"a": "abcd"}).json() == 4
    fields = client.post("/", data={"a": "a", "b": "b"})
    assert (fields.status_code, fields.json()) == (
        400,
        {"detail": "Too many fields. Maximum number of fields is 1."},
    )
    two_files = [("files", ("1.txt", b"1")), ("files", ("2.txt", b"2"))]
    files = client.post("/", data={"a": "a"}, files=two_files)
    assert (files.status_code, files.json()) == (
        400,
        {"detail": "Too many files. Maximum number of files is 1."},
    )
    big = client.post("/", files={"a": (None, "abcdef")})
    assert big.status_code == 400
    assert big.json()["detail"].startswith("Part exceeded maximum size")


def test_route_form_limits_override_the_apps_key_by_key() -> None:
    app = FastAPI(form_limits={"max_fields": 1, "max_part_size": 100})

    @app.post("/", form_limits={"max_fields": 2})
    def read(a: Annotated[str, Form()], b: Annotated[str, Form()]) -> str:
        return a + b

    client = TestClient(app)
    assert client.post("/", data={"a": "x", "b": "y"}).json() == "xy"
    too_big = client.post("/", data={"a": "x" * 101, "b": "y"})
    assert too_big.status_code == 400


def test_invalid_form_limits_fail_at_declaration() -> None:
    with pytest.raises(pydantic.ValidationError):
        FastAPI(form_limits={"max_fields": -1})
    with pytest.raises(pydantic.ValidationError):
        APIRouter(form_limits={"max_feilds": 3})  # type: ignore[typeddict-unknown-key]
