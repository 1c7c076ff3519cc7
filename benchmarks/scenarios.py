"""The scenarios: one request (or WebSocket conversation) each, and the answer it must get.

Stdlib only: the orchestrator reads the names and labels, the workers (in the bench venv)
build the requests from them. Expected answers are FastAPI's; Litestar, which answers some
errors in its own format, gets its own expectation where it differs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

AppName = Literal["main", "routes"]


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTP request, as the in-process driver and wrk send it."""

    method: str
    path: str
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class Expected:
    """The answer a scenario must get.

    Attributes:
        status: The HTTP status (for WebSockets: unused).
        json: The body, compared after JSON parsing (None: not compared as JSON).
        raw: The exact body bytes (for non-JSON responses).
        contains: Substrings the body must contain (for frameworks' own error formats).
    """

    status: int
    json: Any = None
    raw: bytes | None = None
    contains: tuple[str, ...] = ()

    def mismatch(self, status: int, body: bytes) -> str | None:
        """Return what is wrong with a response (status, body), or None when it is right."""
        shown = body[:300]
        if status != self.status:
            return f"status {status}, expected {self.status}; body {shown!r}"
        if self.raw is not None and body != self.raw:
            return f"body {shown!r}, expected {self.raw[:300]!r}"
        if self.json is not None:
            try:
                parsed = json.loads(body)
            except ValueError:
                return f"body is not JSON: {shown!r}"
            if parsed != self.json:
                return f"body {shown!r}, expected {json.dumps(self.json)[:300]}"
        text = body.decode("utf-8", "replace")
        missing = [part for part in self.contains if part not in text]
        if missing:
            return f"body {shown!r} lacks {missing}"
        return None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A benchmark scenario.

    Attributes:
        name: Short identifier (command line, worker protocol).
        label: The row label in the results table.
        app: Which application serves it: the scenario app or the 300-route app.
        request: The HTTP request; None for the WebSocket scenario.
        expected: FastAPI's answer.
        overrides: Framework name -> its own expected answer, where it legitimately differs.
        ws_messages: For the WebSocket scenario, the texts sent (each must be echoed).
        e2e: Also measured end to end through uvicorn and wrk.
    """

    name: str
    label: str
    app: AppName
    request: HttpRequest | None
    expected: Expected
    overrides: dict[str, Expected] = field(default_factory=dict)
    ws_messages: tuple[str, ...] = ()
    e2e: bool = False

    def expected_for(self, framework: str) -> Expected:
        """Return the answer `framework` must give."""
        return self.overrides.get(framework, self.expected)


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


JSON_HEADERS = (("content-type", "application/json"),)

ORDER: dict[str, Any] = {
    "id": 17,
    "customer": {"name": "Ada Lovelace", "email": "ada@example.com"},
    "items": [
        {"name": "notebook", "price": 3.5, "quantity": 2},
        {"name": "pencil", "price": 0.25, "quantity": 12},
        {"name": "eraser", "price": 0.75, "quantity": 1},
    ],
    "note": "leave at the door",
}

BAD_ORDER: dict[str, Any] = {
    **ORDER,
    "items": [{"name": "notebook", "price": 3.5, "quantity": "many"}],
}

BAD_ORDER_ERRORS = {
    "detail": [
        {
            "type": "int_parsing",
            "loc": ["body", "items", 0, "quantity"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "many",
        }
    ]
}

# About 100 KB of JSON: 1,000 products.
BULK = [
    {
        "id": i,
        "name": f"product-{i:04d}",
        "price": round(i * 0.37, 2),
        "tags": ["garden", "tools"],
        "in_stock": i % 3 != 0,
    }
    for i in range(1000)
]

PRODUCTS = [
    {"id": i, "name": f"product-{i}", "price": i * 1.25, "tags": ["a", "b"], "in_stock": i % 2 == 0}
    for i in range(100)
]

PERMISSIONS = {"permissions": ["read", "alice", "s3cr3t", "open"]}

STREAM_BODY = b"".join(b"chunk %03d\n" % index for index in range(100))

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "hello",
        "hello (small dict)",
        "main",
        HttpRequest("GET", "/hello"),
        Expected(200, {"message": "Hello, world"}),
        e2e=True,
    ),
    Scenario(
        "path_query",
        "path + query params",
        "main",
        HttpRequest("GET", "/items/42", "q=search&limit=5"),
        Expected(200, {"item_id": 42, "q": "search", "limit": 5}),
        e2e=True,
    ),
    Scenario(
        "body_model",
        "JSON body model (nested + list)",
        "main",
        HttpRequest("POST", "/orders", headers=JSON_HEADERS, body=_json(ORDER)),
        Expected(200, ORDER),
        e2e=True,
    ),
    Scenario(
        "deps_async",
        "async dependency chain (3, yield, header)",
        "main",
        HttpRequest("GET", "/deps/async", headers=(("x-token", "s3cr3t"),)),
        Expected(200, PERMISSIONS),
    ),
    Scenario(
        "deps_sync",
        "sync dependency chain (3, yield, header)",
        "main",
        HttpRequest("GET", "/deps/sync", headers=(("x-token", "s3cr3t"),)),
        Expected(200, PERMISSIONS),
    ),
    Scenario(
        "sync_endpoint",
        "plain def endpoint",
        "main",
        HttpRequest("GET", "/sync"),
        Expected(200, {"message": "Hello from a thread"}),
    ),
    Scenario(
        "models_100",
        "response of 100 models",
        "main",
        HttpRequest("GET", "/products"),
        Expected(200, PRODUCTS),
        e2e=True,
    ),
    Scenario(
        "bulk_body",
        "100 KB JSON body -> list[Model]",
        "main",
        HttpRequest("POST", "/products/bulk", headers=JSON_HEADERS, body=_json(BULK)),
        Expected(200, {"count": 1000, "last": "product-0999"}),
    ),
    Scenario(
        "form",
        "urlencoded form",
        "main",
        HttpRequest(
            "POST",
            "/login",
            headers=(("content-type", "application/x-www-form-urlencoded"),),
            body=b"username=alice&password=correct+horse&remember=true",
        ),
        Expected(200, {"username": "alice", "password_length": 13, "remember": True}),
    ),
    Scenario(
        "invalid_422",
        "422 validation failure",
        "main",
        HttpRequest("POST", "/orders", headers=JSON_HEADERS, body=_json(BAD_ORDER)),
        Expected(422, BAD_ORDER_ERRORS),
        # Litestar's own format for the same failure: 400 naming the failing field.
        overrides={"litestar": Expected(400, contains=("Validation failed", "quantity"))},
    ),
    Scenario(
        "not_found",
        "404",
        "main",
        HttpRequest("GET", "/no/such/page"),
        Expected(404, {"detail": "Not Found"}),
        overrides={"litestar": Expected(404, {"status_code": 404, "detail": "Not Found"})},
    ),
    Scenario(
        "last_route",
        "last of 300 routes",
        "routes",
        HttpRequest("GET", "/api/r99/items/7"),
        Expected(200, {"name": "item", "price": 1.0, "tags": [], "id": 7, "resource": "r99"}),
    ),
    Scenario(
        "websocket",
        "WebSocket echo (100 messages)",
        "main",
        None,
        Expected(200),
        ws_messages=tuple(f"message {index}" for index in range(100)),
    ),
    Scenario(
        "stream",
        "StreamingResponse, 100 chunks",
        "main",
        HttpRequest("GET", "/stream"),
        Expected(200, raw=STREAM_BODY),
    ),
)

BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
