"""Security classes: every scheme and failure mode, on HTTP and WebSocket routes, vs FastAPI."""

import base64
from typing import Annotated

from .harness import Cases, do, get, post

cases = Cases()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def auth(value: str | bytes) -> dict:
    """Request kwargs sending `value` as the Authorization header (bytes kept as they are)."""
    if isinstance(value, bytes):
        return {"headers": [(b"authorization", value)]}
    return {"headers": {"authorization": value}}


def describe(value):
    if value is None or isinstance(value, str):
        return {"value": value}
    return {"type": type(value).__name__, **value.model_dump()}


def websocket_outcome(fw, app, url, **kwargs):
    """Connect to a WebSocket route; return what it sent, or the denial response."""
    client = fw.testclient.TestClient(app)
    try:
        with client.websocket_connect(url, **kwargs) as websocket:
            return ("accepted", websocket.receive_json())
    except Exception as exc:
        status = getattr(exc, "status_code", None)
        if status is None:
            return ("raised", type(exc).__name__, str(exc))
        headers = sorted((k, v) for k, v in exc.headers.items() if k != "content-length")
        return ("denied", status, exc.content, headers)


def scheme_routes(fw, app, prefix, scheme):
    """GET `prefix` and WebSocket `prefix`/ws answering what `scheme` returned."""

    @app.get(prefix)
    def read(value=fw.Depends(scheme)):
        return describe(value)

    @app.websocket(prefix + "/ws")
    async def socket(websocket: fw.WebSocket, value=fw.Depends(scheme)):
        await websocket.accept()
        await websocket.send_json(describe(value))
        await websocket.close()


@cases.add
def http_basic(fw):
    app = fw.FastAPI()
    scheme_routes(fw, app, "/basic", fw.security.HTTPBasic())
    scheme_routes(fw, app, "/realm", fw.security.HTTPBasic(realm="staff"))
    scheme_routes(fw, app, "/optional", fw.security.HTTPBasic(auto_error=False))
    steps = []
    for path in ("/basic", "/realm", "/optional"):
        steps += [
            get(path, "missing"),
            get(path, "valid", **auth("Basic " + b64(b"alice:pw"))),
            get(path, "password with colons", **auth("Basic " + b64(b"a:b:c"))),
            get(path, "empty password", **auth("basic " + b64(b"a:"))),
            get(path, "other scheme", **auth("Bearer abc")),
            get(path, "scheme only", **auth("Basic")),
            get(path, "empty credentials", **auth("Basic ")),
            get(path, "not base64", **auth("Basic !!!")),
            get(path, "bad padding", **auth("Basic dTp")),
            get(path, "no colon", **auth("Basic " + b64(b"nocolon"))),
            get(path, "utf-8 credentials", **auth("Basic " + b64("é:ü".encode()))),
            get(path, "non-UTF-8 credentials", **auth("Basic " + b64(b"\xff:\xfe"))),
            get(path, "non-ASCII header bytes", **auth(b"Basic \xe9t\xe9")),
        ]
    return app, [
        *steps,
        do(lambda: websocket_outcome(fw, app, "/basic/ws"), "websocket: missing"),
        do(
            lambda: websocket_outcome(fw, app, "/realm/ws", **auth("Basic " + b64(b"u:p"))),
            "websocket: valid",
        ),
        do(
            lambda: websocket_outcome(fw, app, "/optional/ws", **auth("Basic !!")),
            "websocket: malformed, auto_error=False",
        ),
    ]


@cases.add
def http_bearer_digest_base(fw):
    app = fw.FastAPI()
    schemes = {
        "/bearer": fw.security.HTTPBearer(bearerFormat="JWT"),
        "/bearer-optional": fw.security.HTTPBearer(auto_error=False),
        "/digest": fw.security.HTTPDigest(),
        "/digest-optional": fw.security.HTTPDigest(auto_error=False),
        "/base": fw.security.http.HTTPBase(scheme="custom"),
        "/base-optional": fw.security.http.HTTPBase(scheme="custom", auto_error=False),
    }
    for path, scheme in schemes.items():
        scheme_routes(fw, app, path, scheme)
    steps = []
    for path in schemes:
        steps += [
            get(path, "missing"),
            get(path, "bearer", **auth("Bearer abc")),
            get(path, "lowercase bearer, extra spaces", **auth("bearer   abc  ")),
            get(path, "digest", **auth('Digest username="u", response="r"')),
            get(path, "scheme only", **auth("Bearer")),
            get(path, "blank credentials", **auth("Digest   ")),
            get(path, "other scheme", **auth("Token abc")),
            get(path, "no space", **auth("Bearerabc")),
            get(path, "empty header", **auth("")),
        ]
    return app, [
        *steps,
        do(lambda: websocket_outcome(fw, app, "/bearer/ws"), "websocket: bearer missing"),
        do(
            lambda: websocket_outcome(fw, app, "/bearer/ws", **auth("Bearer t")),
            "websocket: bearer valid",
        ),
        do(
            lambda: websocket_outcome(fw, app, "/digest/ws", **auth("Bearer t")),
            "websocket: digest, wrong scheme",
        ),
        do(
            lambda: websocket_outcome(fw, app, "/bearer-optional/ws"),
            "websocket: optional bearer",
        ),
    ]


@cases.add
def api_keys(fw):
    app = fw.FastAPI()
    security = fw.security
    schemes = {
        "/query": security.APIKeyQuery(name="key"),
        "/header": security.APIKeyHeader(name="X-Key"),
        "/cookie": security.APIKeyCookie(name="session"),
        "/query-optional": security.APIKeyQuery(name="key", auto_error=False),
        "/header-optional": security.APIKeyHeader(name="X-Key", auto_error=False),
        "/cookie-optional": security.APIKeyCookie(name="session", auto_error=False),
    }
    for path, scheme in schemes.items():
        scheme_routes(fw, app, path, scheme)
    steps = []
    for path in schemes:
        steps += [
            get(path, "missing"),
            get(path + "?key=q", "in the query"),
            get(path + "?key=", "empty in the query"),
            get(path + "?key=a&key=b", "repeated in the query"),
            get(path, "in a header", headers={"x-key": "h"}),
            get(path, "empty header", headers={"x-key": ""}),
            get(path, "in a cookie", headers={"cookie": "session=c"}),
            get(path, "empty cookie", headers={"cookie": "session="}),
        ]
    return app, [
        *steps,
        do(lambda: websocket_outcome(fw, app, "/header/ws"), "websocket: header missing"),
        do(
            lambda: websocket_outcome(fw, app, "/header/ws", headers={"x-key": "k"}),
            "websocket: header present",
        ),
        do(lambda: websocket_outcome(fw, app, "/query/ws?key=k"), "websocket: query"),
        do(
            lambda: websocket_outcome(fw, app, "/cookie/ws", headers={"cookie": "session=s"}),
            "websocket: cookie",
        ),
        do(
            lambda: websocket_outcome(fw, app, "/cookie-optional/ws"),
            "websocket: optional cookie missing",
        ),
    ]


@cases.add
def oauth2_and_openid_schemes(fw):
    app = fw.FastAPI()
    security = fw.security
    schemes = {
        "/oauth2": security.OAuth2(),
        "/oauth2-optional": security.OAuth2(auto_error=False),
        "/password": security.OAuth2PasswordBearer(tokenUrl="token", scopes={"a": "A"}),
        "/password-optional": security.OAuth2PasswordBearer(tokenUrl="token", auto_error=False),
        "/code": security.OAuth2AuthorizationCodeBearer(authorizationUrl="auth", tokenUrl="t"),
        "/code-optional": security.OAuth2AuthorizationCodeBearer(
            authorizationUrl="auth", tokenUrl="t", auto_error=False
        ),
        "/oidc": security.OpenIdConnect(openIdConnectUrl="https://id.test/.well-known"),
        "/oidc-optional": security.OpenIdConnect(openIdConnectUrl="u", auto_error=False),
    }
    for path, scheme in schemes.items():
        scheme_routes(fw, app, path, scheme)
    steps = []
    for path in schemes:
        steps += [
            get(path, "missing"),
            get(path, "bearer", **auth("Bearer tok")),
            get(path, "lowercase", **auth("bearer  tok ")),
            get(path, "scheme only", **auth("Bearer")),
            get(path, "other scheme", **auth("Basic abc")),
            get(path, "empty header", **auth("")),
        ]
    return app, [
        *steps,
        do(lambda: websocket_outcome(fw, app, "/password/ws"), "websocket: missing"),
        do(
            lambda: websocket_outcome(fw, app, "/password/ws", **auth("Bearer w")),
            "websocket: token",
        ),
        do(
            lambda: websocket_outcome(fw, app, "/oidc/ws", **auth("Bearer w")),
            "websocket: openid connect",
        ),
        do(
            lambda: websocket_outcome(fw, app, "/code-optional/ws", **auth("Basic x")),
            "websocket: optional, wrong scheme",
        ),
    ]


@cases.add
def security_scopes(fw, log):
    app = fw.FastAPI()
    oauth2 = fw.security.OAuth2PasswordBearer(tokenUrl="token", scopes={"me": "Me"})
    granted = {"alice": ["me", "items"], "bob": ["me"]}

    def current_user(
        security_scopes: fw.security.SecurityScopes, token: Annotated[str, fw.Depends(oauth2)]
    ):
        log.append(("current_user", security_scopes.scopes, security_scopes.scope_str))
        challenge = f'Bearer scope="{security_scopes.scope_str}"'
        if token not in granted:
            raise fw.HTTPException(401, "Could not validate", {"WWW-Authenticate": challenge})
        for scope in security_scopes.scopes:
            if scope not in granted[token]:
                raise fw.HTTPException(
                    401, "Not enough permissions", {"WWW-Authenticate": challenge}
                )
        return token

    def active_user(user: Annotated[str, fw.Security(current_user, scopes=["me"])]):
        return user

    @app.get("/me")
    def me(user: Annotated[str, fw.Depends(active_user)]):
        return {"user": user}

    @app.get("/items")
    def items(user: Annotated[str, fw.Security(active_user, scopes=["items"])]):
        return {"user": user}

    @app.get("/both")
    def both(
        a: Annotated[str, fw.Security(current_user, scopes=["me"])],
        b: Annotated[str, fw.Security(current_user, scopes=["me"])],
        c: Annotated[str, fw.Security(current_user, scopes=["items"])],
    ):
        return [a, b, c]

    @app.websocket("/ws")
    async def socket(websocket: fw.WebSocket, user=fw.Security(active_user, scopes=["items"])):
        await websocket.accept()
        await websocket.send_json({"user": user})
        await websocket.close()

    return app, [
        get("/me", "no token"),
        get("/me", "scopes from the chain", **auth("Bearer bob")),
        get("/items", "endpoint scope + dependency scope", **auth("Bearer alice")),
        get("/items", "missing scope", **auth("Bearer bob")),
        get("/items", "unknown user", **auth("Bearer eve")),
        get("/both", "cached per distinct scope set", **auth("Bearer alice")),
        do(
            lambda: websocket_outcome(fw, app, "/ws", **auth("Bearer alice")),
            "websocket: scopes",
        ),
        do(
            lambda: websocket_outcome(fw, app, "/ws", **auth("Bearer bob")),
            "websocket: missing scope",
        ),
    ]


@cases.add
def password_request_forms(fw):
    app = fw.FastAPI()
    security = fw.security

    def dump(form):
        return [form.grant_type, form.username, form.password, form.scopes, form.client_id,
                form.client_secret]  # fmt: skip

    @app.post("/token")
    def token(form: Annotated[security.OAuth2PasswordRequestForm, fw.Depends()]):
        return dump(form)

    @app.post("/strict")
    def strict(form: Annotated[security.OAuth2PasswordRequestFormStrict, fw.Depends()]):
        return dump(form)

    full = {
        "grant_type": "password",
        "username": "u",
        "password": "p",
        "scope": "a b  c",
        "client_id": "id",
        "client_secret": "sec",
    }
    steps = []
    for path in ("/token", "/strict"):
        steps += [
            post(path, "all fields", data=full),
            post(path, "no grant_type", data={"username": "u", "password": "p"}),
            post(path, "wrong grant_type", data={**full, "grant_type": "client_credentials"}),
            post(path, "missing username and password", data={"scope": "x"}),
            post(path, "empty body"),
            post(path, "JSON instead of a form", json=full),
            post(path, "multipart", files={"username": (None, "u"), "password": (None, "p")}),
        ]
    return app, steps


@cases.add
def scheme_errors_and_overrides(fw):
    app = fw.FastAPI()
    security = fw.security
    bearer = security.HTTPBearer()
    key = security.APIKeyHeader(name="k")
    oidc = security.OpenIdConnect(openIdConnectUrl="u")

    def error_of(scheme):
        error = scheme.make_not_authenticated_error()
        return (
            isinstance(error, fw.HTTPException),
            error.status_code,
            error.detail,
            error.headers,
        )

    @app.get("/bearer")
    def read(creds=fw.Depends(bearer)):
        return {"credentials": creds.credentials}

    router = fw.APIRouter(dependencies=[fw.Security(key)])

    @router.get("/keyed")
    def keyed():
        return {"ok": True}

    app.include_router(router)

    def fake_bearer():
        return security.HTTPAuthorizationCredentials(scheme="Bearer", credentials="override")

    return app, [
        do(lambda: error_of(bearer), "HTTPBearer error: FastAPI's HTTPException"),
        do(lambda: error_of(key), "APIKey error: Starlette's HTTPException"),
        do(lambda: error_of(oidc), "OpenIdConnect error: Starlette's HTTPException"),
        do(lambda: error_of(security.HTTPBasic(realm="r")), "HTTPBasic realm header"),
        do(lambda: error_of(security.OAuth2()), "OAuth2 error"),
        get("/keyed", "router-level Security dependency, missing"),
        get("/keyed", "router-level Security dependency, present", headers={"k": "v"}),
        get("/bearer", "before override"),
        do(lambda: app.dependency_overrides.update({bearer: fake_bearer}), "override the scheme"),
        get("/bearer", "overridden scheme"),
    ]


@cases.add
def security_in_openapi(fw):
    app = fw.FastAPI()
    security = fw.security
    password = security.OAuth2PasswordBearer(tokenUrl="token", scopes={"me": "Me", "x": "X"})
    code = security.OAuth2AuthorizationCodeBearer(
        authorizationUrl="auth", tokenUrl="t", refreshUrl="r", scopes={"x": "X"}
    )
    basic = security.HTTPBasic(realm="r", description="Basic auth")
    cookie = security.APIKeyCookie(name="session", scheme_name="Session")
    bearer = security.HTTPBearer(bearerFormat="JWT")
    oidc = security.OpenIdConnect(openIdConnectUrl="https://id.test/.well-known")
    digest = security.HTTPDigest()
    query = security.APIKeyQuery(name="key", auto_error=False)

    @app.get("/a")
    def a(
        token: Annotated[str, fw.Security(password, scopes=["me"])],
        creds=fw.Depends(basic),
        session=fw.Depends(cookie),
    ):
        return {}

    deps = [fw.Depends(bearer), fw.Depends(oidc), fw.Security(code, scopes=["x"])]

    @app.get("/b", dependencies=[*deps, fw.Depends(digest), fw.Depends(query)])
    def b():
        return {}

    @app.post("/token")
    def token(form: Annotated[security.OAuth2PasswordRequestForm, fw.Depends()]):
        return {}

    @app.post("/strict")
    def strict(form: Annotated[security.OAuth2PasswordRequestFormStrict, fw.Depends()]):
        return {}

    return app, [get("/openapi.json", "security schemes, requirements and the login forms")]


test_security = cases.make_test()
