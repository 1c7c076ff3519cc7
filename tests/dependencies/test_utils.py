"""`zephyr.dependencies.utils`: FastAPI's dependency helpers, answered by Zephyr's engine."""

import warnings
from contextlib import AsyncExitStack
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticUndefined
from starlette.datastructures import FormData, Headers, QueryParams
from starlette.requests import Request

from zephyr import Body, Cookie, Depends, FastAPI, Form, Header, Query, Security
from zephyr.dependencies.utils import (
    get_dependant,
    get_flat_dependant,
    get_flat_params,
    get_typed_annotation,
    multipart_incorrect_install_error,
    multipart_not_installed_error,
    request_body_to_args,
    request_params_to_args,
    solve_dependencies,
)


def request_for(path: str, query: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None):
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query,
        "headers": headers or [],
        "path_params": {},
    }
    return Request(scope)


def test_request_params_to_args_validates_like_a_request() -> None:
    def endpoint(page: int, tags: Annotated[list[str], Query()] = [], q: str | None = None):
        return page  # pragma: no cover

    dependant = get_dependant(path="/", call=endpoint)
    received = QueryParams("page=2&tags=a&tags=b")
    values, errors = request_params_to_args(dependant.query_params, received)
    assert errors == []
    assert values == {"page": 2, "tags": ["a", "b"], "q": None}

    values, errors = request_params_to_args(dependant.query_params, QueryParams("page=x"))
    assert [(e["type"], e["loc"], e["input"]) for e in errors] == [
        ("int_parsing", ("query", "page"), "x")
    ]


def test_request_params_to_args_reads_headers_and_cookies() -> None:
    def endpoint(
        user_agent: Annotated[str, Header()],
        session: Annotated[str | None, Cookie()] = None,
    ):
        return user_agent  # pragma: no cover

    dependant = get_dependant(path="/", call=endpoint)
    headers = Headers(raw=[(b"user-agent", b"tests")])
    assert request_params_to_args(dependant.header_params, headers) == ({"user_agent": "tests"}, [])
    # A plain mapping works too (header names are matched case-insensitively).
    assert request_params_to_args(dependant.header_params, {"User-Agent": "dict"})[0] == {
        "user_agent": "dict"
    }
    assert request_params_to_args(dependant.cookie_params, {"session": "abc"}) == (
        {"session": "abc"},
        [],
    )


def test_parameter_model_keeps_extras_for_the_model() -> None:
    class Filters(BaseModel):
        model_config = ConfigDict(extra="allow")
        limit: int = 10

    def endpoint(filters: Annotated[Filters, Query()]):
        return filters  # pragma: no cover

    dependant = get_dependant(path="/", call=endpoint)
    values, errors = request_params_to_args(
        dependant.query_params, QueryParams("limit=5&color=red&color=blue")
    )
    assert errors == []
    assert values["filters"].limit == 5
    assert values["filters"].model_extra == {"color": ["red", "blue"]}


@pytest.mark.anyio
async def test_request_body_to_args_single_embedded_and_form() -> None:
    class Item(BaseModel):
        name: str

    def single(item: Item):
        return item  # pragma: no cover

    def embedded(item: Item, count: Annotated[int, Body()]):
        return item  # pragma: no cover

    def form(name: Annotated[str, Form()], tags: Annotated[list[str], Form()] = []):
        return name  # pragma: no cover

    fields = get_dependant(path="/", call=single).body_params
    values, errors = await request_body_to_args(fields, {"name": "x"}, embed_body_fields=False)
    assert errors == [] and values["item"] == Item(name="x")
    # The same field, embedded: the body is an object keyed by the parameter name.
    values, errors = await request_body_to_args(
        fields, {"item": {"name": "y"}}, embed_body_fields=True
    )
    assert errors == [] and values["item"] == Item(name="y")

    fields = get_dependant(path="/", call=embedded).body_params
    values, errors = await request_body_to_args(fields, {"item": {"name": "z"}}, True)
    assert [(e["type"], e["loc"]) for e in errors] == [("missing", ("body", "count"))]

    fields = get_dependant(path="/", call=form).body_params
    received = FormData([("name", "n"), ("tags", "a"), ("tags", "b")])
    values, errors = await request_body_to_args(fields, received, embed_body_fields=True)
    assert errors == [] and values == {"name": "n", "tags": ["a", "b"]}

    fields = get_dependant(path="/", call=single).body_params
    values, errors = await request_body_to_args(fields, PydanticUndefined, False)
    assert [(e["type"], e["loc"]) for e in errors] == [("missing", ("body",))]


@pytest.mark.anyio
async def test_solve_dependencies_runs_the_tree_but_not_the_root() -> None:
    events: list[str] = []

    async def session():
        events.append("open")
        yield "session"
        events.append("close")

    def user(token: Annotated[str, Header()], db: Annotated[str, Depends(session)]) -> str:
        return f"{token}@{db}"

    def endpoint(current: Annotated[str, Depends(user)], page: int = 1) -> None:
        raise AssertionError("the root callable is not called")  # pragma: no cover

    dependant = get_dependant(path="/items", call=endpoint)
    request = request_for("/items", b"page=3", [(b"token", b"t")])
    async with AsyncExitStack() as stack:
        solved = await solve_dependencies(
            request=request, dependant=dependant, async_exit_stack=stack, embed_body_fields=False
        )
        assert solved.errors == []
        assert solved.values == {"current": "t@session", "page": 3}
        assert events == ["open"]
    assert events == ["open", "close"]  # exits run when the caller's stack closes


@pytest.mark.anyio
async def test_solve_dependencies_reports_errors_and_applies_overrides() -> None:
    def real() -> str:
        return "real"  # pragma: no cover

    def endpoint(value: Annotated[str, Depends(real)], page: int) -> None:
        pass  # pragma: no cover

    app = FastAPI()
    app.dependency_overrides[real] = lambda: "override"
    dependant = get_dependant(path="/", call=endpoint)
    async with AsyncExitStack() as stack:
        solved = await solve_dependencies(
            request=request_for("/", b"page=x"),
            dependant=dependant,
            dependency_overrides_provider=app,
            async_exit_stack=stack,
            embed_body_fields=False,
        )
    assert [(e["type"], e["loc"]) for e in solved.errors] == [("int_parsing", ("query", "page"))]
    assert solved.values == {"value": "override"}


def test_flat_params_and_flat_dependant_cover_the_whole_tree() -> None:
    def shared(q: str) -> str:
        return q  # pragma: no cover

    def first(x_token: Annotated[str, Header()], q: Annotated[str, Depends(shared)]) -> str:
        return q  # pragma: no cover

    def endpoint(
        item_id: int,
        a: Annotated[str, Depends(first)],
        b: Annotated[str, Depends(shared)],
        user: Annotated[str, Security(shared, scopes=["me"])],
    ) -> None:
        pass  # pragma: no cover

    dependant = get_dependant(path="/items/{item_id}", call=endpoint)
    # The Security(...) use has its own cache key (its scopes), so its `q` counts again.
    assert [f.name for f in get_flat_params(dependant)] == ["item_id", "q", "q", "x_token"]
    flat = get_flat_dependant(dependant)
    assert [f.name for f in flat.query_params] == ["q", "q", "q"]
    flat = get_flat_dependant(dependant, skip_repeats=True)
    assert [f.name for f in flat.query_params] == ["q", "q"]  # Security scopes make a new key


def test_get_typed_annotation_evaluates_strings() -> None:
    assert get_typed_annotation("None", {}) is None
    assert get_typed_annotation("int", {}) is int
    assert get_typed_annotation(str, {}) is str


def test_form_routes_refuse_the_wrong_multipart_package(monkeypatch: pytest.MonkeyPatch) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy import name python-multipart still provides
        import multipart.multipart

    monkeypatch.setattr("python_multipart.__version__", "0.0.12")
    monkeypatch.delattr(multipart.multipart, "parse_options_header", raising=False)
    app = FastAPI()
    with pytest.raises(RuntimeError) as caught:

        @app.post("/")
        def login(username: Annotated[str, Form()]) -> str:
            return username  # pragma: no cover

    assert str(caught.value) == multipart_incorrect_install_error


def test_form_routes_need_multipart(monkeypatch: pytest.MonkeyPatch) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import multipart

    monkeypatch.setattr("python_multipart.__version__", "0.0.12")
    monkeypatch.delattr(multipart, "__version__", raising=False)
    app = FastAPI()
    with pytest.raises(RuntimeError) as caught:
        app.post("/")(lambda name=Form(): name)
    assert str(caught.value) == multipart_not_installed_error


def test_json_routes_do_not_need_multipart(monkeypatch: pytest.MonkeyPatch) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import multipart

    monkeypatch.setattr("python_multipart.__version__", "0.0.12")
    monkeypatch.delattr(multipart, "__version__", raising=False)
    app = FastAPI()
    app.post("/")(lambda data: Any)  # no form parameter: nothing to check
