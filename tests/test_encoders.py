"""Differential tests: `zephyr.encoders.jsonable_encoder` against FastAPI 0.165's.

Every case runs both encoders on the very same object (so sets iterate in the same order) and
compares the outcomes strictly: the same types at every level (`1`, `1.0` and `True` differ), the
same dict key order, the same float bits, or the same exception type and message.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import math
import re
import sys
import uuid
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from decimal import Decimal
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
)
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import fastapi.encoders
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import (
    AnyUrl,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    NameEmail,
    RootModel,
    SecretBytes,
    SecretStr,
    computed_field,
    field_serializer,
    model_serializer,
)
from pydantic_core import PydanticUndefined, Url

import zephyr.encoders
from zephyr.encoders import jsonable_encoder

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pydantic.color import Color

    RED = Color("red")


# --------------------------------------------------------------------------- comparison helpers


def canonical(value: Any) -> Any:
    """Return a tree that compares equal only for results with the same types, order and bits."""
    if isinstance(value, dict):
        return (type(value), [(canonical(k), canonical(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value), [canonical(item) for item in value])
    if isinstance(value, float):
        return (type(value), value.hex() if math.isfinite(value) else repr(value))
    if isinstance(value, str | int | type(None)):
        return (type(value), value)
    return (type(value), repr(value))


def outcome(encoder: Callable[..., Any], obj: Any, kwargs: dict[str, Any]) -> Any:
    """Run an encoder and describe what happened: the canonical result or the exception."""
    try:
        result = encoder(obj, **kwargs)
    except RecursionError:
        return ("raised", "RecursionError")
    except Exception as exc:
        return ("raised", type(exc).__name__, str(exc))
    return ("returned", canonical(result))


def assert_same(obj: Any, **kwargs: Any) -> Any:
    expected = outcome(fastapi.encoders.jsonable_encoder, obj, kwargs)
    actual = outcome(jsonable_encoder, obj, kwargs)
    assert actual == expected
    return expected


def assert_same_fresh(make: Callable[[], Any], **kwargs: Any) -> Any:
    """Compare on two fresh objects, for inputs that are consumed (generators)."""
    expected = outcome(fastapi.encoders.jsonable_encoder, make(), kwargs)
    actual = outcome(jsonable_encoder, make(), kwargs)
    assert actual == expected
    return expected


# --------------------------------------------------------------------------- fixtures: types


class Colour(enum.Enum):
    RED = "red"
    GREEN = 2
    PAIR = (1, 2)
    DATE = datetime.date(2024, 1, 2)


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Kind(str, enum.Enum):
    A = "a"
    SA = "_sa_kind"


class Perm(enum.Flag):
    R = 4
    W = 2


class Address(BaseModel):
    street: str
    zip_code: str = Field(alias="zipCode")
    extra: dict[str, Any] = {}


class User(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    name: str
    age: int | None = None
    nick: str | None = Field(default=None, alias="nickName")
    address: Address | None = None
    tags: list[str] = []
    created: datetime.datetime | None = None
    balance: Decimal = Decimal("0")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def display(self) -> str:
        return f"{self.name} ({self.age})"


class Prices(RootModel[dict[str, Decimal]]):
    pass


class Tagged(BaseModel):
    value: int
    when: datetime.date

    @field_serializer("value")
    def show_value(self, value: int) -> str:
        return f"<{value}>"


class Custom(BaseModel):
    a: int

    @model_serializer
    def dump(self) -> dict[str, Any]:
        return {"wrapped": self.a, "_sa_state": "hidden", "none": None}


class Anything(BaseModel):
    payload: Any = None
    other: Any = None


@dataclasses.dataclass
class Point:
    x: int
    y: float
    label: str | None = None


@dataclasses.dataclass
class Shape:
    name: str
    points: list[Point]
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)
    when: datetime.datetime | None = None


@dataclasses.dataclass
class Box:
    a: Any = None
    b: Any = None


class WithDict:
    def __init__(self) -> None:
        self.a = 1
        self.when = datetime.date(2020, 1, 1)
        self._sa_instance_state = "hidden"


class PairIterable:
    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter([("k", 1), ("d", Decimal("2.5"))])


class Slotted:
    __slots__ = ("a",)

    def __init__(self) -> None:
        self.a = 1


class MyStr(str):
    pass


class MyInt(int):
    pass


class MyFloat(float):
    pass


class MyDate(datetime.date):
    pass


class MyUUID(uuid.UUID):
    pass


class MyDict(dict[Any, Any]):
    pass


class MyList(list[Any]):
    pass


def numbers() -> Iterator[Any]:
    yield 1
    yield Decimal("1.50")
    yield datetime.time(1, 2, 3)


UUID_1 = uuid.UUID("12345678-1234-5678-1234-567812345678")

# --------------------------------------------------------------------------- hand-picked cases

SCALARS: dict[str, Any] = {
    "str": "héllo \u2028 \x00",
    "empty-str": "",
    "int": 42,
    "big-int": 2**200,
    "negative": -7,
    "float": 1.5,
    "nan": math.nan,
    "inf": -math.inf,
    "neg-zero": -0.0,
    "true": True,
    "none": None,
    "str-subclass": MyStr("x"),
    "int-subclass": MyInt(3),
    "float-subclass": MyFloat(2.5),
    "undefined": PydanticUndefined,
}

TABLE_TYPES: dict[str, Any] = {
    "bytes": b"abc",
    "bytes-not-utf8": b"\xff\xfe",
    "color": RED,
    "date": datetime.date(2024, 2, 29),
    "datetime": datetime.datetime(2024, 2, 29, 12, 30, 15, 123456),
    "datetime-tz": datetime.datetime(
        2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=5))
    ),
    "time": datetime.time(23, 59, 59, 999),
    "timedelta": datetime.timedelta(days=2, seconds=3, microseconds=4),
    "negative-timedelta": datetime.timedelta(seconds=-1.5),
    "decimal-int": Decimal("10"),
    "decimal-exp": Decimal("1E+2"),
    "decimal-frac": Decimal("1.10"),
    "decimal-nan": Decimal("NaN"),
    "decimal-snan": Decimal("sNaN"),
    "decimal-inf": Decimal("-Infinity"),
    "ipv4": IPv4Address("10.0.0.1"),
    "ipv4-iface": IPv4Interface("10.0.0.1/24"),
    "ipv4-net": IPv4Network("10.0.0.0/8"),
    "ipv6": IPv6Address("::1"),
    "ipv6-iface": IPv6Interface("::1/64"),
    "ipv6-net": IPv6Network("2001:db8::/32"),
    "name-email": NameEmail("John", "john@example.com"),
    "path": Path("/tmp/x"),
    "pure-posix": PurePosixPath("a/b"),
    "pure-windows": PureWindowsPath("C:/x/y"),
    "pattern": re.compile(r"^\d+$"),
    "bytes-pattern": re.compile(rb"ab+"),
    "secret-bytes": SecretBytes(b"s3cret"),
    "secret-str": SecretStr("s3cret"),
    "uuid": UUID_1,
    "url": Url("https://example.com/a?b=1"),
    "any-url": AnyUrl("https://example.com/a"),
    "http-url": HttpUrl("http://example.com"),
    "enum": Colour.RED,
    "enum-tuple-value": Colour.PAIR,
    "enum-date-value": Colour.DATE,
    "int-enum": Level.HIGH,
    "str-enum": Kind.A,
    "flag": Perm.R | Perm.W,
    "date-subclass": MyDate(2020, 5, 6),
    "uuid-subclass": MyUUID(int=5),
}

CONTAINERS: dict[str, Any] = {
    "dict": {"a": 1, "b": [1, 2.5, None], "c": {"d": True}},
    "dict-keys": {7: "int", 2.5: "float", None: "none", True: "bool", Colour.RED: "enum"},
    "dict-key-collision": {Level.LOW: "enum", 1.5: "x", Decimal("1"): "dec"},
    "dict-date-keys": {datetime.date(2020, 1, 1): 1, UUID_1: 2},
    "dict-tuple-key": {(1, 2): "unhashable once encoded"},
    "dict-sa-keys": {"_sa_instance_state": 1, "_sa": 2, "sa": 3, "_s": 4, MyStr("_sax"): 5},
    "dict-str-enum-sa-key": {Kind.SA: 1, Kind.A: 2},
    "dict-none-values": {"a": None, "b": {"c": None}},
    "ordered-dict": OrderedDict([("z", 1), ("a", 2)]),
    "dict-subclass": MyDict(a=MyList([1, (2, 3)])),
    "list": [1, "a", None, [2.5, [True]]],
    "tuple": (1, (2, (3,))),
    "set": {1, 2, 3, "a"},
    "frozenset": frozenset({"x", "y"}),
    "deque": deque([1, Decimal("2")]),
    "list-subclass": MyList([1, 2]),
    "list-of-dates": [datetime.date(2020, 1, d) for d in range(1, 4)],
    "mixed": [UUID_1, {"k": (Decimal("1.5"), datetime.timedelta(1))}, {b"x"}],
    "empty": [{}, [], (), set()],
}

MODELS: dict[str, Any] = {
    "model": User(
        name="Ann",
        age=3,
        nickName="a",
        address=Address(street="Main", zipCode="123", extra={"_sa_x": 1, "n": None}),
        tags=["x", "y"],
        created=datetime.datetime(2020, 1, 1, 12, 0),
        balance=Decimal("12.50"),
    ),
    "model-defaults": User(name="Bob"),
    "root-model": Prices({"a": Decimal("1.5"), "b": Decimal("2")}),
    "field-serializer": Tagged(value=3, when=datetime.date(2020, 1, 1)),
    "model-serializer": Custom(a=1),
    "any-payload": Anything(payload={"x": {1, 2}, "y": Decimal("1.5"), "z": b"b"}),
    "any-nan": Anything(payload=math.nan, other=math.inf),
    "any-unknown": Anything(payload=object()),
    "list-of-models": [User(name="A"), Address(street="S", zipCode="Z")],
    "dict-of-models": {"u": User(name="C"), "none": None},
    "dataclass": Shape(
        name="tri",
        points=[Point(0, 0.5), Point(1, 1.5, "b")],
        meta={"_sa_meta": 1, "when": datetime.date(2021, 1, 1), "none": None},
        when=datetime.datetime(2021, 1, 1),
    ),
    "dataclass-with-model": Box(a=User(name="D"), b={Kind.A: Level.LOW}),
    "object-with-dict": WithDict(),
    "pair-iterable": PairIterable(),
}

ERRORS: dict[str, Any] = {
    "object": object(),
    "slotted": Slotted(),
    "type": int,
    "function": len,
}


def all_cases() -> dict[str, Any]:
    return {**SCALARS, **TABLE_TYPES, **CONTAINERS, **MODELS, **ERRORS}


OPTION_SETS: list[dict[str, Any]] = [
    {},
    {"by_alias": False},
    {"exclude_unset": True},
    {"exclude_defaults": True},
    {"exclude_none": True},
    {"sqlalchemy_safe": False},
    {"include": {"name", "a", "b", "address"}},
    {"exclude": {"age", "a", "tags"}},
    {"include": ["name", "a"], "exclude": ("a",)},
    {"include": {"address": {"street"}, "name": True}},
    {"custom_encoder": {datetime.date: lambda d: f"D:{d}"}},
    {"custom_encoder": {int: lambda i: i * 10, str: str.upper}},
    {"custom_encoder": {BaseModel: lambda m: "model", dict: lambda d: len(d)}},
    {"custom_encoder": {}},
]


@pytest.mark.parametrize("name", sorted(all_cases()))
def test_hand_picked_default_options(name: str) -> None:
    assert_same(all_cases()[name])


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda o: repr(sorted(o)))
@pytest.mark.parametrize("name", sorted(CONTAINERS.keys() | MODELS.keys()))
def test_hand_picked_with_options(name: str, options: dict[str, Any]) -> None:
    assert_same(all_cases()[name], **options)


@pytest.mark.parametrize("options", [{}, {"exclude_none": True}, {"include": {0}}])
def test_generators_are_encoded_like_lists(options: dict[str, Any]) -> None:
    result = assert_same_fresh(numbers, **options)
    assert result[0] == "returned"
    assert_same_fresh(lambda: (x for x in [{"a": 1}, (2,)]), **options)


def test_dataclass_type_is_rejected() -> None:
    # FastAPI fails an `assert`; the exception type is what callers could observe.
    with pytest.raises(AssertionError):
        fastapi.encoders.jsonable_encoder(Point)
    with pytest.raises(AssertionError, match="Point"):
        jsonable_encoder(Point)


def test_unencodable_object_reports_both_errors() -> None:
    with pytest.raises(ValueError) as info:
        jsonable_encoder(object())
    errors = info.value.args[0]
    assert [type(e) for e in errors] == [TypeError, TypeError]
    assert info.value.__cause__ is errors[1]


def test_invalid_include_raises_like_fastapi() -> None:
    assert assert_same({"a": 1}, include=5)[0] == "raised"
    # A matching custom encoder runs before include is looked at.
    assert_same({"a": 1}, include=5, custom_encoder={dict: len})


def test_custom_encoder_mapping_to_none_fails_like_fastapi() -> None:
    assert assert_same(1, custom_encoder={int: None})[0] == "raised"


def test_non_bool_flags_reach_pydantic_unchanged() -> None:
    assert_same(User(name="x"), by_alias=1)
    assert_same([User(name="x")], exclude_none=0)


def test_pydantic_v1_model_is_rejected() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pydantic import v1

    class Legacy(v1.BaseModel):
        a: int = 1

    with pytest.raises(zephyr.encoders.PydanticV1NotSupportedError, match="pydantic.v1"):
        jsonable_encoder(Legacy())
    assert_same(Legacy())


def test_deep_nesting_matches() -> None:
    value: Any = "leaf"
    for _ in range(200):
        value = [{"k": value}, (1.5,)]
    expected = fastapi.encoders.jsonable_encoder(value)
    actual = jsonable_encoder(value)
    # `canonical` would recurse too deep itself; JSON text pins types and order here.
    assert json.dumps(actual) == json.dumps(expected)


def deepest_encodable(encoder: Callable[..., Any], wrap: Callable[[Any], Any], **kw: Any) -> int:
    """Return the deepest nesting `encoder` handles before RecursionError (binary search)."""
    low, high = 1, 5000
    while low < high:
        middle = (low + high + 1) // 2
        value: Any = 1
        for _ in range(middle):
            value = wrap(value)
        try:
            encoder(value, **kw)
        except RecursionError:
            high = middle - 1
        else:
            low = middle
    return low


@pytest.mark.parametrize("options", [{}, {"exclude_none": True}])
@pytest.mark.parametrize(
    "wrap",
    [lambda v: [v, "x"], lambda v: {"k": v, "f": 1.5}, lambda v: (v, datetime.date(2020, 1, 1))],
    ids=["list", "dict", "tuple"],
)
def test_recursion_limit_is_reached_at_fastapi_depth(
    wrap: Callable[[Any], Any], options: dict[str, Any]
) -> None:
    # One frame per nesting level, as FastAPI's encoder: the limits differ by a frame or two.
    theirs = deepest_encodable(fastapi.encoders.jsonable_encoder, wrap, **options)
    ours = deepest_encodable(jsonable_encoder, wrap, **options)
    assert abs(ours - theirs) <= 3, (ours, theirs)


def test_cycle_raises_recursion_error() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    assert assert_same(cycle) == ("raised", "RecursionError")


def test_result_is_a_fresh_copy() -> None:
    data = {"a": [1, 2], "b": {"c": "d"}}
    result = jsonable_encoder(data)
    assert result == data
    assert result is not data
    assert result["a"] is not data["a"]
    assert result["b"] is not data["b"]


def test_tables_have_fastapi_shape() -> None:
    def names(types: Any) -> list[str]:
        # By name: without pydantic-extra-types each library defines its own PyExtraColor.
        return [t.__name__ for t in types]

    assert names(zephyr.encoders.ENCODERS_BY_TYPE) == names(fastapi.encoders.ENCODERS_BY_TYPE)
    ours = zephyr.encoders.encoders_by_class_tuples.values()
    theirs = fastapi.encoders.encoders_by_class_tuples.values()
    assert [names(group) for group in ours] == [names(group) for group in theirs]
    assert zephyr.encoders.generate_encoders_by_class_tuples(
        {int: str, bool: str, float: repr}
    ) == {
        str: (int, bool),
        repr: (float,),
    }


@pytest.mark.parametrize(
    "value", [Decimal("1"), Decimal("1.0"), Decimal("-3E+2"), Decimal("NaN"), Decimal("0.001")]
)
def test_decimal_encoder_matches(value: Decimal) -> None:
    ours = zephyr.encoders.decimal_encoder(value)
    theirs = fastapi.encoders.decimal_encoder(value)
    assert canonical(ours) == canonical(theirs)


def test_isoformat() -> None:
    assert zephyr.encoders.isoformat(datetime.time(1, 2)) == "01:02:00"
    assert zephyr.encoders.isoformat(datetime.date(2020, 1, 2)) == "2020-01-02"


class Token:
    def __init__(self, value: str) -> None:
        self.value = value


def test_patched_table_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (zephyr.encoders, fastapi.encoders):
        monkeypatch.setitem(module.ENCODERS_BY_TYPE, Token, lambda t: f"token:{t.value}")
        # Overriding a built-in entry must reach the default fast path too.
        monkeypatch.setitem(module.ENCODERS_BY_TYPE, uuid.UUID, lambda u: u.hex)
        monkeypatch.setitem(module.ENCODERS_BY_TYPE, datetime.date, lambda d: d.toordinal())
    value = {"t": Token("x"), "u": [UUID_1], "d": datetime.date(2020, 1, 1)}
    result = assert_same(value)
    assert jsonable_encoder(value)["t"] == "token:x"
    assert jsonable_encoder(value)["u"] == [UUID_1.hex]
    assert result[0] == "returned"


def test_reassigned_class_tuples_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    class Sub(Token):
        pass

    for module in (zephyr.encoders, fastapi.encoders):
        table = {**module.ENCODERS_BY_TYPE, Token: lambda t: f"token:{t.value}"}
        monkeypatch.setattr(module, "ENCODERS_BY_TYPE", table)
        monkeypatch.setattr(
            module, "encoders_by_class_tuples", module.generate_encoders_by_class_tuples(table)
        )
    assert jsonable_encoder([Sub("s")]) == ["token:s"]
    assert_same([Sub("s")])


# --------------------------------------------------------------------------- property-based


class Item(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    name: str = Field(default="item", alias="itemName")
    value: Any = None
    count: int = 0
    tags: list[Any] = []


@dataclasses.dataclass
class Pair:
    left: Any
    right: Any = None


KEYS = ["a", "b", "name", "itemName", "value", "_sa_state", "_sa", "count", "tags", "left"]

hashable_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(KEYS),
    st.dates(),
    st.datetimes(timezones=st.none() | st.timezones()),
    st.times(),
    st.timedeltas(),
    st.decimals(allow_nan=True, allow_infinity=True).filter(lambda d: not d.is_snan()),
    st.uuids(),
    st.sampled_from([*Colour, *Level, *Kind]),
    st.binary(max_size=4),
)

# A signaling NaN cannot be hashed, so it is only generated where no set or key needs it.
scalars = hashable_scalars | st.just(Decimal("sNaN"))


def containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.sets(hashable_scalars, max_size=4),
        st.frozensets(hashable_scalars, max_size=3),
        st.dictionaries(st.sampled_from(KEYS) | hashable_scalars, children, max_size=4),
        st.builds(
            Item,
            itemName=st.text(max_size=4),
            value=children,
            count=st.integers(-5, 5),
            tags=st.lists(children, max_size=2),
        ),
        st.builds(Item, value=children),
        st.builds(Pair, children, children),
        st.builds(Pair, children),
    )


values = st.recursive(scalars, containers, max_leaves=12)

CUSTOM_ENCODERS: list[dict[Any, Callable[[Any], Any]] | None] = [
    None,
    {},
    {datetime.date: lambda d: "a date"},
    {Decimal: str, enum.Enum: lambda e: e.name},
    {int: lambda i: -i},
    {Pair: lambda p: "pair"},
]

options = st.fixed_dictionaries(
    {},
    optional={
        "include": st.none() | st.sets(st.sampled_from(KEYS), max_size=3),
        "exclude": st.none() | st.sets(st.sampled_from(KEYS), max_size=3),
        "by_alias": st.booleans(),
        "exclude_unset": st.booleans(),
        "exclude_defaults": st.booleans(),
        "exclude_none": st.booleans(),
        "sqlalchemy_safe": st.booleans(),
        "custom_encoder": st.sampled_from(CUSTOM_ENCODERS),
    },
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=values, kwargs=options)
def test_matches_fastapi_on_generated_values(value: Any, kwargs: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        # Pydantic warns when an `Any` field holds something odd; both sides see the same.
        warnings.simplefilter("ignore")
        assert_same(value, **kwargs)


@settings(max_examples=300, deadline=None)
@given(value=values)
def test_matches_fastapi_on_generated_values_default_options(value: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(value)


def test_module_exports() -> None:
    for name in [
        "ENCODERS_BY_TYPE",
        "decimal_encoder",
        "encoders_by_class_tuples",
        "generate_encoders_by_class_tuples",
        "isoformat",
        "jsonable_encoder",
        "Color",
        "PyExtraColor",
    ]:
        assert hasattr(zephyr.encoders, name), name
    assert zephyr.encoders.Color is fastapi.encoders.Color
    assert "fastapi" not in sys.modules["zephyr.encoders"].__dict__
