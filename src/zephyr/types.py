"""Type aliases shared across the package, with FastAPI's names."""

import types
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeAlias, TypeVar

from pydantic import BaseModel
from pydantic.main import IncEx as IncEx

DecoratedCallable = TypeVar("DecoratedCallable", bound=Callable[..., Any])
# Python >= 3.10 always has the runtime type of ``X | Y``.
UnionType = types.UnionType
ModelNameMap: TypeAlias = dict[type[BaseModel] | type[Enum], str]
# (dependency callable, OAuth scopes it was required with, scope) identifies one cached result.
DependencyCacheKey: TypeAlias = tuple[Callable[..., Any] | None, tuple[str, ...], str]
