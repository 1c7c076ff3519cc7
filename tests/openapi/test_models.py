"""`zephyr.openapi.models` has FastAPI's models: names, fields, aliases, defaults, extras."""

from __future__ import annotations

import enum

import fastapi.openapi.constants as fastapi_constants
import fastapi.openapi.models as fastapi_models
import pytest
from pydantic import BaseModel

import zephyr.openapi.constants as zephyr_constants
import zephyr.openapi.models as zephyr_models


def _public_classes(module: object) -> dict[str, type]:
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, (BaseModel, enum.Enum))
        and value.__module__ == getattr(module, "__name__", "")
    }


FASTAPI_CLASSES = _public_classes(fastapi_models)


def test_same_class_names() -> None:
    assert set(_public_classes(zephyr_models)) == set(FASTAPI_CLASSES)
    for name in ("SecurityScheme", "SchemaOrBool", "SchemaType", "EmailStr"):
        assert hasattr(zephyr_models, name)


@pytest.mark.parametrize("name", sorted(FASTAPI_CLASSES))
def test_same_fields(name: str) -> None:
    expected, actual = FASTAPI_CLASSES[name], getattr(zephyr_models, name)
    if issubclass(expected, enum.Enum):
        assert [(m.name, m.value) for m in actual] == [(m.name, m.value) for m in expected]
        return
    assert list(actual.model_fields) == list(expected.model_fields)
    for field, info in expected.model_fields.items():
        mine = actual.model_fields[field]
        assert (mine.alias, mine.is_required(), repr(mine.default)) == (
            info.alias,
            info.is_required(),
            repr(info.default),
        ), field
    assert actual.model_config.get("extra") == expected.model_config.get("extra")


def test_security_models_dump_like_fastapis() -> None:
    def build(models: object) -> dict[str, object]:
        flows = models.OAuthFlows(  # type: ignore[attr-defined]
            password=models.OAuthFlowPassword(tokenUrl="token", scopes={"a": "A"}),  # type: ignore[attr-defined]
            authorizationCode=models.OAuthFlowAuthorizationCode(  # type: ignore[attr-defined]
                authorizationUrl="/auth", tokenUrl="/token"
            ),
        )
        schemes = [
            models.OAuth2(flows=flows, description="d"),  # type: ignore[attr-defined]
            models.APIKey(**{"in": models.APIKeyIn.cookie}, name="k"),  # type: ignore[attr-defined]
            models.HTTPBearer(bearerFormat="JWT"),  # type: ignore[attr-defined]
            models.HTTPBase(scheme="basic"),  # type: ignore[attr-defined]
            models.OpenIdConnect(openIdConnectUrl="/oidc", x_extra=1),  # type: ignore[attr-defined]
        ]
        return {
            type(s).__name__: s.model_dump(mode="json", by_alias=True, exclude_none=True)
            for s in schemes
        }

    assert build(zephyr_models) == build(fastapi_models)


def test_document_round_trip_matches() -> None:
    data = {
        "openapi": "3.1.0",
        "info": {"title": "x", "version": "1", "contact": {"url": "http://example.com"}},
        "servers": [{"url": "/api"}, {"url": "https://example.com"}],
        "paths": {"/": {"get": {"responses": {"200": {"description": "ok"}}, "x-y": None}}},
        "components": {"schemas": {"A": {"type": "integer", "maximum": 3, "default": None}}},
    }
    expected = fastapi_models.OpenAPI.model_validate(data).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    actual = zephyr_models.OpenAPI.model_validate(data).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    assert actual == expected


def test_constants() -> None:
    assert zephyr_constants.METHODS_WITH_BODY == fastapi_constants.METHODS_WITH_BODY
    assert zephyr_constants.REF_PREFIX == fastapi_constants.REF_PREFIX
    assert zephyr_constants.REF_TEMPLATE == fastapi_constants.REF_TEMPLATE
