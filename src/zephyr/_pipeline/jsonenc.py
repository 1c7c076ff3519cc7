"""Render the JSON body of a response that has no response model, byte for byte as FastAPI does.

FastAPI renders such a body as `JSONResponse(jsonable_encoder(content)).body`, which is
`json.dumps(encoded, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))`
encoded as UTF-8. `dumps_jsonable` returns the same bytes (and raises the same exceptions) but
avoids most of the work for the common payloads, by first classifying the value in one walk:

* `_TO_JSON`: only exact `dict` (with exact `str` keys not starting with `_sa`), `list`, `tuple`,
  `str`, `bool`, `None`, `int` below 2**64 in magnitude, and floats that are zero or finite and at
  least 1e-4 in magnitude. `jsonable_encoder` would return an equal copy of such a value, and
  pydantic-core's `to_json` (Rust) writes exactly what `json.dumps` writes for it: string escaping
  agrees for every code point, and numbers agree in those ranges. Outside them they do not:
  below 1e-4 pydantic-core writes `1e-5` or `0.00001` where Python writes `1e-05`; NaN and
  infinities must raise `ValueError`; an int of more than `sys.get_int_max_str_digits()` digits
  must raise `ValueError` too. Lone surrogates make `to_json` fail, and then the reference path
  runs and raises FastAPI's `UnicodeEncodeError`.
* `_NATIVE`: the same shapes, but with other numbers or with `int`/`float`/`bool`/`None` keys.
  `jsonable_encoder` would still return an equal copy, so `json.dumps` runs on the value itself.
* `_OTHER`: anything else (models, dataclasses, datetimes, subclasses, `_sa` keys, nesting deeper
  than `_MAX_DEPTH`, which also stops reference cycles): `jsonable_encoder` runs first, and its
  result is classified again, since it is usually all-native and then takes `to_json` too.

At import, `_probe_to_json` checks that the installed pydantic-core still writes a sample of every
decimal exponent, large integers and every ASCII character like `json.dumps`; if it does not,
`to_json` is not used at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from types import NoneType
from typing import Any

from pydantic_core import PydanticSerializationError, to_json

from zephyr.encoders import jsonable_encoder

__all__ = ["dumps_jsonable"]

_OTHER = 0
_NATIVE = 1
_TO_JSON = 2

# Deeper values take the reference path, so RecursionError and cycles behave as in FastAPI.
_MAX_DEPTH = 100

# The smallest magnitude whose `repr` is positional ("0.0001"); below it the two writers differ.
_SMALLEST_SAFE_FLOAT = 1e-4
_INF = float("inf")

# Integers and floats are checked against these bounds; the other scalars are always safe.
_INT_BOUND = 2**64
_PLAIN_SCALARS = frozenset({str, bool, NoneType})
_INT_ONLY = frozenset({int})
_NATIVE_KEYS = frozenset({str, int, float, bool, NoneType})

# `json.dumps` builds a JSONEncoder per call; one reused instance renders identically.
_REFERENCE_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
)


def dumps_jsonable(content: Any) -> bytes:
    """Return `JSONResponse(jsonable_encoder(content)).body`, computed as cheaply as possible.

    Args:
        content: What an endpoint without a response model returned.

    Returns:
        The UTF-8 JSON body, byte-identical to FastAPI 0.165's.

    Raises:
        ValueError: For NaN or infinite floats, for integers longer than
            `sys.get_int_max_str_digits()`, or when `jsonable_encoder` rejects a value.
        TypeError: When the encoded value still holds something `json.dumps` cannot write.
        UnicodeEncodeError: For strings holding lone surrogates.
    """
    kind = _classify(content)
    if kind == _OTHER:
        content = jsonable_encoder(content)
        kind = _classify(content)
    if kind == _TO_JSON and _TO_JSON_AGREES:
        try:
            return to_json(content)
        except PydanticSerializationError:
            # Lone surrogates, the one known failure for such values: the reference path then
            # raises FastAPI's UnicodeEncodeError (and would render anything else correctly).
            pass
    return _REFERENCE_ENCODER.encode(content).encode("utf-8")


def _float_kind(value: float) -> int:
    # False for NaN (every comparison is) and for infinities.
    if _SMALLEST_SAFE_FLOAT <= abs(value) < _INF or value == 0.0:
        return _TO_JSON
    return _NATIVE


def _classify(value: Any) -> int:
    """Return how `value` may be rendered: `_TO_JSON`, `_NATIVE` or `_OTHER` (see module doc)."""
    cls = type(value)
    if cls is dict:
        return _classify_dict(value, 0)
    if cls is list or cls is tuple:
        return _classify_items(value, 0)
    if cls in _PLAIN_SCALARS:
        return _TO_JSON
    if cls is int:
        return _TO_JSON if -_INT_BOUND < value < _INT_BOUND else _NATIVE
    if cls is float:
        return _float_kind(value)
    return _OTHER


def _classify_dict(mapping: dict[Any, Any], depth: int) -> int:
    """Classify a dict at nesting `depth`: its keys and, recursively, its values."""
    if depth >= _MAX_DEPTH:
        return _OTHER
    kind = _TO_JSON
    # PERF: (b) list of 100 dicts, (c) nested payload: one pass over items checks keys and
    # values together (30% faster than a pass over each), with the member checks inlined.
    for key, member in mapping.items():
        if type(key) is not str:
            return _classify_mixed_dict(mapping, depth)
        member_cls = type(member)
        if member_cls in _PLAIN_SCALARS:
            continue
        if member_cls is int:
            if not -_INT_BOUND < member < _INT_BOUND:
                kind = _NATIVE
            continue
        if member_cls is float:
            if not (_SMALLEST_SAFE_FLOAT <= abs(member) < _INF or member == 0.0):
                kind = _NATIVE
            continue
        if member_cls is dict:
            member_kind = _classify_dict(member, depth + 1)
        elif member_cls is list or member_cls is tuple:
            member_kind = _classify_items(member, depth + 1)
        else:
            return _OTHER
        if member_kind < kind:
            if member_kind == _OTHER:
                return _OTHER
            kind = member_kind
    # PERF: (b) list of 100 dicts: finds a key starting with "_sa" (dropped by `sqlalchemy_safe`)
    # in one C-level search. A key merely containing "\0_sa" is a false alarm, which only costs
    # the slower path.
    if "\0_sa" in "\0" + "\0".join(mapping):
        return _OTHER
    return kind


def _classify_items(items: Iterable[Any], depth: int) -> int:
    """Classify the members of a list, a tuple or a dict's values at nesting `depth`."""
    if depth >= _MAX_DEPTH:
        return _OTHER
    # PERF: (c) nested payload: C-level passes settle a list of strings/bools/None, or of ints
    # (ids); each stops at the first member of another type.
    if _PLAIN_SCALARS.issuperset(map(type, items)):
        return _TO_JSON
    if _INT_ONLY.issuperset(map(type, items)):
        return _TO_JSON if min(items) > -_INT_BOUND and max(items) < _INT_BOUND else _NATIVE
    kind = _TO_JSON
    for member in items:
        member_cls = type(member)
        if member_cls in _PLAIN_SCALARS:
            continue
        if member_cls is int:
            if not -_INT_BOUND < member < _INT_BOUND:
                kind = _NATIVE
            continue
        if member_cls is float:
            if not (_SMALLEST_SAFE_FLOAT <= abs(member) < _INF or member == 0.0):
                kind = _NATIVE
            continue
        if member_cls is dict:
            member_kind = _classify_dict(member, depth + 1)
        elif member_cls is list or member_cls is tuple:
            member_kind = _classify_items(member, depth + 1)
        else:
            return _OTHER
        if member_kind < kind:
            if member_kind == _OTHER:
                return _OTHER
            kind = member_kind
    return kind


def _classify_mixed_dict(mapping: dict[Any, Any], depth: int) -> int:
    """Classify a dict whose keys are not all exact strings.

    `jsonable_encoder` keeps native scalar keys as they are, and `json.dumps` converts them; only
    the reference writer is trusted with that conversion, so the best answer is `_NATIVE`.
    """
    for key in mapping:
        key_cls = type(key)
        if key_cls not in _NATIVE_KEYS or (key_cls is str and key.startswith("_sa")):
            return _OTHER
    return min(_classify_items(mapping.values(), depth), _NATIVE)


def _probe_to_json() -> bool:
    """Tell whether the installed pydantic-core renders like `json.dumps` where we rely on it.

    Python picks positional or exponent notation, and pads the exponent, by the decimal exponent
    alone, so a float or two per exponent covers the layout rules. The digits need no sweep: both
    writers emit the shortest digit string that round-trips, the closest one to the exact value
    (tests/_pipeline/test_jsonenc.py compares 150,000 random floats to back this up).
    """
    floats = [0.0, -0.0, -1.5, -1e300, 9.999999999999998e15, 1.0000000000000002e-4, 0.1 + 0.2]
    for exponent in range(-4, 309):
        floats.append(float(f"1e{exponent}"))
        if exponent < 308:
            floats.append(float(f"1.2345678901234567e{exponent}"))
    ints = [0, -1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, -(2**64) + 1, -(2**63) - 1]
    text = "".join(map(chr, range(128))) + "\x80\x9f\xa0\xad\u2028\u2029\ufeff\uffff\U0001f600"
    sample = {"floats": floats, "ints": ints, "text": [text], "misc": [True, False, None, (), {}]}
    try:
        return to_json(sample) == _REFERENCE_ENCODER.encode(sample).encode("utf-8")
    except Exception:  # pragma: no cover - a pydantic-core that cannot even do this
        return False


_TO_JSON_AGREES = _probe_to_json()
