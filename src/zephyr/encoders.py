"""Turn arbitrary Python objects into JSON-compatible data, as FastAPI's `jsonable_encoder` does.

`jsonable_encoder` keeps FastAPI 0.165's signature and output exactly: the same checks in the
same order (custom encoders, Pydantic models, dataclasses, enums, paths, scalars, mappings,
iterables, the `ENCODERS_BY_TYPE` table, then `dict()` / `vars()`), the same exceptions, and the
same module-level tables that applications patch (`ENCODERS_BY_TYPE`, `encoders_by_class_tuples`).

It runs on the request path of every endpoint without a response model, so the call with default
options takes `_encode_plain`, a shortcut for JSON-native containers: a dict or list whose
members are all exact `str`/`int`/`float`/`bool`/`None` is copied by one C-level call instead of
being walked member by member. Every other value falls through to `_encode`, the full algorithm.
"""

from __future__ import annotations

import dataclasses
import datetime
import sys
from collections import defaultdict, deque
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
)
from pathlib import Path, PurePath
from re import Pattern
from types import GeneratorType, NoneType
from typing import Any, NamedTuple
from uuid import UUID

from pydantic import BaseModel
from pydantic.color import Color
from pydantic.networks import AnyUrl, NameEmail
from pydantic.types import SecretBytes, SecretStr
from pydantic_core import PydanticUndefinedType, Url

from zephyr.exceptions import PydanticV1NotSupportedError
from zephyr.types import IncEx

try:
    from pydantic_extra_types.color import (  # type: ignore[import-not-found,unused-ignore]
        Color as PyExtraColor,
    )
except ImportError:  # pragma: no cover - depends on an optional package

    class PyExtraColor:  # type: ignore[no-redef,unused-ignore]
        """Stand in for `pydantic_extra_types.color.Color` when that package is absent."""


__all__ = [
    "ENCODERS_BY_TYPE",
    "decimal_encoder",
    "encoders_by_class_tuples",
    "generate_encoders_by_class_tuples",
    "isoformat",
    "jsonable_encoder",
]


def isoformat(o: datetime.date | datetime.time) -> str:
    """Return the ISO 8601 text of a date, datetime or time."""
    return o.isoformat()


def decimal_encoder(dec_value: Decimal) -> int | float:
    """Encode a `Decimal` as an `int` when it has no fractional exponent, else as a `float`.

    `Decimal("1")` becomes `1` so that integer columns (e.g. `Numeric(x, 0)` ids) round-trip
    through JSON unchanged; `Decimal("1.0")` becomes `1.0` and `Decimal("NaN")` becomes `nan`.
    """
    exponent = dec_value.as_tuple().exponent
    # Special values (NaN, sNaN, Infinity) carry a letter instead of an int exponent.
    if isinstance(exponent, int) and exponent >= 0:
        return int(dec_value)
    return float(dec_value)


def _decode_bytes(o: bytes) -> str:
    return o.decode()


def _timedelta_seconds(td: datetime.timedelta) -> float:
    return td.total_seconds()


def _enum_value(o: Enum) -> Any:
    return o.value


def _pattern_source(o: Pattern[Any]) -> Any:
    return o.pattern


# The insertion order matters: `encoders_by_class_tuples` groups types by encoder in this order,
# and that order decides which encoder wins for an instance of a subclass of several entries.
ENCODERS_BY_TYPE: dict[type[Any], Callable[[Any], Any]] = {
    bytes: _decode_bytes,
    Color: str,
    PyExtraColor: str,
    datetime.date: isoformat,
    datetime.datetime: isoformat,
    datetime.time: isoformat,
    datetime.timedelta: _timedelta_seconds,
    Decimal: decimal_encoder,
    Enum: _enum_value,
    frozenset: list,
    deque: list,
    GeneratorType: list,
    IPv4Address: str,
    IPv4Interface: str,
    IPv4Network: str,
    IPv6Address: str,
    IPv6Interface: str,
    IPv6Network: str,
    NameEmail: str,
    Path: str,
    Pattern: _pattern_source,
    SecretBytes: str,
    SecretStr: str,
    set: list,
    UUID: str,
    Url: str,
    AnyUrl: str,
}


def generate_encoders_by_class_tuples(
    type_encoder_map: dict[Any, Callable[[Any], Any]],
) -> dict[Callable[[Any], Any], tuple[Any, ...]]:
    """Group a type -> encoder table by encoder, for `isinstance` checks against subclasses.

    Args:
        type_encoder_map: A table like `ENCODERS_BY_TYPE`.

    Returns:
        A mapping from each distinct encoder to the tuple of types it handles, in first-seen order.
    """
    grouped: dict[Callable[[Any], Any], tuple[Any, ...]] = defaultdict(tuple)
    for type_, encoder in type_encoder_map.items():
        grouped[encoder] += (type_,)
    return grouped


encoders_by_class_tuples = generate_encoders_by_class_tuples(ENCODERS_BY_TYPE)

# Exact types returned unchanged by every path (subclasses take the full algorithm, which may
# treat them differently: an IntEnum member is encoded as its value).
_NATIVE_SCALARS = frozenset({str, int, float, bool, NoneType})
_STR_ONLY = frozenset({str})
_ITERABLES = (list, set, frozenset, GeneratorType, tuple, deque)

# Exact types for which every check before the `ENCODERS_BY_TYPE` lookup is known to fail (none is
# a model, dataclass, enum, path, scalar, mapping or iterable), so the default path may consult the
# table first. The table itself is still read at call time, so patches to it keep working.
_TABLE_FIRST = frozenset(
    {
        bytes,
        Color,
        datetime.date,
        datetime.datetime,
        datetime.time,
        datetime.timedelta,
        Decimal,
        IPv4Address,
        IPv4Interface,
        IPv4Network,
        IPv6Address,
        IPv6Interface,
        IPv6Network,
        NameEmail,
        SecretBytes,
        SecretStr,
        UUID,
        Url,
        AnyUrl,
    }
)


class _Options(NamedTuple):
    """The keyword arguments of one `jsonable_encoder` call, passed down as one value."""

    include: IncEx | None
    exclude: IncEx | None
    by_alias: bool
    exclude_unset: bool
    exclude_defaults: bool
    exclude_none: bool
    custom_encoder: dict[Any, Callable[[Any], Any]]
    sqlalchemy_safe: bool


_PLAIN = _Options(None, None, True, False, False, False, {}, True)

# Marks "no custom encoder applies"; None cannot, since a user may register None (which fails).
_MISSING: Any = object()


def _is_plain(opts: _Options) -> bool:
    """Tell whether options equal the defaults, ignoring `include` and `exclude`."""
    # Identity, not truthiness: a non-bool flag (by_alias=1) must reach model_dump unchanged.
    return (
        opts.by_alias is True
        and opts.exclude_unset is False
        and opts.exclude_defaults is False
        and opts.exclude_none is False
        and opts.sqlalchemy_safe is True
        and not opts.custom_encoder
    )


def jsonable_encoder(
    obj: Any,
    include: IncEx | None = None,
    exclude: IncEx | None = None,
    by_alias: bool = True,
    exclude_unset: bool = False,
    exclude_defaults: bool = False,
    exclude_none: bool = False,
    custom_encoder: dict[Any, Callable[[Any], Any]] | None = None,
    sqlalchemy_safe: bool = True,
) -> Any:
    """Convert any object to data that `json.dumps` can encode.

    Args:
        obj: The object to convert.
        include: Fields (models) or keys (dicts) to keep, as for Pydantic's `model_dump`.
        exclude: Fields or keys to drop, as for Pydantic's `model_dump`.
        by_alias: Use field aliases as the keys of dumped models.
        exclude_unset: Drop model fields that were never set explicitly.
        exclude_defaults: Drop model fields equal to their default.
        exclude_none: Drop model fields and dict entries whose value is `None`.
        custom_encoder: Encoders by type, tried before everything else (exact type first,
            then `isinstance` in insertion order).
        sqlalchemy_safe: Drop dict entries whose string key starts with `_sa` (SQLAlchemy state).

    Returns:
        A structure of dicts, lists, strings, numbers, booleans and `None`.

    Raises:
        ValueError: If `obj` is of no known kind and neither `dict(obj)` nor `vars(obj)` works;
            its argument is the list of both errors.
        PydanticV1NotSupportedError: If `obj` is a `pydantic.v1` model.
    """
    if (
        include is None
        and exclude is None
        and by_alias is True
        and exclude_unset is False
        and exclude_defaults is False
        and exclude_none is False
        and sqlalchemy_safe is True
        and not custom_encoder
    ):
        # PERF: (a) {"message": ...} and (b) list of dicts: skip building the options tuple.
        return _encode_plain(obj)
    options = _Options(
        include,
        exclude,
        by_alias,
        exclude_unset,
        exclude_defaults,
        exclude_none,
        custom_encoder or {},
        sqlalchemy_safe,
    )
    return _encode(obj, options)


def _has_plain_keys(mapping: dict[Any, Any]) -> bool:
    """Tell whether every key is an exact `str` that `sqlalchemy_safe` keeps.

    A key that merely contains "\\0_sa" also answers False, which only costs the slower path.
    """
    # PERF: (b) list of 100 dicts: one C-level substring search instead of a startswith per key.
    return _STR_ONLY.issuperset(map(type, mapping)) and "\0_sa" not in "\0" + "\0".join(mapping)


def _encode_plain(obj: Any) -> Any:
    """Encode `obj` with default options; exactly `_encode(obj, _PLAIN)`, only faster.

    Containers are walked with explicit loops rather than comprehensions (a frame each on
    Python 3.11) so that one nesting level costs one Python frame, as in FastAPI: deep input hits
    `RecursionError` within a level or two of where FastAPI's encoder does.
    """
    cls = type(obj)
    if cls in _NATIVE_SCALARS:
        return obj
    if cls is dict:
        # PERF: (b) list of 100 dicts: an all-native dict is copied in C, not walked.
        if _NATIVE_SCALARS.issuperset(map(type, obj.values())) and _has_plain_keys(obj):
            return obj.copy()
        encoded: dict[Any, Any] = {}
        for key, value in obj.items():
            if isinstance(key, str) and key.startswith("_sa"):
                continue
            if type(key) not in _NATIVE_SCALARS:
                key = _encode_plain(key)
            encoded[key] = value if type(value) in _NATIVE_SCALARS else _encode_plain(value)
        return encoded
    if cls is list or cls is tuple:
        # PERF: (c) nested payload: a list of scalars is copied in C.
        if _NATIVE_SCALARS.issuperset(map(type, obj)):
            return list(obj)
        items: list[Any] = []
        for item in obj:
            items.append(item if type(item) in _NATIVE_SCALARS else _encode_plain(item))
        return items
    if cls in _TABLE_FIRST:
        encoder = ENCODERS_BY_TYPE.get(cls)
        if encoder is not None:
            return encoder(obj)
    return _encode(obj, _PLAIN)


def _encode(obj: Any, opts: _Options) -> Any:
    """Encode `obj` following FastAPI's order of checks, for any options.

    Like `_encode_plain`, mappings and iterables are walked inline, one frame per nesting level.
    """
    if opts.custom_encoder:
        encoder = _custom_encoder_for(obj, opts.custom_encoder)
        if encoder is not _MISSING:
            return encoder(obj)
    opts = _normalize_filters(opts)
    if isinstance(obj, BaseModel):
        return _encode_model(obj, opts)
    if dataclasses.is_dataclass(obj):
        if isinstance(obj, type):
            raise AssertionError(f"jsonable_encoder() got the dataclass {obj!r}, not an instance")
        fields = dataclasses.asdict(obj)
        return _encode_plain(fields) if opts is _PLAIN else _encode(fields, opts)
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, str | int | float | NoneType):
        return obj
    if isinstance(obj, PydanticUndefinedType):
        return None
    if isinstance(obj, dict):
        allowed = _allowed_keys(obj, opts)
        # Keys and values are encoded without include/exclude: those apply to this level only.
        children = opts._replace(include=None, exclude=None)
        plain = _is_plain(children)
        encoded: dict[Any, Any] = {}
        for key, value in obj.items():
            if (
                (not opts.sqlalchemy_safe or not isinstance(key, str) or not key.startswith("_sa"))
                and (value is not None or not opts.exclude_none)
                and (allowed is None or key in allowed)
            ):
                key = _encode_plain(key) if plain else _encode(key, children)
                encoded[key] = _encode_plain(value) if plain else _encode(value, children)
        return encoded
    if isinstance(obj, _ITERABLES):
        plain = opts.include is None and opts.exclude is None and _is_plain(opts)
        items: list[Any] = []
        for item in obj:
            items.append(_encode_plain(item) if plain else _encode(item, opts))
        return items
    return _encode_other(obj, opts)


def _custom_encoder_for(obj: Any, custom_encoder: dict[Any, Callable[[Any], Any]]) -> Any:
    """Return the custom encoder for `obj` (exact type first, then `isinstance`), or `_MISSING`.

    An entry is returned as registered, even if it is not callable: calling it then fails as it
    does in FastAPI.
    """
    if type(obj) in custom_encoder:
        return custom_encoder[type(obj)]
    for encoder_type, encoder in custom_encoder.items():
        if isinstance(obj, encoder_type):
            return encoder
    return _MISSING


def _normalize_filters(opts: _Options) -> _Options:
    """Turn an `include`/`exclude` given as any iterable into a set, as Pydantic expects."""
    include: Any = opts.include
    if include is not None and not isinstance(include, set | dict):
        opts = opts._replace(include=set(include))
    exclude: Any = opts.exclude
    if exclude is not None and not isinstance(exclude, set | dict):
        opts = opts._replace(exclude=set(exclude))
    return opts


def _allowed_keys(obj: dict[Any, Any], opts: _Options) -> set[Any] | None:
    """Return the keys of `obj` that include/exclude let through, or None for all of them."""
    if opts.include is None and opts.exclude is None:
        return None
    allowed = set(obj.keys())
    if opts.include is not None:
        allowed &= set(opts.include)
    if opts.exclude is not None:
        allowed -= set(opts.exclude)
    return allowed


def _encode_model(obj: BaseModel, opts: _Options) -> Any:
    """Dump a Pydantic model in JSON mode, then encode the dump as plain data."""
    dumped = obj.model_dump(
        mode="json",
        include=opts.include,
        exclude=opts.exclude,
        by_alias=opts.by_alias,
        exclude_unset=opts.exclude_unset,
        exclude_none=opts.exclude_none,
        exclude_defaults=opts.exclude_defaults,
    )
    # The dump is re-encoded with only these three options: that is what drops `_sa` keys and
    # `None` values nested in dict-typed fields, and why custom encoders never see field values.
    exclude_defaults, exclude_none = opts.exclude_defaults, opts.exclude_none
    sqlalchemy_safe = opts.sqlalchemy_safe
    if exclude_defaults is False and exclude_none is False and sqlalchemy_safe is True:
        # PERF: list of 100 models: no options tuple per model for the default post-pass.
        return _encode_plain(dumped)
    post = _Options(None, None, True, False, exclude_defaults, exclude_none, {}, sqlalchemy_safe)
    return _encode(dumped, post)


def _encode_other(obj: Any, opts: _Options) -> Any:
    """Encode through the type tables, else through `dict(obj)` or `vars(obj)`."""
    if type(obj) in ENCODERS_BY_TYPE:
        return ENCODERS_BY_TYPE[type(obj)](obj)
    for encoder, classes in encoders_by_class_tuples.items():
        if isinstance(obj, classes):
            return encoder(obj)
    # An instance of a pydantic.v1 model implies that pydantic.v1 was imported; checking
    # sys.modules avoids importing it (slow, and it warns on newer Pythons) just to say no.
    pydantic_v1 = sys.modules.get("pydantic.v1")
    if pydantic_v1 is not None and isinstance(obj, pydantic_v1.BaseModel):
        raise PydanticV1NotSupportedError(
            "pydantic.v1 models are no longer supported by FastAPI."
            f" Please update the model {obj!r}."
        )
    try:
        data = dict(obj)
    except Exception as dict_error:
        errors: list[Exception] = [dict_error]
        try:
            data = vars(obj)
        except Exception as vars_error:
            errors.append(vars_error)
            raise ValueError(errors) from vars_error
    return _encode_plain(data) if opts is _PLAIN else _encode(data, opts)
