"""The document's building blocks: shared schema adapters, reachable models, null stripping."""

from __future__ import annotations

import enum
from typing import Annotated, Any

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

from zephyr import Query
from zephyr._openapi.document import strip_nulls
from zephyr._openapi.schemas import FieldSchemas, flat_models, schema_adapter
from zephyr._pipeline.fields import ModelField


def _field(annotation: Any, info: FieldInfo, name: str = "x") -> ModelField:
    info.annotation = annotation
    return ModelField(field_info=info, name=name)


def test_equal_declarations_share_one_adapter() -> None:
    first = _field(int, Query(default=1, ge=0))
    second = _field(int, Query(default=1, ge=0))
    assert schema_adapter(first) is schema_adapter(second)


def test_defaults_of_different_types_do_not_share() -> None:
    as_int = _field(float, Query(default=1))
    as_float = _field(float, Query(default=1.0))
    as_bool = _field(float, Query(default=True))
    adapters = {id(schema_adapter(f)) for f in (as_int, as_float, as_bool)}
    assert len(adapters) == 3


def test_unhashable_declarations_still_get_an_adapter() -> None:
    field = _field(list[int], Query(default=[1, 2], json_schema_extra={"x": [1]}))
    assert schema_adapter(field).json_schema()["default"] == [1, 2]


class Leaf(enum.Enum):
    a = "a"


class Inner(BaseModel):
    leaf: Leaf


class Outer(BaseModel):
    inners: list[Inner]
    mapping: dict[str, Annotated[Inner, Field(description="x")]] = {}


def test_reachable_models_follow_fields_and_generic_arguments() -> None:
    field = _field(Outer | None, FieldInfo())
    assert flat_models([field]) == {Outer, Inner, Leaf}


def test_field_schemas_title_non_references_after_the_alias() -> None:
    plain = _field(int, Query(alias="item-count"), name="item_count")
    model = _field(Outer, FieldInfo(), name="body")
    schemas = FieldSchemas([plain, model], separate_input_output=True)
    assert schemas.schema(plain) == {"type": "integer", "title": "Item-Count"}
    assert schemas.schema(model) == {"$ref": "#/components/schemas/Outer"}
    assert set(schemas.definitions) == {"Outer", "Inner", "Leaf"}


def test_strip_nulls_drops_none_values_in_dicts_only() -> None:
    data = {"a": None, "b": [None, {"c": None, "d": 1}], "_sa_state": 1, "e": {"f": None}}
    assert strip_nulls(data) == {"b": [None, {"d": 1}], "e": {}}
