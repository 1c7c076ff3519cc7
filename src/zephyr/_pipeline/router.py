"""(2) The compiled route table: Starlette's routing decision without trying every route.

Starlette's ``Router`` tries each route's regex in registration order. The same ordered entries
are compiled once (``router_build.py``) into a dict from each static path to the entries that
really match it, and, for other paths, a determinised segment automaton: a request walks one
state per segment to a precomputed candidate tuple. Entries that cannot be narrowed (``Host``,
custom routes) sit in every tuple at their position. Candidates are checked with Starlette's
own regexes and convertors, in registration order.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from re import Pattern
from typing import Any

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

__all__ = ["CompiledRouter", "RouteEntry", "RouteKind", "RouteMatch"]


class RouteKind(enum.Enum):
    """What an entry routes, which decides how it is matched."""

    HTTP = "http"
    WEBSOCKET = "websocket"
    MOUNT = "mount"
    OPAQUE = "opaque"


@dataclass(frozen=True, slots=True)
class RouteEntry:
    """One flattened route, in registration order, as the application hands it to the table."""

    kind: RouteKind
    path: str
    methods: frozenset[str] | None
    target: object
    route: BaseRoute | None = None


@dataclass(slots=True)
class RouteMatch:
    """The table's decision for a scope: which entry, FULL or PARTIAL, and what it extracted."""

    entry: RouteEntry
    full: bool
    path_params: dict[str, Any]
    child_scope: dict[str, Any] | None


_Converts = tuple[tuple[str, Callable[[str], Any]], ...]


class _PathCandidate:
    """Match one HTTP or WebSocket entry exactly as ``Route.matches`` would."""

    __slots__ = ("convert", "entry", "index", "methods", "regex")

    def __init__(
        self, index: int, entry: RouteEntry, regex: Pattern[str] | None, convert: _Converts
    ) -> None:
        self.index = index
        self.entry = entry
        self.regex = regex  # None: known at build time to match (a static path's own entry)
        self.convert = convert
        # Route.matches tests `self.methods and ...`: an empty set allows every method, like None.
        self.methods = entry.methods or None if entry.kind is RouteKind.HTTP else None

    def prematched(self) -> _PathCandidate:
        """Return a copy that skips the regex, for the static dict slot of its own path."""
        return _PathCandidate(self.index, self.entry, None, ())

    def match(self, scope: Scope, route_path: str) -> RouteMatch | None:
        """Return the match of this entry for the scope, or None."""
        regex = self.regex
        if regex is None:
            params: dict[str, Any] = {}
        else:
            found = regex.match(route_path)
            if found is None:
                return None
            params = found.groupdict()
            for name, convert in self.convert:
                params[name] = convert(params[name])
        base = scope.get("path_params")
        if base:
            # Outer params first, then ours over them: Route.matches' dict(...).update(...).
            params = {**base, **params}
        methods = self.methods
        return RouteMatch(self.entry, methods is None or scope["method"] in methods, params, None)


class _RouteCandidate:
    """Match a Mount, Host or custom route by asking the Starlette route object itself."""

    __slots__ = ("entry", "index", "regex", "route")

    def __init__(
        self, index: int, entry: RouteEntry, route: BaseRoute, regex: Pattern[str] | None
    ) -> None:
        self.index = index
        self.entry = entry
        self.route = route
        self.regex = regex  # build time only: a Mount's path regex; None: cannot be narrowed

    def match(self, scope: Scope, route_path: str) -> RouteMatch | None:
        """Return the match of this entry for the scope, or None."""
        found, child_scope = self.route.matches(scope)
        if found is Match.NONE:
            return None
        child = child_scope if isinstance(child_scope, dict) else dict(child_scope)
        return RouteMatch(self.entry, found is Match.FULL, child.get("path_params", {}), child)


_Candidate = _PathCandidate | _RouteCandidate
_ByScope = dict[str, tuple[_Candidate, ...]]
_NO_STATIC: _ByScope = {}  # for scope types that never route (never mutated)


class _State:
    """Deterministic state: one transition per segment, candidates per scope type."""

    __slots__ = ("candidates", "children", "indices", "wild")

    def __init__(self) -> None:
        self.children: dict[str, _State] = {}
        self.wild: _State = self
        self.indices: frozenset[int] = frozenset()
        self.candidates: _ByScope = {}


class CompiledRouter:
    """Route scopes over ordered entries exactly as Starlette's ``Router`` would, compiled once.

    Args:
        entries: Every route, flattened (prefixes applied), in registration order.
        redirect_slashes: Whether a miss may redirect to the slash-toggled path.

    Raises:
        ValueError: An entry is malformed; the message names its path.
    """

    def __init__(self, entries: Sequence[RouteEntry], *, redirect_slashes: bool = True) -> None:
        from zephyr._pipeline.router_build import build

        self.entries = tuple(entries)
        self.redirect_slashes = redirect_slashes
        built = build(self.entries)
        self._root = built.root
        self._all = built.all
        self._static = built.static
        self._build = built

    def _walk(self, route_path: str) -> _State:
        """Follow one transition per path segment, from the root state."""
        state = self._root
        for segment in route_path.split("/"):
            state = state.children.get(segment, state.wild)
        return state

    def _dynamic(self, scope_type: str, route_path: str) -> tuple[_Candidate, ...]:
        """Return the ordered candidates for a path the static dict does not know."""
        if route_path.endswith("\n"):
            # "$" also matches before a final newline ("^/a$" matches "/a\n"), so the segment
            # walk could drop a match; such paths take the full ordered scan instead.
            return self._all.get(scope_type, ())
        return self._walk(route_path).candidates.get(scope_type, ())

    def lookup(self, scope: Scope) -> RouteMatch | None:
        """Return the first FULL match, else the first PARTIAL match, else None.

        Args:
            scope: An ASGI ``http`` or ``websocket`` scope; other scope types never match.
        """
        # PERF: static-hit / 1-param lookup: skip get_route_path's call when there is no root_path.
        route_path = get_route_path(scope) if scope.get("root_path") else scope["path"]
        scope_type = scope["type"]
        candidates = self._static.get(scope_type, _NO_STATIC).get(route_path)
        if candidates is None:
            candidates = self._dynamic(scope_type, route_path)
        partial = None
        for candidate in candidates:
            found = candidate.match(scope, route_path)
            if found is not None:
                if found.full:
                    return found
                if partial is None:
                    partial = found
        return partial

    def redirect_path(self, scope: Scope) -> str | None:
        """Return the slash-toggled ``scope["path"]`` to redirect to, or None.

        Call it when lookup() returned None: like Starlette's Router, it only asks whether the
        toggled path would match anything (FULL or PARTIAL), never "/" and only for http.
        """
        if scope["type"] != "http" or not self.redirect_slashes:
            return None
        route_path = get_route_path(scope)
        if route_path == "/":
            return None
        path: str = scope["path"]
        # Starlette toggles the full path and strips every trailing slash, not just one.
        target = path.rstrip("/") if route_path.endswith("/") else path + "/"
        redirect_scope = {**scope, "path": target}
        target_route_path = get_route_path(redirect_scope)
        candidates = self._static["http"].get(target_route_path)
        if candidates is None:
            candidates = self._dynamic("http", target_route_path)
        for candidate in candidates:
            if candidate.match(redirect_scope, target_route_path) is not None:
                return target
        return None

    def describe(self) -> str:
        """Return a readable dump of the table: entries, static dict, trie, unnarrowed entries."""
        from zephyr._pipeline.router_build import describe

        return describe(self._build, self.redirect_slashes)
