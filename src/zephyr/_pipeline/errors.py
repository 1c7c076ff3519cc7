"""Error reporting: startup errors that name the culprit, and 422 error assembly.

Startup errors (a parameter type that cannot be read from a query string, a path parameter
with a default...) are raised when the route is declared or compiled, and say which handler,
which path, which dependency chain and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zephyr._pipeline.callables import callable_name, describe_location
from zephyr.exceptions import FastAPIError


class ConfigurationError(FastAPIError, AssertionError):
    """Report an endpoint or dependency declaration that cannot work.

    It is also an `AssertionError` because FastAPI reports these with `assert`, and code
    written for FastAPI may catch that.
    """


@dataclass(frozen=True)
class Where:
    """The place a declaration error was found: route, handler, dependency chain, parameter."""

    path: str | None = None
    chain: tuple[Any, ...] = field(default_factory=tuple)
    param: str | None = None

    def nested(self, call: Any) -> Where:
        """Return the location one dependency deeper."""
        return Where(self.path, (*self.chain, call), None)

    def at_param(self, name: str) -> Where:
        """Return the location of one parameter of the innermost callable."""
        return Where(self.path, self.chain, name)

    def describe(self) -> str:
        """Render as "route '/items' -> handler read_items (app.py:12) -> dep ... param 'q'"."""
        parts = []
        if self.path is not None:
            parts.append(f"route {self.path!r}")
        for index, call in enumerate(self.chain):
            kind = "handler" if index == 0 else "dependency"
            where = describe_location(call)
            suffix = f" ({where})" if where else ""
            parts.append(f"{kind} {callable_name(call)}{suffix}")
        if self.param is not None:
            parts.append(f"parameter {self.param!r}")
        return " -> ".join(parts)


RESPONSE_NOT_SENT = (
    "Response not awaited: most likely the application is raising an exception and a"
    " dependency with yield caught it (a bare `except:` or `except Exception:` around its"
    " `yield`) without raising it again, so there is no response to send. Re-raise it"
    " (`raise`) or raise an HTTPException from the dependency's except block."
)


def config_error(message: str, where: Where | None, hint: str = "") -> ConfigurationError:
    """Build a ConfigurationError whose message says what, where and what to do."""
    text = message
    if where is not None and (where.path or where.chain):
        text += f"\n  at: {where.describe()}"
    if hint:
        text += f"\n  fix: {hint}"
    return ConfigurationError(text)


def missing_error(loc: tuple[str | int, ...]) -> dict[str, Any]:
    """Return the error FastAPI reports for a required value the request did not carry."""
    return {"type": "missing", "loc": loc, "msg": "Field required", "input": None}


def sort_errors(errors: Sequence[dict[str, Any]], rank: dict[Any, int]) -> list[dict[str, Any]]:
    """Order errors by the rank of their leading location parts (stable within a rank)."""
    if len(errors) < 2:
        return list(errors)
    worst = len(rank)

    def key(error: dict[str, Any]) -> int:
        loc = error["loc"]
        return rank.get(tuple(loc[:2]), rank.get(tuple(loc[:1]), worst))

    return sorted(errors, key=key)
