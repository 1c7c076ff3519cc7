"""TokenAuth: claims, the current user, scopes with Security, roles, both bearer schemes."""

import threading
from typing import Annotated, Any

import pytest

from zephyr import Depends, FastAPI, Security
from zephyr.auth import AccessTokens, Claims, Key, Token, TokenAuth
from zephyr.security import HTTPBearer, OAuth2PasswordBearer
from zephyr.testclient import TestClient

from .conftest import SECRET, bearer


@pytest.fixture
def tokens() -> AccessTokens:
    return AccessTokens(Key.hmac(SECRET, kid="k"))


def test_claims_dependency_with_http_bearer(tokens: AccessTokens) -> None:
    auth: TokenAuth[Any] = TokenAuth(tokens)
    assert isinstance(auth.scheme, HTTPBearer)
    assert auth.scheme.model.bearerFormat == "JWT"
    app = FastAPI()

    @app.get("/")
    def read(claims: Annotated[Claims, Depends(auth.claims)]) -> str:
        return claims.subject

    client = TestClient(app)
    assert client.get("/", headers=bearer(tokens.issue("alice"))).json() == "alice"
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"}):
        response = client.get("/", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"detail": "Not authenticated"}
        assert response.headers["www-authenticate"] == "Bearer"


def test_password_bearer_scheme_documents_token_url_and_scopes(tokens: AccessTokens) -> None:
    auth: TokenAuth[Any] = TokenAuth(
        tokens, token_url="/login", scopes={"a": "A"}, scheme_name="Login", description="d"
    )
    assert isinstance(auth.scheme, OAuth2PasswordBearer)
    assert auth.scheme.scheme_name == "Login"
    flows = auth.scheme.model.model_dump(by_alias=True, exclude_none=True)["flows"]
    assert flows == {"password": {"tokenUrl": "/login", "scopes": {"a": "A"}}}


def test_empty_bearer_token_is_an_invalid_token(tokens: AccessTokens) -> None:
    auth: TokenAuth[Any] = TokenAuth(tokens, token_url="token")
    app = FastAPI()

    @app.get("/")
    def read(claims: Annotated[Claims, Depends(auth.claims)]) -> str:
        return claims.subject

    response = TestClient(app).get("/", headers={"Authorization": "Bearer "})
    assert response.status_code == 401
    assert response.json() == {"detail": "Could not validate credentials"}


def scoped_app(auth: TokenAuth[Any]) -> TestClient:
    app = FastAPI()

    @app.get("/user")
    def user(u: Annotated[Any, Security(auth.current_user, scopes=["read", "write"])]) -> Any:
        return u

    @app.get("/claims")
    def claims(c: Annotated[Claims, Security(auth.claims, scopes=["read"])]) -> str:
        return c.subject

    @app.get("/required", dependencies=[Depends(auth.require_scopes("admin:all"))])
    def required() -> str:
        return "ok"

    return TestClient(app)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync loader", "async loader"])
def test_scopes_and_user_loader(tokens: AccessTokens, asynchronous: bool) -> None:
    threads: list[str] = []

    def load(claims: Claims) -> Any:
        threads.append(threading.current_thread().name)
        return {"id": claims.subject} if claims.subject != "ghost" else None

    async def load_async(claims: Claims) -> Any:
        return load(claims)

    auth: TokenAuth[Any] = TokenAuth(tokens, user_loader=load_async if asynchronous else load)
    client = scoped_app(auth)
    full = bearer(tokens.issue("alice", scopes=["read", "write", "admin:all"]))
    assert client.get("/user", headers=full).json() == {"id": "alice"}
    assert client.get("/claims", headers=full).json() == "alice"
    assert client.get("/required", headers=full).json() == "ok"

    partial = bearer(tokens.issue("alice", scopes=["read"]))
    refused = client.get("/user", headers=partial)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Not enough permissions"}
    assert refused.headers["www-authenticate"] == (
        'Bearer error="insufficient_scope", scope="read write"'
    )
    assert client.get("/claims", headers=partial).status_code == 200
    required = client.get("/required", headers=partial)
    assert required.status_code == 403
    assert 'scope="admin:all"' in required.headers["www-authenticate"]

    ghost = client.get("/user", headers=bearer(tokens.issue("ghost", scopes=["read", "write"])))
    assert ghost.status_code == 401
    assert ghost.json() == {"detail": "Could not validate credentials"}
    if not asynchronous:
        assert threading.main_thread().name not in threads  # a sync loader never blocks the loop


def test_roles(tokens: AccessTokens) -> None:
    auth: TokenAuth[Any] = TokenAuth(tokens)
    app = FastAPI()

    @app.get("/all")
    def all_roles(c: Annotated[Claims, Depends(auth.require_roles("admin", "ops"))]) -> str:
        return c.subject

    @app.get("/any", dependencies=[Depends(auth.require_roles("admin", "ops", any_of=True))])
    def any_role() -> str:
        return "ok"

    client = TestClient(app)
    both = bearer(tokens.issue("a", roles=["admin", "ops"]))
    one = bearer(tokens.issue("a", roles=["ops"]))
    none = bearer(tokens.issue("a"))
    assert client.get("/all", headers=both).json() == "a"
    assert client.get("/any", headers=one).json() == "ok"
    for path, headers in (("/all", one), ("/any", none)):
        response = client.get(path, headers=headers)
        assert response.status_code == 403
        assert response.json() == {"detail": "Not enough permissions"}
        assert "www-authenticate" not in response.headers
    assert client.get("/any").status_code == 401
    with pytest.raises(ValueError):
        auth.require_roles()


def test_token_verified_once_per_request(tokens: AccessTokens, monkeypatch: Any) -> None:
    calls: list[object] = []
    verify = tokens.verify

    def counting(token: object) -> Claims:
        calls.append(token)
        return verify(token)

    monkeypatch.setattr(tokens, "verify", counting)
    auth: TokenAuth[Any] = TokenAuth(tokens, user_loader=lambda claims: claims.subject)
    app = FastAPI()

    @app.get("/", dependencies=[Depends(auth.require_roles("r"))])
    def read(
        user: Annotated[str, Depends(auth.current_user)],
        claims: Annotated[Claims, Depends(auth.claims)],
    ) -> str:
        return user

    response = TestClient(app).get("/", headers=bearer(tokens.issue("u", roles=["r"])))
    assert response.json() == "u"
    assert len(calls) == 1


def test_current_user_needs_a_loader(tokens: AccessTokens) -> None:
    with pytest.raises(RuntimeError, match="user_loader"):
        _ = TokenAuth(tokens).current_user


def test_token_response(tokens: AccessTokens) -> None:
    auth: TokenAuth[Any] = TokenAuth(tokens)
    body = auth.token_response("alice", scopes=["s"], roles=["r"])
    assert isinstance(body, Token)
    assert body.token_type == "bearer"
    assert body.expires_in == 900
    claims = tokens.verify(body.access_token)
    assert (claims.subject, claims.scopes, claims.roles) == ("alice", ("s",), ("r",))
