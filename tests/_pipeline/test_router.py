"""The compiled route table gives Starlette's routing decision, found without a linear scan.

Every test builds real Starlette routes, derives the table's entries from them, and where the
decision matters compares with what ``starlette.routing.Router.app`` actually does for the same
scope (which route handled it, 405, redirect Location, or 404).
"""

from __future__ import annotations

import uuid
from collections.abc import Coroutine, MutableMapping
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import URL
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import (
    PARAM_REGEX,
    BaseRoute,
    Host,
    Match,
    Mount,
    Route,
    Router,
    WebSocketRoute,
)
from starlette.types import Receive, Scope, Send

from zephyr._pipeline import router_build as router_module
from zephyr._pipeline.router import CompiledRouter, RouteEntry, RouteKind, RouteMatch

# --------------------------------------------------------------------------- helpers


class Endpoint:
    """An ASGI app (so Route keeps the methods it is given) that records nothing itself."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await PlainTextResponse("ok")(scope, receive, send)


class PrefixRoute(BaseRoute):
    """A custom route: FULL for GET (or websocket) under a prefix, PARTIAL for other methods."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not scope["path"].startswith(self.prefix):
            return Match.NONE, {}
        child = {"path_params": {"prefix": self.prefix}}
        if scope["type"] == "http" and scope["method"] != "GET":
            return Match.PARTIAL, child
        return Match.FULL, child

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = 405 if scope["type"] == "http" and scope["method"] != "GET" else 200
        await PlainTextResponse("custom", status_code=status)(scope, receive, send)


def entry_for(route: BaseRoute, index: int) -> RouteEntry:
    """Describe a Starlette route the way the application flattens it."""
    if isinstance(route, Route):
        methods = None if route.methods is None else frozenset(route.methods)
        return RouteEntry(RouteKind.HTTP, route.path, methods, index)
    if isinstance(route, WebSocketRoute):
        return RouteEntry(RouteKind.WEBSOCKET, route.path, None, index)
    if isinstance(route, Mount):
        return RouteEntry(RouteKind.MOUNT, route.path, None, index, route)
    return RouteEntry(RouteKind.OPAQUE, "", None, index, route)


def compiled(routes: list[BaseRoute], redirect_slashes: bool = True) -> CompiledRouter:
    entries = [entry_for(route, i) for i, route in enumerate(routes)]
    return CompiledRouter(entries, redirect_slashes=redirect_slashes)


def make_scope(
    path: str,
    method: str = "GET",
    kind: str = "http",
    root_path: str = "",
    host: str = "example.com",
    path_params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    scope: dict[str, Any] = {
        "type": kind,
        "path": path,
        "root_path": root_path,
        "method": method,
        "headers": [(b"host", host.encode())],
        "query_string": b"",
        "scheme": "http" if kind == "http" else "ws",
    }
    if path_params is not None:
        scope["path_params"] = path_params
    return scope


def run_to_end(coro: Coroutine[Any, Any, None]) -> None:
    """Drive a coroutine that never really suspends (our receive/send do not)."""
    try:
        coro.send(None)
    except StopIteration:
        return
    raise AssertionError("Router.app suspended")  # pragma: no cover


def starlette_decision(
    routes: list[BaseRoute], scope: dict[str, Any], redirect_slashes: bool = True
) -> tuple[Any, ...]:
    """Run Starlette's real Router on the scope and summarise what it decided."""
    router = Router(routes=routes, redirect_slashes=redirect_slashes)
    messages: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:  # pragma: no cover - endpoints never read
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        messages.append(message)

    live = dict(scope)
    run_to_end(router.app(live, receive, send))
    start = messages[0]
    if "route" in live:
        index = next(i for i, route in enumerate(routes) if route is live["route"])
        full = not (start["type"] == "http.response.start" and start["status"] == 405)
        extra = live.get("root_path") if isinstance(routes[index], Mount) else None
        return ("match", index, full, typed(live["path_params"]), extra)
    if start["type"] == "http.response.start" and start["status"] in (307, 308):
        location = dict(start["headers"])[b"location"].decode("latin-1")
        return ("redirect", location)
    return ("miss",)


def zephyr_decision(table: CompiledRouter, scope: dict[str, Any]) -> tuple[Any, ...]:
    """Summarise the table's decision in the same shape as starlette_decision."""
    found = table.lookup(dict(scope))
    if found is not None:
        extra = None
        if found.entry.kind is RouteKind.MOUNT:
            assert found.child_scope is not None
            extra = found.child_scope["root_path"]
            assert found.child_scope["path_params"] is found.path_params
        return ("match", found.entry.target, found.full, typed(found.path_params), extra)
    target = table.redirect_path(dict(scope))
    if target is not None:
        # The caller answers with Starlette's RedirectResponse, which also quotes the URL.
        response = RedirectResponse(url=str(URL(scope={**scope, "path": target})))
        return ("redirect", response.headers["location"])
    return ("miss",)


def typed(params: dict[str, Any]) -> list[tuple[str, type, Any]]:
    """Make 1 and 1.0 (and key order) distinguishable when comparing params."""
    return [(key, type(value), value) for key, value in params.items()]


def assert_same(
    routes: list[BaseRoute], scope: dict[str, Any], redirect_slashes: bool = True
) -> tuple[Any, ...]:
    table = compiled(routes, redirect_slashes)
    expected = starlette_decision(routes, scope, redirect_slashes)
    assert zephyr_decision(table, scope) == expected, table.describe()
    return expected


def lookup(routes: list[BaseRoute], path: str, **scope: Any) -> RouteMatch | None:
    return compiled(routes).lookup(make_scope(path, **scope))


E = Endpoint()
UID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


# --------------------------------------------------------------------------- static vs dynamic


def test_static_path_is_found_with_empty_params() -> None:
    routes: list[BaseRoute] = [Route("/health", E), Route("/items", E, methods=["GET"])]
    found = lookup(routes, "/items")
    assert found is not None and found.entry.target == 1 and found.full
    assert found.path_params == {} and found.child_scope is None


def test_dynamic_route_registered_first_shadows_later_static_route() -> None:
    routes: list[BaseRoute] = [Route("/users/{name}", E), Route("/users/me", E)]
    found = lookup(routes, "/users/me")
    assert found is not None and found.entry.target == 0 and found.path_params == {"name": "me"}
    assert_same(routes, make_scope("/users/me"))


def test_static_route_registered_first_wins_over_dynamic() -> None:
    routes: list[BaseRoute] = [Route("/users/me", E), Route("/users/{name}", E)]
    found = lookup(routes, "/users/me")
    assert found is not None and found.entry.target == 0
    found = lookup(routes, "/users/bob")
    assert found is not None and found.entry.target == 1 and found.path_params == {"name": "bob"}


def test_first_registered_wins_among_overlapping_patterns() -> None:
    routes: list[BaseRoute] = [Route("/a/{x:int}", E), Route("/a/{x}", E), Route("/a/{y:int}", E)]
    first = lookup(routes, "/a/5")
    assert first is not None and first.entry.target == 0 and first.path_params == {"x": 5}
    second = lookup(routes, "/a/b")
    assert second is not None and second.entry.target == 1 and second.path_params == {"x": "b"}


def test_static_path_dict_still_honours_a_later_dynamic_route_for_other_methods() -> None:
    routes: list[BaseRoute] = [
        Route("/items/new", E, methods=["GET"]),
        Route("/items/{id}", E, methods=["POST"]),
    ]
    found = lookup(routes, "/items/new", method="POST")
    assert found is not None and found.entry.target == 1 and found.full
    assert found.path_params == {"id": "new"}


# --------------------------------------------------------------------------- convertors


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("/n/{v:int}", "/n/42", 42),
        ("/n/{v:float}", "/n/1.5", 1.5),
        ("/n/{v:float}", "/n/3", 3.0),
        ("/n/{v:uuid}", f"/n/{UID}", uuid.UUID(UID)),
        ("/n/{v:path}", "/n/a/b/c", "a/b/c"),
        ("/n/{v:path}", "/n/", ""),
        ("/n/{v:str}", "/n/hello world", "hello world"),
        ("/n/{v}", "/n/caf\u00e9", "caf\u00e9"),
    ],
)
def test_convertors_convert_like_starlette(template: str, path: str, expected: Any) -> None:
    found = lookup([Route(template, E)], path)
    assert found is not None and found.path_params == {"v": expected}
    assert type(found.path_params["v"]) is type(expected)
    assert_same([Route(template, E)], make_scope(path))


@pytest.mark.parametrize("path", ["/n/-1", "/n/1.5", "/n/x", "/n/", "/n/1/2", "/n/\u0663"])
def test_int_convertor_rejects_what_its_regex_rejects(path: str) -> None:
    assert lookup([Route("/n/{v:int}", E)], path) is None


def test_path_convertor_in_the_middle_spans_segments() -> None:
    routes: list[BaseRoute] = [Route("/a/{rest:path}/end", E)]
    found = lookup(routes, "/a/x/y/end")
    assert found is not None and found.path_params == {"rest": "x/y"}
    assert lookup(routes, "/a/x/y/other") is None


def test_mixed_segment_with_text_and_params() -> None:
    routes: list[BaseRoute] = [Route("/files/{name}.{ext}", E), Route("/v{major:int}/x", E)]
    found = lookup(routes, "/files/report.tar.gz")
    # Greedy like Starlette's regex: the first param takes as much as it can.
    assert found is not None and found.path_params == {"name": "report.tar", "ext": "gz"}
    found = lookup(routes, "/v2/x")
    assert found is not None and found.entry.target == 1 and found.path_params == {"major": 2}
    assert lookup(routes, "/files/noext") is None


class HexConvertor(Convertor[int]):
    regex = "[0-9a-f]+"

    def convert(self, value: str) -> int:
        return int(value, 16)

    def to_string(self, value: int) -> str:
        return f"{value:x}"


class SlashyConvertor(Convertor[str]):
    regex = "[a-z]+(/[a-z]+)*"  # custom and spanning segments: the table must not drop it

    def convert(self, value: str) -> str:
        return value.upper()

    def to_string(self, value: str) -> str:
        return value.lower()


register_url_convertor("zephyr_test_hex", HexConvertor())
register_url_convertor("zephyr_test_slashy", SlashyConvertor())


def test_custom_convertors_are_used_and_never_narrowed_away() -> None:
    routes: list[BaseRoute] = [
        Route("/h/{v:zephyr_test_hex}", E),
        Route("/s/{v:zephyr_test_slashy}/end", E),
    ]
    found = lookup(routes, "/h/ff")
    assert found is not None and found.path_params == {"v": 255}
    found = lookup(routes, "/s/ab/cd/end")
    assert found is not None and found.entry.target == 1 and found.path_params == {"v": "AB/CD"}
    assert_same(routes, make_scope("/s/ab/cd/end"))


def test_unknown_convertor_is_a_configuration_error_naming_the_path() -> None:
    with pytest.raises(ValueError, match=r"nope.*'/x/\{v:nope\}'"):
        CompiledRouter([RouteEntry(RouteKind.HTTP, "/x/{v:nope}", None, 0)])


# --------------------------------------------------------------------------- methods and 405


def test_wrong_method_is_a_partial_match_with_converted_params() -> None:
    routes: list[BaseRoute] = [Route("/items/{id:int}", E, methods=["GET"])]
    found = lookup(routes, "/items/3", method="DELETE")
    assert found is not None and not found.full and found.path_params == {"id": 3}
    assert found.entry.methods == frozenset({"GET", "HEAD"})


def test_full_match_later_beats_partial_match_earlier() -> None:
    routes: list[BaseRoute] = [
        Route("/items", E, methods=["GET"]),
        Route("/items", E, methods=["POST"]),
        Route("/items", E, methods=["PUT"]),
    ]
    found = lookup(routes, "/items", method="PUT")
    assert found is not None and found.full and found.entry.target == 2


def test_first_partial_wins_when_nothing_matches_fully() -> None:
    routes: list[BaseRoute] = [
        Route("/items/{id}", E, methods=["GET"]),
        Route("/items/{id:int}", E, methods=["POST"]),
    ]
    found = lookup(routes, "/items/1", method="PATCH")
    assert found is not None and not found.full and found.entry.target == 0
    assert_same(routes, make_scope("/items/1", method="PATCH"))


def test_none_or_empty_methods_allow_every_method() -> None:
    for methods in (None, frozenset[str]()):
        table = CompiledRouter([RouteEntry(RouteKind.HTTP, "/any", methods, 0)])
        found = table.lookup(make_scope("/any", method="BREW"))
        assert found is not None and found.full
    assert_same([Route("/any", E, methods=[])], make_scope("/any", method="BREW"))


def test_head_is_only_allowed_when_the_entry_lists_it() -> None:
    table = CompiledRouter([RouteEntry(RouteKind.HTTP, "/api", frozenset({"GET"}), 0)])
    found = table.lookup(make_scope("/api", method="HEAD"))
    assert found is not None and not found.full


# --------------------------------------------------------------------------- websocket vs http


def test_websocket_and_http_routes_only_match_their_scope_type() -> None:
    routes: list[BaseRoute] = [WebSocketRoute("/live/{room}", E), Route("/live/{room}", E)]
    http = lookup(routes, "/live/r1")
    assert http is not None and http.entry.target == 1
    ws = lookup(routes, "/live/r1", kind="websocket")
    assert ws is not None and ws.entry.target == 0 and ws.full and ws.path_params == {"room": "r1"}
    assert lookup([Route("/only-http", E)], "/only-http", kind="websocket") is None
    assert lookup([WebSocketRoute("/only-ws", E)], "/only-ws") is None


def test_websocket_ignores_method_and_never_redirects() -> None:
    routes: list[BaseRoute] = [WebSocketRoute("/ws", E)]
    assert lookup(routes, "/ws", kind="websocket", method="POST") is not None
    assert compiled(routes).redirect_path(make_scope("/ws/", kind="websocket")) is None


def test_other_scope_types_never_match() -> None:
    table = compiled([Route("/x", E), Mount("", app=E)])
    assert table.lookup({"type": "lifespan", "path": "/x"}) is None


# --------------------------------------------------------------------------- mounts, root_path


def test_mount_produces_starlettes_child_scope() -> None:
    routes: list[BaseRoute] = [Mount("/static", app=E), Route("/static/x", E)]
    found = lookup(routes, "/static/css/site.css")
    assert found is not None and found.entry.target == 0 and found.full
    assert found.child_scope is not None
    assert found.child_scope["root_path"] == "/static"
    assert found.child_scope["endpoint"] is E
    # Registered first, the mount also shadows the later route.
    found = lookup(routes, "/static/x")
    assert found is not None and found.entry.target == 0


def test_mount_with_params_under_root_path() -> None:
    routes: list[BaseRoute] = [Mount("/api", app=E), Mount("/users/{uid:int}", app=E)]
    found = lookup(routes, "/app/users/7/posts/1", root_path="/app")
    assert found is not None and found.entry.target == 1
    assert found.path_params == {"uid": 7}
    assert found.child_scope is not None and found.child_scope["root_path"] == "/app/users/7"
    assert found.child_scope["app_root_path"] == "/app"
    assert lookup(routes, "/app/users/x/posts", root_path="/app") is None
    for path in ["/app/users/7/posts/1", "/app/api/users/7", "/app/users/7", "/app/api"]:
        assert_same(routes, make_scope(path, root_path="/app"))


def test_mount_at_root_catches_every_path_but_not_the_bare_root_path() -> None:
    routes: list[BaseRoute] = [Route("/x", E, methods=["POST"]), Mount("", app=E)]
    found = lookup(routes, "/anything/at/all")
    assert found is not None and found.entry.target == 1
    found = lookup(routes, "/x")
    assert found is not None and found.entry.target == 1 and found.full
    # root_path equal to the whole path leaves "" as the route path: nothing matches.
    assert lookup(routes, "/app", root_path="/app") is None


def test_mount_path_must_agree_with_the_mount_object() -> None:
    with pytest.raises(ValueError, match="Mount path '/a'"):
        CompiledRouter([RouteEntry(RouteKind.MOUNT, "/a", None, 0, Mount("/b", app=E))])
    with pytest.raises(ValueError, match="needs its route object"):
        CompiledRouter([RouteEntry(RouteKind.MOUNT, "/a", None, 0)])


def test_root_path_is_stripped_only_at_a_segment_boundary() -> None:
    routes: list[BaseRoute] = [Route("/items", E), Route("/apiitems", E)]
    found = lookup(routes, "/api/items", root_path="/api")
    assert found is not None and found.entry.target == 0
    # "/apiitems" does not start with "/api/": the whole path is the route path.
    found = lookup(routes, "/apiitems", root_path="/api")
    assert found is not None and found.entry.target == 1


def test_existing_path_params_are_merged_under_the_new_ones() -> None:
    found = lookup([Route("/x/{b}", E)], "/x/2", path_params={"a": 1, "b": 0})
    assert found is not None and found.path_params == {"a": 1, "b": "2"}
    assert list(found.path_params) == ["a", "b"]


# --------------------------------------------------------------------------- Host and custom


def test_host_route_is_tried_at_its_registration_position() -> None:
    routes: list[BaseRoute] = [
        Route("/a", E),
        Host("{sub}.example.com", app=E),
        Route("/b", E),
    ]
    found = lookup(routes, "/a", host="api.example.com")
    assert found is not None and found.entry.target == 0
    found = lookup(routes, "/b", host="api.example.com")
    assert found is not None and found.entry.target == 1
    assert found.path_params == {"sub": "api"}
    found = lookup(routes, "/b", host="other.org")
    assert found is not None and found.entry.target == 2


def test_custom_route_partial_is_kept_after_a_full_match_is_sought() -> None:
    routes: list[BaseRoute] = [PrefixRoute("/c"), Route("/c/{x}", E, methods=["POST"])]
    found = lookup(routes, "/c/1", method="POST")
    assert found is not None and found.entry.target == 1 and found.full
    found = lookup(routes, "/c/1", method="PUT")
    assert found is not None and found.entry.target == 0 and not found.full
    assert found.child_scope == {"path_params": {"prefix": "/c"}}


# --------------------------------------------------------------------------- redirect_slashes


@pytest.mark.parametrize(
    ("template", "path", "target"),
    [
        ("/items", "/items/", "/items"),
        ("/items/", "/items", "/items/"),
        ("/items", "/items///", "/items"),  # every trailing slash is stripped
        ("/items/{id:int}", "/items/5/", "/items/5"),
        ("/items", "/items/x", None),
    ],
)
def test_redirect_toggles_the_trailing_slash(template: str, path: str, target: str | None) -> None:
    table = compiled([Route(template, E)])
    scope = make_scope(path)
    assert table.lookup(dict(scope)) is None
    assert table.redirect_path(scope) == target
    assert_same([Route(template, E)], scope)


def test_redirect_also_when_the_toggled_path_only_matches_partially() -> None:
    table = compiled([Route("/items", E, methods=["POST"])])
    assert table.redirect_path(make_scope("/items/", method="GET")) == "/items"


def test_redirect_to_a_mount_and_keeps_root_path() -> None:
    routes: list[BaseRoute] = [Mount("/docs", app=E)]
    assert compiled(routes).redirect_path(make_scope("/docs")) == "/docs/"
    scope = make_scope("/app/docs", root_path="/app")
    assert compiled(routes).redirect_path(scope) == "/app/docs/"
    assert_same(routes, scope)


def test_root_never_redirects_and_disabled_never_redirects() -> None:
    routes: list[BaseRoute] = [Route("/items", E), Route("//", E)]
    assert compiled(routes).redirect_path(make_scope("/")) is None
    assert compiled(routes).redirect_path(make_scope("/app/", root_path="/app")) is None
    disabled = compiled(routes, redirect_slashes=False)
    assert disabled.redirect_path(make_scope("/items/")) is None
    assert_same(routes, make_scope("/items/"), redirect_slashes=False)


# --------------------------------------------------------------------------- odd paths


@pytest.mark.parametrize(
    "path",
    ["//", "/a//b", "/a/b//", "/a/", "/a/\n", "/a\n", "/a/1\n", "/\u00fc/\u00e9", "/a/x%2Fy", ""],
)
def test_odd_paths_route_exactly_like_starlette(path: str) -> None:
    routes: list[BaseRoute] = [
        Route("/a/{x}/b", E),
        Route("/a/{n:int}", E),
        Route("/a", E),
        Route("/\u00fc/{v}", E),
        Route("/a/{rest:path}", E),
        Route("//", E),
    ]
    assert_same(routes, make_scope(path))


def test_trailing_newline_matches_like_starlettes_dollar() -> None:
    # Python's "$" matches before a final "\n": Starlette routes "/a\n" (from "%0A") to "/a".
    found = lookup([Route("/a", E), Route("/n/{v:int}", E)], "/a\n")
    assert found is not None and found.entry.target == 0
    found = lookup([Route("/a", E), Route("/n/{v:int}", E)], "/n/12\n")
    assert found is not None and found.path_params == {"v": 12}


def test_pathological_route_sets_stop_narrowing_but_stay_correct(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(router_module, "_STATE_BUDGET", 3)
    routes: list[BaseRoute] = [
        Route("/{a}/x/{b}", E),
        Route("/y/{a}/{b}", E),
        Route("/y/x/z", E),
        Route("/{a}/{b}/{c:int}", E),
    ]
    for path in ["/y/x/z", "/q/x/1", "/y/x/1", "/y/q/z", "/q/q/2", "/q/q/q"]:
        assert_same(routes, make_scope(path))


# --------------------------------------------------------------------------- describe


def test_describe_lists_entries_static_paths_trie_and_unnarrowed_routes() -> None:
    table = compiled(
        [
            Route("/users/me", E, methods=["GET"]),
            Route("/users/{id:int}", E),
            Mount("/static", app=E),
            Host("example.com", app=E),
        ]
    )
    text = table.describe()
    assert "#0 HTTP GET,HEAD /users/me" in text
    assert "'/users/me' -> #0, #3" in text
    assert "{param}  = #1" in text
    assert "'static'  ... #2" in text
    assert "tried for every request: #3" in text


# --------------------------------------------------------------------------- properties

LITERALS = ["a", "b", "1", "ab"]
CONVERTOR_NAMES = ["str", "int", "float", "uuid", "path", "zephyr_test_hex", "zephyr_test_slashy"]
VALUES = ["7", "42", "1.5", "0", UID, UID.replace("-", ""), "a", "b", "1", "x y", "\u00fc"]
VALUES += ["", "a/b"]  # an empty param and a value with a slash (percent-decoded "%2F")


@st.composite
def templates(draw: st.DrawFn) -> str:
    """Draw a path template: literals, params, mixed segments, empty segments."""
    segments = []
    for index in range(draw(st.integers(0, 3))):
        form = draw(st.sampled_from(["lit", "lit", "param", "param", "mixed", "empty"]))
        if form == "lit":
            segments.append(draw(st.sampled_from(LITERALS)))
        elif form == "param":
            segments.append(f"{{p{index}:{draw(st.sampled_from(CONVERTOR_NAMES))}}}")
        elif form == "mixed":
            mixed = [f"{{p{index}}}.{{q{index}}}", f"v{{p{index}:int}}", f"{{p{index}:int}}a"]
            segments.append(draw(st.sampled_from(mixed)))
        else:
            segments.append("")
    path = "/" + "/".join(segments)
    if path != "/" and draw(st.booleans()):
        path += "/"
    return path


@st.composite
def routes_lists(draw: st.DrawFn) -> list[BaseRoute]:
    """Draw an ordered route list mixing Route, WebSocketRoute, Mount, Host and a custom route."""
    routes: list[BaseRoute] = []
    kinds = ["http", "http", "http", "http", "ws", "mount", "host", "custom"]
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(kinds))
        if kind == "http":
            methods = draw(st.none() | st.sets(st.sampled_from(["GET", "POST", "PUT"]), max_size=2))
            routes.append(Route(draw(templates()), E, methods=methods))
        elif kind == "ws":
            routes.append(WebSocketRoute(draw(templates()), E))
        elif kind == "mount":
            routes.append(Mount(draw(templates()), app=E))
        elif kind == "host":
            routes.append(Host("example.com", app=E))
        else:
            routes.append(PrefixRoute("/" + draw(st.sampled_from(LITERALS))))
    return routes


def route_template(route: BaseRoute) -> str:
    if isinstance(route, Mount):
        return route.path + "/{path:path}"
    return getattr(route, "path", "/" + "/".join(LITERALS))


@st.composite
def request_scopes(draw: st.DrawFn, routes: list[BaseRoute]) -> dict[str, Any]:
    """Draw a scope whose path is derived from one template, filled in and then mutated."""
    derived = st.sampled_from([route_template(r) for r in routes])
    template = draw(st.one_of(derived, derived, derived, templates()))
    path = PARAM_REGEX.sub(lambda _: draw(st.sampled_from(VALUES)), template)
    segments = path.split("/")
    mutation = draw(
        st.sampled_from(
            ["none", "none", "slash", "slash", "replace", "extra", "drop", "double", "nl"]
        )
    )
    if mutation == "slash":
        path = path[:-1] if path.endswith("/") else path + "/"
    elif mutation == "replace" and len(segments) > 1:
        segments[draw(st.integers(1, len(segments) - 1))] = draw(st.sampled_from(VALUES + LITERALS))
        path = "/".join(segments)
    elif mutation == "extra":
        path = path + "/" + draw(st.sampled_from(LITERALS))
    elif mutation == "drop":
        path = "/".join(segments[:-1]) or "/"
    elif mutation == "double":
        path = path.replace("/", "//", 1)
    elif mutation == "nl":
        path += "\n"
    root_path = draw(st.sampled_from(["", "", "", "/r"]))
    if root_path and draw(st.booleans()):
        path = root_path + path
    return make_scope(
        path,
        method=draw(st.sampled_from(["GET", "POST", "PUT", "HEAD", "DELETE"])),
        kind=draw(st.sampled_from(["http", "http", "http", "websocket"])),
        root_path=root_path,
        host=draw(st.sampled_from(["example.com", "other.org", "other.org", "other.org"])),
        path_params=draw(st.none() | st.just({"p0": "outer", "z": 1})),
    )


def outcome(decision: tuple[Any, ...], routes: list[BaseRoute]) -> str:
    """Name a decision for hypothesis statistics (run pytest with --hypothesis-show-statistics)."""
    if decision[0] != "match":
        return str(decision[0])
    route = routes[decision[1]]
    return f"{type(route).__name__} {'full' if decision[2] else 'partial'}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), routes=routes_lists(), redirect_slashes=st.booleans())
def test_same_decision_as_starlette_router(
    data: st.DataObject, routes: list[BaseRoute], redirect_slashes: bool
) -> None:
    table = compiled(routes, redirect_slashes)
    for _ in range(6):
        scope = data.draw(request_scopes(routes))
        expected = starlette_decision(routes, scope, redirect_slashes)
        event(outcome(expected, routes))
        assert zephyr_decision(table, scope) == expected, table.describe()


@settings(max_examples=100, deadline=None)
@given(data=st.data(), templates_=st.lists(templates(), min_size=20, max_size=40))
def test_same_decision_as_starlette_router_for_large_http_route_sets(
    data: st.DataObject, templates_: list[str]
) -> None:
    routes: list[BaseRoute] = [Route(t, E, methods=["GET"]) for t in templates_]
    table = compiled(routes)
    for _ in range(6):
        scope = data.draw(request_scopes(routes))
        expected = starlette_decision(routes, scope)
        event(outcome(expected, routes))
        assert zephyr_decision(table, scope) == expected
