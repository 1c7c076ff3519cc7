"""`dumps_jsonable` against FastAPI's body for an endpoint without a response model.

The reference is exactly what FastAPI 0.165 sends: `JSONResponse(jsonable_encoder(content)).body`
with FastAPI's own encoder and Starlette's `JSONResponse`. Results must be the same bytes, or the
same exception type and message.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import math
import random
import struct
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import fastapi.encoders
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from starlette.responses import JSONResponse

from zephyr._pipeline import jsonenc
from zephyr._pipeline.jsonenc import dumps_jsonable


def fastapi_body(content: Any) -> bytes:
    return bytes(JSONResponse(fastapi.encoders.jsonable_encoder(content)).body)


def outcome(render: Callable[[Any], bytes], content: Any) -> tuple[str, ...]:
    try:
        return ("returned", repr(render(content)))
    except RecursionError:
        return ("raised", "RecursionError")
    except Exception as exc:
        return ("raised", type(exc).__name__, str(exc))


def assert_same_body(content: Any) -> tuple[str, ...]:
    expected = outcome(fastapi_body, content)
    assert outcome(dumps_jsonable, content) == expected
    return expected


# --------------------------------------------------------------------------- inputs


class Status(enum.Enum):
    OK = "ok"
    CODE = 7
    ODD = object()


class Label(str):
    pass


class Count(int):
    pass


class Ratio(float):
    pass


class Row(BaseModel):
    id: int
    name: str
    score: float | None = None
    extra: dict[str, Any] = {}


@dataclasses.dataclass
class Cell:
    value: Any
    when: datetime.datetime | None = None


FLOAT_EDGES = [
    0.0,
    -0.0,
    5e-324,
    -2.2250738585072014e-308,
    1e-10,
    1e-9,
    1.5e-7,
    1e-5,
    math.nextafter(1e-4, 0.0),
    1e-4,
    math.nextafter(1e-4, 1.0),
    0.1 + 0.2,
    1.0,
    2.0**53 + 2,
    1e15,
    9999999999999998.0,
    1e16,
    1.2345678901234567e22,
    1.7976931348623157e308,
    math.nan,
    math.inf,
    -math.inf,
]

SPECIAL_CHARS = list('\x00\x01\x08\x0c\x1f\x7f\x80\xa0\u2028\u2029\ufeff"\\/\n\r\t\ud800\udfff')

characters = st.characters(exclude_categories=()) | st.sampled_from(SPECIAL_CHARS)
texts = st.text(characters, max_size=12)
clean_texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
keys = st.one_of(
    clean_texts,
    texts,
    st.sampled_from(["_sa", "_sa_instance_state", "\x00_sa", "id", "name"]),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
)
floats = st.floats() | st.sampled_from(FLOAT_EDGES) | st.floats(min_value=-1e-3, max_value=1e-3)
ints = (
    st.integers()
    | st.integers(min_value=-(2**300), max_value=2**300)
    | st.sampled_from([2**64 - 1, 2**64, -(2**64)])
    # Around the default limit of 4300 digits (built lazily: such ints have no repr).
    | st.sampled_from([4299, 4300, 4301]).map(lambda digits: 10**digits - 1)
)
native_scalars = st.one_of(st.none(), st.booleans(), ints, floats, clean_texts, texts)
other_scalars = st.one_of(
    st.dates(),
    st.datetimes(),
    st.decimals(allow_nan=False),
    st.uuids(),
    st.sampled_from([Status.OK, Status.CODE, Status.ODD]),
    clean_texts.map(Label),
    st.integers().map(Count),
    floats.map(Ratio),
)


def native_containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=5),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(clean_texts, children, max_size=5),
        st.dictionaries(keys, children, max_size=4),
    )


def any_containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        native_containers(children),
        st.sets(st.integers() | clean_texts, max_size=3),
        st.builds(
            Row,
            id=st.integers(-(2**40), 2**40),
            name=clean_texts,
            score=st.none() | st.floats(),
            extra=st.dictionaries(clean_texts, children, max_size=2),
        ),
        st.builds(Cell, children, st.none() | st.datetimes()),
    )


native_values = st.recursive(native_scalars, native_containers, max_leaves=20)
any_values = st.recursive(native_scalars | other_scalars, any_containers, max_leaves=20)


# --------------------------------------------------------------------------- property tests


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(native_values)
def test_native_values_render_like_fastapi(content: Any) -> None:
    assert_same_body(content)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_values)
def test_any_values_render_like_fastapi(content: Any) -> None:
    assert_same_body(content)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.floats(), max_size=30))
def test_floats_of_every_magnitude(values: list[float]) -> None:
    assert_same_body(values)
    assert_same_body({"v": values[0] if values else 0.5})


# Built from code points, because Hypothesis merges character strategies and then rarely draws
# from the surrogate block.
surrogate_heavy = st.lists(
    st.integers(0xD800, 0xDFFF).map(chr) | st.integers(0, 0x1F).map(chr) | characters, max_size=6
).map("".join)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(surrogate_heavy, max_size=4)
    | st.dictionaries(surrogate_heavy, surrogate_heavy | st.integers(), max_size=3)
)
def test_strings_with_controls_and_surrogates(content: Any) -> None:
    assert_same_body(content)


# --------------------------------------------------------------------------- exhaustive checks


def test_every_code_point_escapes_like_fastapi() -> None:
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert jsonenc._classify(text) == jsonenc._TO_JSON
    assert dumps_jsonable([text]) == fastapi_body([text])
    for code in range(0x3000):
        if not 0xD800 <= code <= 0xDFFF:
            assert dumps_jsonable({chr(code): chr(code)}) == fastapi_body({chr(code): chr(code)})


def test_random_float_bit_patterns() -> None:
    rng = random.Random(20240601)
    bits = [
        struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(50_000)
    ]
    decimal_like = [round(rng.uniform(-1e6, 1e6), rng.randint(0, 9)) for _ in range(50_000)]
    scaled = [rng.random() * 10.0 ** rng.randint(-12, 30) for _ in range(50_000)]
    for sample in (bits, decimal_like, scaled):
        safe = [f for f in sample if jsonenc._float_kind(f) == jsonenc._TO_JSON]
        # The safe floats alone take the Rust writer; the rest force the reference writer.
        assert jsonenc._classify(safe) == jsonenc._TO_JSON
        assert dumps_jsonable(safe) == fastapi_body(safe)
        finite = [f for f in sample if math.isfinite(f)]
        assert dumps_jsonable(finite) == fastapi_body(finite)


@pytest.mark.parametrize("value", FLOAT_EDGES, ids=repr)
def test_float_edges(value: float) -> None:
    assert_same_body(value)
    assert_same_body([value, {"x": -value}])


@pytest.mark.parametrize("exponent", range(-330, 310))
def test_every_decimal_exponent(exponent: int) -> None:
    for mantissa in ("1", "2.5", "9.999999999999999", "1.2345678901234567"):
        value = float(f"{mantissa}e{exponent}")  # may round to 0.0 or overflow to inf
        assert_same_body([value, -value])


# --------------------------------------------------------------------------- hand-picked


def test_hello_world() -> None:
    assert dumps_jsonable({"message": "Hello World"}) == b'{"message":"Hello World"}'


@pytest.mark.parametrize(
    "content",
    [
        None,
        True,
        "plain",
        "",
        2**64,
        -(2**200),
        [],
        {},
        (1, (2, [3])),
        {"a": {"b": [1, 2.5, None, "x"]}},
        [{"id": i, "name": f"n{i}", "price": i * 1.1, "ok": i % 2 == 0} for i in range(20)],
        {7: "int key", 2.5: "float key", True: "bool key", None: "none key"},
        {"1": "a", 1: "b"},
        {"_sa_instance_state": 1, "keep": {"_sa": 2, "x": 3}},
        {"a\x00_sa": 1, "b": 2},
        {Status.OK: 1, Status.CODE: 2},
        {datetime.date(2020, 1, 1): uuid.UUID(int=1)},
        {"d": Decimal("1.10"), "n": Decimal("10"), "t": datetime.timedelta(hours=1)},
        Label("sub"),
        Count(5),
        Ratio(1e-5),
        {"l": Label("x"), "c": Count(2), "r": Ratio(0.5)},
        {1, 2, 3},
        Row(id=1, name="r", extra={"_sa": 1, "k": [1e-7, 1e16]}),
        [Row(id=i, name="r") for i in range(3)],
        Cell(value={"nested": [Cell(1)]}, when=datetime.datetime(2020, 1, 1)),
    ],
    ids=repr,
)
def test_hand_picked(content: Any) -> None:
    assert assert_same_body(content)[0] == "returned"


@pytest.mark.parametrize(
    "content",
    [
        math.nan,
        {"x": [1.0, math.inf]},
        {math.nan: 1},
        Row(id=1, name="r", score=math.nan),
        "lone \ud800 surrogate",
        {"key \udfff": 1},
        [datetime.date(2020, 1, 1), "\udc80"],
        {"odd": Status.ODD},
        object(),
        {(1, 2): "tuple key"},
    ],
    ids=repr,
)
def test_errors_match(content: Any) -> None:
    assert assert_same_body(content)[0] == "raised"


@pytest.mark.parametrize(
    "content",
    [
        2**64 - 1,
        2**64,
        -(2**64),
        [1, 2, 2**64],
        [-(2**64) + 1, 0],
        {"n": 2**70},
        [10**700],
        {"deep": [{"n": -(10**5000)}]},
        {10**5000: "key"},
        10**5000,
    ],
    ids=lambda value: type(value).__name__,
)
def test_integers_past_what_every_writer_agrees_on(content: Any) -> None:
    # Beyond sys.get_int_max_str_digits() digits json.dumps raises; to_json would not.
    assert_same_body(content)


def test_surrogate_pairs_are_still_lone_surrogates() -> None:
    assert assert_same_body(["\ud83d\ude00"])[0] == "raised"
    assert assert_same_body({"\ud83d\ude00": 1})[0] == "raised"


def test_shared_references_are_not_cycles() -> None:
    shared = [1, {"a": 2}]
    assert_same_body([shared, shared, {"s": shared}])


def test_cycles_raise_recursion_error() -> None:
    cycle: dict[str, Any] = {}
    cycle["self"] = cycle
    assert assert_same_body(cycle) == ("raised", "RecursionError")


@pytest.mark.parametrize("depth", [jsonenc._MAX_DEPTH - 1, jsonenc._MAX_DEPTH + 1, 300])
def test_deep_nesting(depth: int) -> None:
    content: Any = 1.5
    for level in range(depth):
        content = [content] if level % 2 else {"k": content}
    assert assert_same_body(content)[0] == "returned"


# --------------------------------------------------------------------------- the fast path


@pytest.mark.parametrize(
    "content",
    [
        {"message": "Hello World"},
        [{"id": i, "name": "x", "price": 9.99, "tags": ["a"], "none": None} for i in range(50)],
        {"nested": {"deep": [[1, 2], (3.5, "x"), {"ok": True}]}, "big": 2**63},
        ["\u2028", "\x00", "é", "😀"],
    ],
)
def test_common_payloads_take_the_rust_writer(content: Any) -> None:
    assert jsonenc._TO_JSON_AGREES
    assert jsonenc._classify(content) == jsonenc._TO_JSON
    assert dumps_jsonable(content) == fastapi_body(content)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ({"x": 1e-5}, jsonenc._NATIVE),
        ([1, 2**64], jsonenc._NATIVE),
        ({"a": [-(2**64)]}, jsonenc._NATIVE),
        (2**64, jsonenc._NATIVE),
        ([1, 2, 2**64 - 1], jsonenc._TO_JSON),
        ([math.nan], jsonenc._NATIVE),
        ({1: "a"}, jsonenc._NATIVE),
        ({"_sa_state": 1}, jsonenc._OTHER),
        ({1: "a", "_sa": 2}, jsonenc._OTHER),
        ({Label("k"): 1}, jsonenc._OTHER),
        ([Count(1)], jsonenc._OTHER),
        ({"d": datetime.date(2020, 1, 1)}, jsonenc._OTHER),
        ({1, 2}, jsonenc._OTHER),
        (Row(id=1, name="x"), jsonenc._OTHER),
    ],
    ids=repr,
)
def test_classification(content: Any, kind: int) -> None:
    assert jsonenc._classify(content) == kind


def test_models_take_the_rust_writer_after_encoding() -> None:
    rows = [Row(id=i, name="r", score=0.5) for i in range(3)]
    encoded = fastapi.encoders.jsonable_encoder(rows)
    assert jsonenc._classify(encoded) == jsonenc._TO_JSON
    assert dumps_jsonable(rows) == fastapi_body(rows)


def test_probe_rejects_a_disagreeing_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    real_to_json = jsonenc.to_json

    def old_style_exponents(value: Any) -> bytes:
        # What older pydantic-core releases wrote: "1e16" where Python writes "1e+16".
        return real_to_json(value).replace(b"e+", b"e")

    monkeypatch.setattr(jsonenc, "to_json", old_style_exponents)
    assert jsonenc._probe_to_json() is False
    monkeypatch.setattr(jsonenc, "_TO_JSON_AGREES", False)
    content = {"big": 1e16, "list": [1, "x"]}
    assert dumps_jsonable(content) == fastapi_body(content)


def test_probe_accepts_the_installed_writer() -> None:
    assert jsonenc._probe_to_json() is True
