"""The classes mirror FastAPI 0.165's: names, signatures, OpenAPI models, errors.

FastAPI is imported here only as the reference to compare with (as the differential suite does).
"""

import importlib
import inspect
from typing import Any

import pytest

MODULES = [
    "security",
    "security.api_key",
    "security.base",
    "security.http",
    "security.oauth2",
    "security.open_id_connect_url",
    "security.utils",
]

# (module, class name, keyword arguments) built with both frameworks.
INSTANCES: list[tuple[str, str, dict[str, Any]]] = [
    ("http", "HTTPBase", {"scheme": "custom", "description": "d"}),
    ("http", "HTTPBasic", {}),
    (
        "http",
        "HTTPBasic",
        {"realm": "r", "scheme_name": "B", "description": "d", "auto_error": False},
    ),
    ("http", "HTTPBearer", {}),
    ("http", "HTTPBearer", {"bearerFormat": "JWT", "description": "d", "scheme_name": "J"}),
    ("http", "HTTPDigest", {"description": "d"}),
    ("api_key", "APIKeyQuery", {"name": "k"}),
    ("api_key", "APIKeyHeader", {"name": "X-K", "description": "d", "auto_error": False}),
    ("api_key", "APIKeyCookie", {"name": "c", "scheme_name": "C"}),
    ("oauth2", "OAuth2", {}),
    ("oauth2", "OAuth2", {"flows": {"implicit": {"authorizationUrl": "a"}}, "description": "d"}),
    ("oauth2", "OAuth2PasswordBearer", {"tokenUrl": "t"}),
    (
        "oauth2",
        "OAuth2PasswordBearer",
        {"tokenUrl": "t", "scopes": {"a": "A"}, "refreshUrl": "r", "description": "d"},
    ),
    ("oauth2", "OAuth2AuthorizationCodeBearer", {"authorizationUrl": "a", "tokenUrl": "t"}),
    (
        "oauth2",
        "OAuth2AuthorizationCodeBearer",
        {"authorizationUrl": "a", "tokenUrl": "t", "refreshUrl": "r", "scopes": {"s": "S"}},
    ),
    ("open_id_connect_url", "OpenIdConnect", {"openIdConnectUrl": "u", "description": "d"}),
]


def both(path: str) -> tuple[Any, Any]:
    return importlib.import_module(f"fastapi.{path}"), importlib.import_module(f"zephyr.{path}")


def public_names(module: Any) -> set[str]:
    names = getattr(module, "__all__", None)
    if names is not None:
        return set(names)
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) == module.__name__
        and (inspect.isclass(value) or inspect.isfunction(value))
    }


@pytest.mark.parametrize("path", MODULES)
def test_module_defines_the_same_names(path: str) -> None:
    fastapi_module, zephyr_module = both(path)
    for name in public_names(fastapi_module):
        assert hasattr(zephyr_module, name), f"zephyr.{path} lacks {name}"


def _exported_classes() -> list[str]:
    package = importlib.import_module("fastapi.security")
    return sorted(
        name for name, value in vars(package).items() if inspect.isclass(value) and name[0] != "_"
    )


def test_package_exports_the_same_classes() -> None:
    assert len(_exported_classes()) == 15
    assert set(_exported_classes()) <= set(importlib.import_module("zephyr.security").__all__)


@pytest.mark.parametrize("name", _exported_classes())
def test_constructor_signatures_match(name: str) -> None:
    fastapi_cls = getattr(importlib.import_module("fastapi.security"), name)
    zephyr_cls = getattr(importlib.import_module("zephyr.security"), name)
    if not inspect.isclass(fastapi_cls) or fastapi_cls.__init__ is object.__init__:
        return
    theirs = inspect.signature(fastapi_cls.__init__).parameters
    ours = inspect.signature(zephyr_cls.__init__).parameters
    assert list(ours) == list(theirs)
    for param_name, param in theirs.items():
        assert ours[param_name].kind == param.kind, param_name
        if param.default is not inspect.Parameter.empty and param_name != "flows":
            assert ours[param_name].default == param.default, param_name


@pytest.mark.parametrize(("module", "name", "kwargs"), INSTANCES)
def test_instances_match(module: str, name: str, kwargs: dict[str, Any]) -> None:
    fastapi_module, zephyr_module = both(f"security.{module}")
    theirs = getattr(fastapi_module, name)(**kwargs)
    ours = getattr(zephyr_module, name)(**kwargs)
    options: dict[str, Any] = {"mode": "json", "by_alias": True, "exclude_none": True}
    assert ours.model.model_dump(**options) == theirs.model.model_dump(**options)
    assert ours.model.model_dump(mode="json") == theirs.model.model_dump(mode="json")
    assert type(ours.model).__name__ == type(theirs.model).__name__
    assert ours.scheme_name == theirs.scheme_name
    assert ours.auto_error == theirs.auto_error
    our_error, their_error = (
        ours.make_not_authenticated_error(),
        theirs.make_not_authenticated_error(),
    )
    assert (our_error.status_code, our_error.detail, our_error.headers) == (
        their_error.status_code,
        their_error.detail,
        their_error.headers,
    )
    assert type(our_error).__mro__[1].__name__ == type(their_error).__mro__[1].__name__


def test_security_base_is_what_the_engine_checks() -> None:
    from zephyr.security import HTTPBearer, OAuth2PasswordBearer, SecurityBase

    assert isinstance(HTTPBearer(), SecurityBase)
    assert isinstance(OAuth2PasswordBearer("t"), SecurityBase)


@pytest.mark.parametrize("value", [None, "", "a", "a b", "a  b ", " a", "a\tb", "Basic  x y "])
def test_scheme_param_parsing_matches(value: str | None) -> None:
    fastapi_utils, zephyr_utils = both("security.utils")
    assert zephyr_utils.get_authorization_scheme_param(
        value
    ) == fastapi_utils.get_authorization_scheme_param(value)
