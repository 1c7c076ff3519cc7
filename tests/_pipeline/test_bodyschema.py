"""Which body schemas may be validated straight from JSON bytes."""

from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

import pytest
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from zephyr._pipeline.bodyschema import json_direct_safe


class Nested(BaseModel):
    when: datetime
    amount: Decimal
    ids: list[UUID]


class WithUnionOfModels(BaseModel):
    value: Nested | None
    kind: Literal["a", "b"] | int


class Base64Bytes(BaseModel):
    model_config = ConfigDict(val_json_bytes="base64")
    data: bytes


class StrictModel(BaseModel):
    model_config = ConfigDict(strict=True)
    count: int


@pytest.mark.parametrize(
    "annotation",
    [Nested, list[Nested], dict[str, int], WithUnionOfModels, int | None, str | int],
)
def test_schemas_where_both_modes_agree_are_direct(annotation: object) -> None:
    assert json_direct_safe(TypeAdapter(annotation).core_schema)


@pytest.mark.parametrize(
    "annotation",
    [datetime | str, UUID | str, str | Decimal, Base64Bytes, StrictModel, list[datetime | str]],
)
def test_schemas_where_json_mode_could_differ_are_not(annotation: object) -> None:
    assert not json_direct_safe(TypeAdapter(annotation).core_schema)


def test_strict_field_is_not_direct() -> None:
    class Model(BaseModel):
        when: datetime = Field(strict=True)

    assert not json_direct_safe(TypeAdapter(Model).core_schema)
