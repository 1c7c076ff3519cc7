"""Utilities: outputs compared with FastAPI's for the same inputs."""

import copy
import warnings
from types import SimpleNamespace
from typing import Any

import fastapi.exceptions
import fastapi.utils
import pytest

from zephyr.datastructures import DefaultPlaceholder
from zephyr.exceptions import FastAPIDeprecationWarning, FastAPIError
from zephyr.utils import (
    deep_dict_update,
    generate_operation_id_for_path,
    generate_unique_id,
    get_path_param_names,
    get_value_or_default,
    is_body_allowed_for_status_code,
)

ROUTES = [
    ("read_item", "/items/{item_id}", {"GET"}, "read_item_items__item_id__get"),
    ("create_item", "/items/", {"POST"}, "create_item_items__post"),
    ("root", "/", {"DELETE"}, "root__delete"),
    ("read_file", "/files/{file_path}", {"PUT"}, "read_file_files__file_path__put"),
    ("<lambda>", "/a-b/c.d/{x}", {"PATCH"}, "_lambda__a_b_c_d__x__patch"),
    ("ünïcode", "/ßtraße", {"HEAD"}, "ünïcode_ßtraße_head"),
]


@pytest.mark.parametrize(("name", "path", "methods", "expected"), ROUTES)
def test_generate_unique_id_matches_fastapi(
    name: str, path: str, methods: set[str], expected: str
) -> None:
    route: Any = SimpleNamespace(name=name, path_format=path, methods=methods)
    assert generate_unique_id(route) == expected
    assert fastapi.utils.generate_unique_id(route) == expected


def test_generate_unique_id_multi_method_picks_like_fastapi() -> None:
    route: Any = SimpleNamespace(name="multi", path_format="/m", methods={"GET", "POST", "PUT"})
    assert generate_unique_id(route) == fastapi.utils.generate_unique_id(route)


@pytest.mark.parametrize("methods", [set(), None])
def test_generate_unique_id_without_methods_raises(methods: Any) -> None:
    route: Any = SimpleNamespace(name="orphan", path_format="/orphan", methods=methods)
    with pytest.raises(FastAPIError, match="'orphan' at '/orphan'"):
        generate_unique_id(route)


def test_generate_operation_id_for_path_is_deprecated_and_matches_fastapi() -> None:
    with pytest.warns(FastAPIDeprecationWarning, match="deprecated") as record:
        ours = generate_operation_id_for_path(name="read_item", path="/items/{id}", method="GET")
    assert record[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fastapi.exceptions.FastAPIDeprecationWarning)
        theirs = fastapi.utils.generate_operation_id_for_path(
            name="read_item", path="/items/{id}", method="GET"
        )
    assert ours == theirs == "read_item_items__id__get"


STATUS_CODES: list[int | str | None] = [
    None,
    100,
    101,
    199,
    200,
    201,
    204,
    205,
    206,
    301,
    304,
    400,
    404,
    422,
    500,
    "200",
    "204",
    "default",
    "1XX",
    "2XX",
    "3XX",
    "4XX",
    "5XX",
]


@pytest.mark.parametrize("status_code", STATUS_CODES)
def test_is_body_allowed_matches_fastapi(status_code: int | str | None) -> None:
    expected = fastapi.utils.is_body_allowed_for_status_code(status_code)
    assert is_body_allowed_for_status_code(status_code) is expected


def test_is_body_allowed_rules() -> None:
    assert not is_body_allowed_for_status_code(204)
    assert not is_body_allowed_for_status_code(304)
    assert not is_body_allowed_for_status_code(101)
    assert is_body_allowed_for_status_code(200)
    assert is_body_allowed_for_status_code("4XX")
    with pytest.raises(ValueError):
        is_body_allowed_for_status_code("abc")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", set()),
        ("/items/{item_id}", {"item_id"}),
        ("/users/{user_id}/items/{item_id}", {"user_id", "item_id"}),
        ("/files/{file_path:path}", {"file_path:path"}),
        ("/{a}{b}/{a}", {"a", "b"}),
    ],
)
def test_get_path_param_names(path: str, expected: set[str]) -> None:
    assert get_path_param_names(path) == expected
    assert fastapi.utils.get_path_param_names(path) == expected


def test_deep_dict_update_matches_fastapi() -> None:
    main = {
        "info": {"title": "API", "contact": {"name": "a"}},
        "tags": [{"name": "one"}],
        "servers": [{"url": "/"}],
        "replace": {"nested": 1},
        "scalar": 1,
    }
    update: dict[str, Any] = {
        "info": {"contact": {"email": "a@b.c"}, "version": "2"},
        "tags": [{"name": "two"}],
        "replace": "flat",
        "scalar": {"now": "dict"},
        "new": [1],
    }
    ours, theirs = copy.deepcopy(main), copy.deepcopy(main)
    deep_dict_update(ours, copy.deepcopy(update))
    fastapi.utils.deep_dict_update(theirs, copy.deepcopy(update))
    assert ours == theirs
    assert ours == {
        "info": {"title": "API", "contact": {"name": "a", "email": "a@b.c"}, "version": "2"},
        "tags": [{"name": "one"}, {"name": "two"}],
        "servers": [{"url": "/"}],
        "replace": "flat",
        "scalar": {"now": "dict"},
        "new": [1],
    }


def test_deep_dict_update_concatenates_into_new_list() -> None:
    original = [1]
    main: dict[str, Any] = {"xs": original}
    deep_dict_update(main, {"xs": [2]})
    assert main["xs"] == [1, 2]
    assert original == [1]


def test_get_value_or_default() -> None:
    first, second = DefaultPlaceholder("a"), DefaultPlaceholder("b")
    assert get_value_or_default(first, second) is first
    assert get_value_or_default(first, second, "explicit") == "explicit"
    assert get_value_or_default(first, None, "later") is None
    assert get_value_or_default(False, first) is False
    assert get_value_or_default(first) is first
