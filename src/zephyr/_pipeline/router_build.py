"""STARTUP ONLY: compile route entries into the table `router.py` walks.

Each static path maps to the exact ordered entries that match it (every other entry's regex
is run on it here, so an earlier dynamic route that shadows it stays first). Dynamic templates
go into a segment trie (literal edges, a wildcard edge for segments with params, catch-all
marks for params that may span segments), determinised by subset construction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.convertors import (
    CONVERTOR_TYPES,
    FloatConvertor,
    IntegerConvertor,
    PathConvertor,
    StringConvertor,
    UUIDConvertor,
)
from starlette.routing import PARAM_REGEX, Mount, compile_path

from zephyr._pipeline.router import (
    RouteEntry,
    RouteKind,
    _ByScope,
    _Candidate,
    _PathCandidate,
    _RouteCandidate,
    _State,
)

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


@dataclass
class Built:
    """The compiled parts of a route table."""

    root: _State
    all: _ByScope
    static: dict[str, _ByScope]
    trie: _Node
    always: list[int]
    state_count: int
    entries: tuple[RouteEntry, ...]


def build(entries: Sequence[RouteEntry]) -> Built:
    """Compile ordered entries into the automaton and the static dict.

    Raises:
        ValueError: An entry is malformed; the message names its path.
    """
    trie = _Node()
    candidates = [_compile_entry(i, entry, trie) for i, entry in enumerate(entries)]
    always = [cand.index for cand in candidates if cand.regex is None]
    builder = _Determinizer(candidates, always)
    root = builder.state(frozenset({trie}), frozenset())
    static = _static_table(candidates, root)
    return Built(root, _by_scope(candidates), static, trie, always, builder.size, tuple(entries))


def _walk(root: _State, route_path: str) -> _State:
    state = root
    for segment in route_path.split("/"):
        state = state.children.get(segment, state.wild)
    return state


def _static_table(candidates: Sequence[_Candidate], root: _State) -> dict[str, _ByScope]:
    """Map each static path to the candidates that really match it, per scope type."""
    own: dict[str, dict[int, _Candidate]] = {}
    for cand in candidates:
        if isinstance(cand, _PathCandidate) and cand.regex and not cand.regex.groupindex:
            own.setdefault(cand.entry.path, {})[cand.index] = cand.prematched()
    table: dict[str, _ByScope] = {scope_type: {} for scope_type in _SCOPE_KINDS}
    for path, mine in own.items():
        # A path ending in "\n" defeats the segment walk (see router._dynamic): test every entry.
        pool = range(len(candidates)) if path.endswith("\n") else _walk(root, path).indices
        keep = [
            mine.get(i) or candidates[i]
            for i in sorted(mine.keys() | pool)
            if (regex := candidates[i].regex) is None or regex.match(path)
        ]
        for scope_type, chosen in _by_scope(keep).items():
            table[scope_type][path] = chosen
    return table


def describe(built: Built, redirect_slashes: bool) -> str:
    """Return a readable dump of the table: entries, static dict, trie, unnarrowed entries."""
    lines = [
        f"CompiledRouter: {len(built.entries)} entries, redirect_slashes="
        f"{redirect_slashes}, {built.state_count} automaton states"
    ]
    lines += [f"  #{i} {_label(entry)}" for i, entry in enumerate(built.entries)]
    lines.append(f"static paths ({len(built.static['http'])}):")
    for path in built.static["http"]:
        indices = sorted({c.index for table in built.static.values() for c in table[path]})
        lines.append(f"  {path!r} -> " + ", ".join(f"#{i}" for i in indices))
    lines.append("segment trie ('{param}' = any one segment, '...' = any deeper path):")
    _describe_node(built.trie, "(root)", 1, lines)
    always = ", ".join(f"#{i}" for i in built.always) or "-"
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
