"""Compiled route table: Starlette's routing decision without trying every route.

Starlette's ``Router`` tries each route's regex in registration order. The same ordered entries
are compiled once into a dict from each static path to the entries that really match it (every
other entry's regex is run on it at build time), and, for other paths, a segment trie (literal
edges, a wildcard edge for segments with params, catch-all marks for params that may span
segments) determinised so a request walks one state per segment to a precomputed candidate
tuple. Entries that cannot be narrowed (``Host``, custom routes) sit in every tuple at their
position. Candidates are checked with Starlette's own regexes and convertors, in order.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from re import Pattern
from typing import Any

from starlette._utils import get_route_path
from starlette.convertors import (
    CONVERTOR_TYPES,
    FloatConvertor,
    IntegerConvertor,
    PathConvertor,
    StringConvertor,
    UUIDConvertor,
)
from starlette.routing import PARAM_REGEX, BaseRoute, Match, Mount, compile_path
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
# PERF: 1-param lookup: Starlette's own convertors are plain calls of these builtins (None: the
# value is returned unchanged), so the method call is skipped. Subclasses keep their own method.
_BUILTIN_CONVERTS: dict[Callable[..., Any], Callable[[str], Any] | None] = {
    StringConvertor.convert: None,
    PathConvertor.convert: None,
    IntegerConvertor.convert: int,
    FloatConvertor.convert: float,
    UUIDConvertor.convert: uuid.UUID,
}
# Convertor regexes checked by hand to never match "/": a param using one stays in its segment.
# Anything else (``path``, custom convertors) is assumed to span segments: a broader bucket.
_UUID = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
_SEGMENT_LOCAL = frozenset({"[^/]+", "[0-9]+", r"[0-9]+(\.[0-9]+)?", _UUID})
_SCOPE_KINDS = {
    "http": frozenset({RouteKind.HTTP, RouteKind.MOUNT, RouteKind.OPAQUE}),
    "websocket": frozenset({RouteKind.WEBSOCKET, RouteKind.MOUNT, RouteKind.OPAQUE}),
}
# Past this many automaton states a state stops narrowing (see _Determinizer.state).
_STATE_BUDGET = 10_000


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


class _Node:
    """Segment trie node, as registered (nondeterministic: literal and wildcard may both fit)."""

    __slots__ = ("catch_all", "ends", "literal", "wild")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.wild: _Node | None = None
        self.ends: list[int] = []  # entries whose template ends at this depth
        self.catch_all: list[int] = []  # entries matching any path with more segments

    def insert(self, edges: Sequence[str | None], index: int, spans: bool) -> None:
        """Add an entry under the given edges (None is the wildcard edge)."""
        node = self
        for edge in edges:
            if edge is None:
                node.wild = node.wild or _Node()
                node = node.wild
            else:
                node = node.literal.setdefault(edge, _Node())
        (node.catch_all if spans else node.ends).append(index)

    def below(self) -> set[int]:
        """Return every entry at or under this node."""
        children = [*self.literal.values(), *([self.wild] if self.wild else [])]
        return {*self.ends, *self.catch_all}.union(*(child.below() for child in children))


class _State:
    """Deterministic state: one transition per segment, candidates per scope type."""

    __slots__ = ("candidates", "children", "indices", "wild")

    def __init__(self) -> None:
        self.children: dict[str, _State] = {}
        self.wild: _State = self
        self.indices: frozenset[int] = frozenset()
        self.candidates: _ByScope = {}


class _Determinizer:
    """Build the automaton by subset construction over trie nodes, memoised per node set."""

    def __init__(self, candidates: Sequence[_Candidate], always: Iterable[int]) -> None:
        self._candidates = candidates
        self._always = frozenset(always)
        self._memo: dict[tuple[frozenset[_Node], frozenset[int]], _State] = {}

    @property
    def size(self) -> int:
        """Return the number of states built."""
        return len(self._memo)

    def state(self, nodes: frozenset[_Node], inherited: frozenset[int]) -> _State:
        """Return the state for paths that reach exactly these nodes, with inherited catch-alls."""
        key = (nodes, inherited)
        state = self._memo.get(key)
        if state is not None:
            return state
        state = self._memo[key] = _State()  # stored first: a catch-all-only state loops on itself
        passing = inherited.union(*(node.catch_all for node in nodes))
        if len(self._memo) > _STATE_BUDGET:
            # Pathological route sets: stop narrowing; everything below stays a candidate.
            self._fill(state, passing.union(*(node.below() for node in nodes)))
            return state
        self._fill(state, inherited.union(*(node.ends for node in nodes)))
        wild = frozenset(node.wild for node in nodes if node.wild is not None)
        for segment in {segment for node in nodes for segment in node.literal}:
            reached = wild.union(node.literal[segment] for node in nodes if segment in node.literal)
            state.children[segment] = self.state(reached, passing)
        state.wild = self.state(wild, passing)
        return state

    def _fill(self, state: _State, indices: Iterable[int]) -> None:
        state.indices = self._always.union(indices)
        state.candidates = _by_scope([self._candidates[i] for i in sorted(state.indices)])


def _by_scope(chosen: Sequence[_Candidate]) -> _ByScope:
    """Split ordered candidates into one tuple per scope type."""
    return {
        scope_type: tuple(cand for cand in chosen if cand.entry.kind in kinds)
        for scope_type, kinds in _SCOPE_KINDS.items()
    }


def _trie_edges(template: str) -> tuple[list[str | None], bool]:
    """Split a path template into trie edges: a literal segment, or None for a param segment.

    Returns the edges and whether a segment-spanning param follows them, in which case the
    entry matches any path with more segments under those edges.
    """
    edges: list[str | None] = []
    for segment in template.split("/"):
        regexes = []
        for _, convertor in PARAM_REGEX.findall(segment):
            name = convertor[1:] or "str"
            if name not in CONVERTOR_TYPES:
                raise ValueError(
                    f"Unknown path convertor {name!r} in route path {template!r}; register it "
                    "with starlette.convertors.register_url_convertor() before building the app."
                )
            regexes.append(CONVERTOR_TYPES[name].regex)
        if not _SEGMENT_LOCAL.issuperset(regexes):
            return edges, True
        edges.append(None if regexes else segment)
    return edges, False


def _compile_entry(index: int, entry: RouteEntry, trie: _Node) -> _Candidate:
    """Compile one entry into its candidate and file it in the trie.

    Raises:
        ValueError: the entry is malformed (path, missing route, unknown convertor).
    """
    if entry.kind is RouteKind.MOUNT or entry.kind is RouteKind.OPAQUE:
        route = entry.route
        if route is None:
            raise ValueError(f"{entry.kind.name} entry {entry.path!r} needs its route object.")
        if not isinstance(route, Mount) or type(route).matches is not Mount.matches:
            return _RouteCandidate(index, entry, route, None)  # custom: tried for every request
        mount_path = entry.path.rstrip("/")
        if (mount_path and not mount_path.startswith("/")) or route.path != mount_path:
            raise ValueError(
                f"Mount path {entry.path!r} must be '' or start with '/' and equal "
                f"the Mount's own path {route.path!r}."
            )
        template = mount_path + "/{path:path}"  # the regex Mount itself compiles
        edges, spans = _trie_edges(template)
        trie.insert(edges, index, spans)
        return _RouteCandidate(index, entry, route, compile_path(template)[0])
    if not entry.path.startswith("/"):
        raise ValueError(f"Route path {entry.path!r} must start with '/'.")
    edges, spans = _trie_edges(entry.path)
    regex, _, convertors = compile_path(entry.path)
    if set(regex.groupindex) != set(convertors):
        raise ValueError(f"A convertor regex in route path {entry.path!r} has a named group.")
    if convertors:  # static paths live in the dict, never in the trie
        trie.insert(edges, index, spans)
    convert = []
    for name, convertor in convertors.items():
        method = type(convertor).convert
        function = _BUILTIN_CONVERTS.get(method, convertor.convert)
        if function is not None:
            convert.append((name, function))
    return _PathCandidate(index, entry, regex, tuple(convert))


class CompiledRouter:
    """Route scopes over ordered entries exactly as Starlette's ``Router`` would, compiled once.

    Args:
        entries: Every route, flattened (prefixes applied), in registration order.
        redirect_slashes: Whether a miss may redirect to the slash-toggled path.

    Raises:
        ValueError: An entry is malformed; the message names its path.
    """

    def __init__(self, entries: Sequence[RouteEntry], *, redirect_slashes: bool = True) -> None:
        self.entries = tuple(entries)
        self.redirect_slashes = redirect_slashes
        self._trie = _Node()
        candidates = [_compile_entry(i, entry, self._trie) for i, entry in enumerate(entries)]
        self._always = [cand.index for cand in candidates if cand.regex is None]
        builder = _Determinizer(candidates, self._always)
        self._root = builder.state(frozenset({self._trie}), frozenset())
        self._state_count = builder.size
        self._all = _by_scope(candidates)
        self._static = self._static_table(candidates)

    def _static_table(self, candidates: Sequence[_Candidate]) -> dict[str, _ByScope]:
        """Map each static path to the candidates that really match it, per scope type."""
        own: dict[str, dict[int, _Candidate]] = {}
        for cand in candidates:
            if isinstance(cand, _PathCandidate) and cand.regex and not cand.regex.groupindex:
                own.setdefault(cand.entry.path, {})[cand.index] = cand.prematched()
        table: dict[str, _ByScope] = {scope_type: {} for scope_type in _SCOPE_KINDS}
        for path, mine in own.items():
            # A path ending in "\n" defeats the segment walk (see _dynamic): test every entry.
            pool = range(len(candidates)) if path.endswith("\n") else self._walk(path).indices
            keep = [
                mine.get(i) or candidates[i]
                for i in sorted(mine.keys() | pool)
                if (regex := candidates[i].regex) is None or regex.match(path)
            ]
            for scope_type, chosen in _by_scope(keep).items():
                table[scope_type][path] = chosen
        return table

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
        lines = [
            f"CompiledRouter: {len(self.entries)} entries, redirect_slashes="
            f"{self.redirect_slashes}, {self._state_count} automaton states"
        ]
        lines += [f"  #{i} {_label(entry)}" for i, entry in enumerate(self.entries)]
        lines.append(f"static paths ({len(self._static['http'])}):")
        for path in self._static["http"]:
            indices = sorted({c.index for table in self._static.values() for c in table[path]})
            lines.append(f"  {path!r} -> " + ", ".join(f"#{i}" for i in indices))
        lines.append("segment trie ('{param}' = any one segment, '...' = any deeper path):")
        _describe_node(self._trie, "(root)", 1, lines)
        always = ", ".join(f"#{i}" for i in self._always) or "-"
        return "\n".join([*lines, f"tried for every request: {always}"])


def _label(entry: RouteEntry) -> str:
    """Return a one-line description of an entry for describe()."""
    if entry.kind is RouteKind.OPAQUE:
        return f"OPAQUE {entry.route!r}"
    methods = ",".join(sorted(entry.methods or ["*"])) + " " if entry.kind is RouteKind.HTTP else ""
    return f"{entry.kind.name} {methods}{entry.path}"


def _describe_node(node: _Node, edge: str, depth: int, lines: list[str]) -> None:
    """Append the trie under this node, one line per node, indented by depth."""
    line = "  " * depth + edge
    if node.ends:
        line += "  = " + ", ".join(f"#{i}" for i in node.ends)
    if node.catch_all:
        line += "  ... " + ", ".join(f"#{i}" for i in node.catch_all)
    lines.append(line)
    for segment, child in node.literal.items():
        _describe_node(child, repr(segment), depth + 1, lines)
    if node.wild is not None:
        _describe_node(node.wild, "{param}", depth + 1, lines)
