"""STARTUP ONLY: classify annotations (scalar, sequence, model, upload...).

These answers decide where a parameter is read from and how its raw value is extracted
(one string or every repeated value). They run when an endpoint is compiled, never per request.
"""

from __future__ import annotations

import dataclasses
import types
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from starlette.datastructures import UploadFile

_UNION_ORIGINS: tuple[Any, ...] = (Union, types.UnionType)
SEQUENCE_TYPES: tuple[type[Any], ...] = (Sequence, list, tuple, set, frozenset, deque)


def lenient_issubclass(cls: Any, parents: type[Any] | tuple[type[Any], ...]) -> bool:
    """Return `issubclass(cls, parents)`, or False when `cls` is not a class."""
    try:
        return isinstance(cls, type) and issubclass(cls, parents)
    except TypeError:
        # Parameterised generics such as list[int] are instances of `type` on some versions.
        return False


def is_union(annotation: Any) -> bool:
    """Return True for `Union[...]` and `X | Y`."""
    return get_origin(annotation) in _UNION_ORIGINS


def strip_annotated(annotation: Any) -> Any:
    """Return the type inside `Annotated[...]`, or the annotation itself."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _is_sequence_class(annotation: Any) -> bool:
    if lenient_issubclass(annotation, (str, bytes)):
        return False
    return lenient_issubclass(annotation, SEQUENCE_TYPES)


def is_sequence(annotation: Any) -> bool:
    """Return True when the annotation (or a member of its union) is a sequence type."""
    annotation = strip_annotated(annotation)
    if is_union(annotation):
        return any(is_sequence(arg) for arg in get_args(annotation))
    return _is_sequence_class(annotation) or _is_sequence_class(get_origin(annotation))


def _is_complex_class(annotation: Any) -> bool:
    return (
        lenient_issubclass(annotation, (BaseModel, Mapping, UploadFile))
        or _is_sequence_class(annotation)
        or dataclasses.is_dataclass(annotation)
    )


def is_complex(annotation: Any) -> bool:
    """Return True for models, mappings, sequences, dataclasses and uploads (not query-able)."""
    annotation = strip_annotated(annotation)
    if is_union(annotation):
        return any(is_complex(arg) for arg in get_args(annotation))
    origin = get_origin(annotation)
    return (
        _is_complex_class(annotation)
        or _is_complex_class(origin)
        or hasattr(origin, "__pydantic_core_schema__")
        or hasattr(origin, "__get_pydantic_core_schema__")
    )


def is_scalar(annotation: Any) -> bool:
    """Return True when one string from the request can be validated into the annotation."""
    return annotation is Ellipsis or not is_complex(annotation)


def is_scalar_sequence(annotation: Any) -> bool:
    """Return True for sequences of scalars (possibly inside an Optional or union)."""
    annotation = strip_annotated(annotation)
    if is_union(annotation):
        found = False
        for arg in get_args(annotation):
            if is_scalar_sequence(arg):
                found = True
            elif not is_scalar(arg):
                return False
        return found
    return is_sequence(annotation) and all(is_scalar(arg) for arg in get_args(annotation))


def optional_model(annotation: Any) -> type[BaseModel] | None:
    """Return the model of `Model` or `Model | None`, else None."""
    annotation = strip_annotated(annotation)
    if is_union(annotation):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) != 1:
            return None
        annotation = args[0]
    return annotation if lenient_issubclass(annotation, BaseModel) else None


def is_upload(annotation: Any) -> bool:
    """Return True for `UploadFile` and `UploadFile | None`."""
    annotation = strip_annotated(annotation)
    if is_union(annotation):
        return any(lenient_issubclass(arg, UploadFile) for arg in get_args(annotation))
    return lenient_issubclass(annotation, UploadFile)


def is_upload_sequence(annotation: Any) -> bool:
    """Return True for `list[UploadFile]` and its optional forms."""
    annotation = strip_annotated(annotation)
    if is_union(annotation):
        return any(is_upload_sequence(arg) for arg in get_args(annotation))
    return is_sequence(annotation) and all(is_upload(arg) for arg in get_args(annotation))


def is_bytes(annotation: Any) -> bool:
    """Return True for `bytes` and `bytes | None`."""
    annotation = strip_annotated(annotation)
    if is_union(annotation):
        return any(lenient_issubclass(arg, bytes) for arg in get_args(annotation))
    return lenient_issubclass(annotation, bytes)


def is_bytes_sequence(annotation: Any) -> bool:
    """Return True for `list[bytes]` and its optional forms."""
    annotation = strip_annotated(annotation)
    if is_union(annotation):
        return any(is_bytes_sequence(arg) for arg in get_args(annotation))
    return is_sequence(annotation) and all(is_bytes(arg) for arg in get_args(annotation))
