"""Dependency injection: kinds, caching, yield and exit order, overrides, security."""

from typing import Annotated

from pydantic import BaseModel

from .harness import Cases, do, get, post

cases = Cases()


@cases.add
def dependency_kinds(fw, log):
    app = fw.FastAPI()

    def function_dep(q: str = "f"):
        log.append("function")
        return q

    async def async_dep(n: int = 1):
        log.append("async")
        return n

    class Pager:
        def __init__(self, skip: int = 0, limit: int = 10):
            log.append("class")
            self.skip, self.limit = skip, limit

    class Multiplier:
        def __init__(self, factor: int):
            self.factor = factor

        def __call__(self, value: int = 2):
            log.append("instance")
            return value * self.factor

    triple = Multiplier(3)

    @app.get("/")
    async def read(
        f: Annotated[str, fw.Depends(function_dep)],
        a: int = fw.Depends(async_dep),
        pager: Annotated[Pager, fw.Depends()] = None,
        tripled: int = fw.Depends(triple),
    ):
        log.append("endpoint")
        return {"f": f, "a": a, "skip": pager.skip, "limit": pager.limit, "tripled": tripled}

    return app, [
        get("/", "function, async, class (Depends()), callable instance; call order"),
        get("/?q=z&n=5&skip=1&limit=2&value=4", "their params"),
        get("/?limit=x&value=y", "errors from a class and an instance"),
    ]


@cases.add
def dependency_cache(fw, log):
    app = fw.FastAPI()

    def counter():
        log.append("counter")
        return len(log)

    def left(c=fw.Depends(counter)):
        return c

    def right(c=fw.Depends(counter)):
        return c

    @app.get("/cached")
    def cached(a=fw.Depends(left), b=fw.Depends(right), c=fw.Depends(counter)):
        return [a, b, c]

    @app.get("/fresh")
    def fresh(a=fw.Depends(counter), b=fw.Depends(counter, use_cache=False)):
        return [a, b]

    return app, [
        get("/cached", "one call shared by three users"),
        get("/fresh", "use_cache=False calls again"),
    ]


@cases.add
def yield_exit_order(fw, log):
    app = fw.FastAPI()

    def outer():
        log.append("outer enter")
        yield "o"
        log.append("outer exit")

    async def inner(o=fw.Depends(outer)):
        log.append("inner enter")
        yield o + "i"
        log.append("inner exit")

    def per_function():
        log.append("function-scope enter")
        yield
        log.append("function-scope exit")

    @app.get("/")
    def read(
        bg: fw.BackgroundTasks,
        i: Annotated[str, fw.Depends(inner)],
        _f: Annotated[None, fw.Depends(per_function, scope="function")],
    ):
        bg.add_task(log.append, "background")
        log.append("endpoint")
        return {"i": i}

    return app, [
        get("/", "enter order, exit order (reverse), background task and scope='function'"),
    ]


@cases.add(raise_server_exceptions=False)
def yield_sees_endpoint_exception(fw, log):
    app = fw.FastAPI()

    def watcher():
        try:
            yield
        except Exception as exc:
            log.append(("watcher saw", type(exc).__name__, str(exc)))
            raise
        else:
            log.append("watcher: no exception")
        finally:
            log.append("watcher finally")

    @app.get("/ok", dependencies=[fw.Depends(watcher)])
    def ok():
        return "ok"

    @app.get("/value-error", dependencies=[fw.Depends(watcher)])
    def value_error():
        raise ValueError("boom")

    @app.get("/http", dependencies=[fw.Depends(watcher)])
    def http():
        raise fw.HTTPException(status_code=409, detail="conflict")

    return app, [
        get("/ok", "no exception reaches the dependency"),
        get("/value-error", "the dependency sees ValueError; client gets 500"),
        get("/http", "the dependency sees HTTPException; client gets 409"),
    ]


@cases.add
def yield_exception_raised_through_client(fw, log):
    app = fw.FastAPI()

    async def watcher():
        try:
            yield
        except ValueError as exc:
            log.append(("saw", str(exc)))
            raise

    def swallow():
        try:
            yield
        except RuntimeError:
            log.append("swallowed")

    @app.get("/", dependencies=[fw.Depends(watcher)])
    async def boom():
        raise ValueError("through the client")

    @app.get("/swallow", dependencies=[fw.Depends(swallow)])
    def swallowed():
        raise RuntimeError("hidden")

    return app, [
        get("/", "TestClient re-raises the server exception"),
        get("/swallow", "a swallowing yield dependency: what error reaches the client?"),
    ]


@cases.add(raise_server_exceptions=False)
def yield_converts_and_reraises(fw, log):
    app = fw.FastAPI()

    def translate():
        try:
            yield
        except KeyError as exc:
            log.append("translate: KeyError -> 404")
            raise fw.HTTPException(status_code=404, detail=f"missing {exc}") from exc
        except fw.HTTPException as exc:
            log.append(("translate: reraise", exc.status_code))
            raise

    def swallow():
        try:
            yield
        except RuntimeError:
            log.append("swallowed")

    @app.get("/key", dependencies=[fw.Depends(translate)])
    def key():
        return {}["k"]

    @app.get("/http", dependencies=[fw.Depends(translate)])
    def http():
        raise fw.HTTPException(status_code=418, detail={"tea": True}, headers={"x-pot": "1"})

    @app.get("/swallow", dependencies=[fw.Depends(swallow)])
    def swallowed():
        raise RuntimeError("hidden")

    return app, [
        get("/key", "a yield dependency turns KeyError into a 404"),
        get("/http", "a yield dependency re-raises HTTPException: headers and dict detail kept"),
        get("/swallow", "a yield dependency that swallows the exception"),
    ]


@cases.add
def declared_dependencies_order(fw, log):

    def mark(name):
        def dependency():
            log.append(name)

        return dependency

    app = fw.FastAPI(dependencies=[fw.Depends(mark("app"))])
    outer = fw.APIRouter(dependencies=[fw.Depends(mark("outer router"))])
    inner = fw.APIRouter(dependencies=[fw.Depends(mark("inner router"))])

    @inner.get("/leaf", dependencies=[fw.Depends(mark("route 1")), fw.Depends(mark("route 2"))])
    def leaf(p=fw.Depends(mark("param"))):
        log.append("endpoint")
        return "leaf"

    outer.include_router(inner, prefix="/in", dependencies=[fw.Depends(mark("include inner"))])
    app.include_router(outer, prefix="/out", dependencies=[fw.Depends(mark("include outer"))])
    return app, [get("/out/in/leaf", "order of app/router/include/route/param dependencies")]


@cases.add
def dependency_overrides(fw):
    app = fw.FastAPI()

    def real_user():
        return "real"

    def needs_user(user=fw.Depends(real_user)):
        return f"via {user}"

    @app.get("/")
    def read(direct=fw.Depends(real_user), nested=fw.Depends(needs_user)):
        return {"direct": direct, "nested": nested}

    def fake_user(name: str = "fake"):
        return name

    router = fw.APIRouter(dependencies=[fw.Depends(real_user)])

    @router.get("/guarded")
    def guarded():
        return "guarded"

    app.include_router(router)

    def strict(flag: bool):
        return flag

    return app, [
        get("/", "no override"),
        get("/guarded", "router dependency"),
        do(lambda: app.dependency_overrides.update({real_user: strict}), "override with params"),
        get("/guarded?flag=maybe", "the router dependency's override validates its param"),
        do(lambda: app.dependency_overrides.update({real_user: fake_user}), "override"),
        get("/?name=bob", "the override (and its own params) applies everywhere"),
        do(lambda: app.dependency_overrides.clear(), "clear overrides"),
        get("/?name=bob", "back to the real dependency"),
    ]


@cases.add
def context_variables(fw, log):
    import contextvars

    var = contextvars.ContextVar("var", default="unset")
    app = fw.FastAPI()

    async def async_setter():
        var.set("from async dep")

    def sync_setter():
        var.set("from sync dep")

    def sync_reader(a=fw.Depends(async_setter), s=fw.Depends(sync_setter)):
        log.append(("sync reader sees", var.get()))

    @app.get("/")
    def read(r=fw.Depends(sync_reader)):
        log.append(("sync endpoint sees", var.get()))
        return var.get()

    @app.get("/async")
    async def read_async(a=fw.Depends(async_setter), s=fw.Depends(sync_setter)):
        return var.get()

    return app, [
        get("/", "a ContextVar set in a sync dependency is not seen by later sync steps"),
        get("/async", "an async endpoint sees the async dependency's value"),
    ]


@cases.add
def body_read_in_dependency(fw, log):
    app = fw.FastAPI()

    class Payload(BaseModel):
        n: int

    async def raw_body(request: fw.Request):
        log.append(("dependency read", await request.json()))

    @app.post("/", dependencies=[fw.Depends(raw_body)])
    def create(payload: Payload):
        return payload

    return app, [post("/", "request.json() in a dependency and a body param", json={"n": 1})]


@cases.add
def security_scopes(fw):
    app = fw.FastAPI()

    def token(authorization: Annotated[str | None, fw.Header()] = None):
        return authorization

    def current_user(scopes: fw.security.SecurityScopes, token: str | None = fw.Depends(token)):
        if token != "good":
            raise fw.HTTPException(
                status_code=401,
                detail="Could not validate credentials",
                headers={"WWW-Authenticate": f'Bearer scope="{scopes.scope_str}"'},
            )
        return {"scopes": scopes.scopes, "scope_str": scopes.scope_str}

    def active_user(user=fw.Security(current_user, scopes=["me"])):
        return user

    @app.get("/items")
    def items(user=fw.Security(active_user, scopes=["items"])):
        return user

    @app.get("/plain")
    def plain(user=fw.Depends(current_user)):
        return user

    @app.get("/twice")
    def twice(
        a=fw.Security(current_user, scopes=["a"]),
        b=fw.Security(current_user, scopes=["b"]),
    ):
        return [a, b]

    good = {"authorization": "good"}
    return app, [
        get("/items", "401 with the accumulated scope_str in the header"),
        get("/items", "scopes accumulate outer to inner", headers=good),
        get("/plain", "Depends: no scopes", headers=good),
        get("/twice", "same dependency, different scopes: cached or not?", headers=good),
    ]


@cases.add
def oauth2_password_bearer(fw):
    app = fw.FastAPI()
    oauth2 = fw.security.OAuth2PasswordBearer(tokenUrl="token", scopes={"me": "Read me"})

    @app.get("/me")
    def me(token: Annotated[str, fw.Depends(oauth2)]):
        return {"token": token}

    return app, [
        get("/me", "no token: 401 Not authenticated, WWW-Authenticate: Bearer"),
        get("/me", "bearer token", headers={"authorization": "Bearer abc"}),
        get("/me", "lowercase scheme", headers={"authorization": "bearer abc"}),
        get("/me", "wrong scheme", headers={"authorization": "Basic abc"}),
        get("/me", "scheme only", headers={"authorization": "Bearer"}),
    ]


@cases.add
def security_schemes(fw):
    app = fw.FastAPI()
    bearer = fw.security.HTTPBearer()
    optional_bearer = fw.security.HTTPBearer(auto_error=False)
    api_key = fw.security.APIKeyHeader(name="X-Key")
    basic = fw.security.HTTPBasic()

    @app.get("/bearer")
    def with_bearer(creds=fw.Depends(bearer)):
        return {"scheme": creds.scheme, "credentials": creds.credentials}

    @app.get("/optional")
    def with_optional(creds=fw.Depends(optional_bearer)):
        return {"creds": creds is not None}

    @app.get("/key")
    def with_key(key: str = fw.Security(api_key)):
        return {"key": key}

    @app.get("/basic")
    def with_basic(creds=fw.Depends(basic)):
        return {"user": creds.username, "password": creds.password}

    return app, [
        get("/bearer", "missing credentials"),
        get("/bearer", "valid", headers={"authorization": "Bearer abc"}),
        get("/bearer", "scheme not bearer", headers={"authorization": "Token abc"}),
        get("/optional", "auto_error=False gives None"),
        get("/key", "missing API key"),
        get("/key", "API key present", headers={"x-key": "k"}),
        get("/basic", "missing basic credentials"),
        get("/basic", "valid basic", headers={"authorization": "Basic dTpwOnE="}),
        get("/basic", "basic with bad base64", headers={"authorization": "Basic !!!"}),
    ]


@cases.add
def dependencies_with_request_response_background(fw, log):
    app = fw.FastAPI()

    def tracer(request: fw.Request, response: fw.Response, tasks: fw.BackgroundTasks):
        log.append(("tracer sees", request.method, request.url.path))
        response.headers["x-traced"] = "1"
        response.set_cookie("seen", "yes")
        tasks.add_task(log.append, "dependency task")
        return "t"

    @app.get("/", status_code=201)
    def read(tasks: fw.BackgroundTasks, response: fw.Response, t=fw.Depends(tracer)):
        tasks.add_task(log.append, "endpoint task")
        response.status_code = 202
        log.append("endpoint")
        return {"t": t}

    @app.get("/direct")
    def direct(t=fw.Depends(tracer)):
        return fw.responses.JSONResponse({"direct": t}, headers={"x-own": "1"})

    return app, [
        get("/", "dependency headers/cookie merged, endpoint status wins, task order"),
        get("/direct", "a returned Response does not get the dependency's headers"),
    ]


@cases.add
def auth_error_versus_invalid_body(fw, log):
    app = fw.FastAPI()

    class Payload(BaseModel):
        n: int

    def require_auth(x_token: str | None = fw.Header(default=None)):
        log.append("require_auth called")
        if x_token != "secret":
            raise fw.HTTPException(status_code=401, detail="no")

    @app.post("/", dependencies=[fw.Depends(require_auth)])
    def create(payload: Payload):
        return payload

    return app, [
        post("/", "401 dependency and invalid body: which wins?", json={"n": "x"}),
        post("/", "valid token, invalid body", json={"n": "x"}, headers={"x-token": "secret"}),
        post("/", "no token, valid body", json={"n": 1}),
    ]


@cases.add
def side_effect_dependency_when_another_is_invalid(fw, log):
    app = fw.FastAPI()

    def audit():
        log.append("audit ran")

    def strict(limit: int):
        log.append("strict ran")
        return limit

    async def audit_yield():
        log.append("audit_yield enter")
        try:
            yield
        except Exception as exc:
            log.append(("audit_yield saw", type(exc).__name__))
            raise
        log.append("audit_yield exit")

    @app.get("/")
    def read(a=fw.Depends(audit), y=fw.Depends(audit_yield), s=fw.Depends(strict)):
        log.append("endpoint")
        return {"limit": s}

    return app, [
        get("/?limit=x", "earlier deps run; the yield dep sees RequestValidationError"),
        get("/?limit=3", "all run"),
    ]


@cases.add
def dependency_http_exception(fw):
    app = fw.FastAPI()

    def guard(level: int = 0):
        if level > 1:
            raise fw.HTTPException(
                status_code=403, detail=["too", "high"], headers={"X-Reason": "level"}
            )
        return level

    @app.get("/")
    def read(level=fw.Depends(guard)):
        return {"level": level}

    return app, [
        get("/?level=1", "passes"),
        get("/?level=2", "list detail, custom header"),
    ]


@cases.add
def yield_exit_code_raises(fw, log):
    app = fw.FastAPI()

    def fragile():
        log.append("fragile enter")
        yield "v"
        log.append("fragile exit raising")
        raise RuntimeError("exit failed")

    @app.get("/")
    def read(v=fw.Depends(fragile)):
        log.append("endpoint")
        return {"v": v}

    return app, [get("/", "an exception in exit code after the response was built")]


@cases.add
def response_param_then_http_exception(fw):
    app = fw.FastAPI()

    def sets_then_fails(response: fw.Response, fail: bool = False):
        response.headers["x-from-dep"] = "1"
        response.set_cookie("dep", "1")
        if fail:
            raise fw.HTTPException(status_code=400, detail="dep failed")

    @app.get("/", dependencies=[fw.Depends(sets_then_fails)])
    def read():
        return "ok"

    return app, [
        get("/", "the dependency's header and cookie reach the response"),
        get("/?fail=true", "lost when the dependency raises HTTPException?"),
    ]


@cases.add
def annotated_dependency_alias(fw, log):
    app = fw.FastAPI()

    def current_user(x_user: Annotated[str, fw.Header()] = "guest"):
        log.append("current_user")
        return x_user

    CurrentUser = Annotated[str, fw.Depends(current_user)]

    def permissions(user: CurrentUser):
        return ["read"] if user == "guest" else ["read", "write"]

    @app.get("/me")
    def me(user: CurrentUser, perms: Annotated[list, fw.Depends(permissions)]):
        return {"user": user, "perms": perms}

    return app, [
        get("/me", "an Annotated alias used at two levels is solved once"),
        get("/me", "header through the alias", headers={"x-user": "ann"}),
    ]


test_dependencies = cases.make_test()
