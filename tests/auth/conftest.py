"""Keys and apps shared by the auth tests."""

from typing import Annotated, Any

import pytest

from zephyr import Depends, FastAPI, Security, WebSocket
from zephyr.auth import AccessTokens, Claims, Key, KeySet, TokenAuth
from zephyr.testclient import TestClient

SECRET = "a-test-secret-that-is-long-enough-for-hs256-0123456789"
ISSUER = "https://issuer.test"
AUDIENCE = "api.test"


@pytest.fixture(scope="session")
def rsa_key() -> Key:
    return Key.generate("RS256", kid="rsa-1")


@pytest.fixture(scope="session")
def ec_key() -> Key:
    return Key.generate("ES256", kid="ec-1")


@pytest.fixture
def hmac_key() -> Key:
    return Key.hmac(SECRET, kid="hs-1")


@pytest.fixture
def tokens(hmac_key: Key, rsa_key: Key) -> AccessTokens:
    """HS256 signs; an RSA key is trusted too (a service in rotation)."""
    return AccessTokens(KeySet([hmac_key, rsa_key]), issuer=ISSUER, audience=AUDIENCE)


USERS = {"alice": {"name": "alice"}, "bob": {"name": "bob"}}


def build_app(tokens: AccessTokens) -> FastAPI:
    """An app with claims, user, scope and role checks on HTTP and WebSocket routes."""
    auth = TokenAuth(
        tokens,
        token_url="token",
        scopes={"items:read": "Read items"},
        user_loader=lambda claims: USERS.get(claims.subject),
    )
    app = FastAPI()

    @app.get("/claims")
    def read_claims(claims: Annotated[Claims, Depends(auth.claims)]) -> dict[str, Any]:
        return {"sub": claims.subject, "scopes": list(claims.scopes), "roles": list(claims.roles)}

    @app.get("/me")
    def me(user: Annotated[dict[str, str], Depends(auth.current_user)]) -> dict[str, str]:
        return user

    @app.get("/items")
    def items(
        user: Annotated[dict[str, str], Security(auth.current_user, scopes=["items:read"])],
    ) -> list[str]:
        return ["a", "b"]

    @app.get("/admin", dependencies=[Depends(auth.require_roles("admin"))])
    def admin() -> dict[str, bool]:
        return {"admin": True}

    @app.websocket("/ws")
    async def socket(websocket: WebSocket, claims: Annotated[Claims, Depends(auth.claims)]) -> None:
        await websocket.accept()
        await websocket.send_json({"sub": claims.subject})
        await websocket.close()

    return app


@pytest.fixture
def client(tokens: AccessTokens) -> TestClient:
    return TestClient(build_app(tokens))


def bearer(token: str) -> Any:
    """Headers carrying `token`; as UTF-8 bytes when it is not ASCII (attack tokens)."""
    if token.isascii():
        return {"Authorization": f"Bearer {token}"}
    return [(b"Authorization", f"Bearer {token}".encode())]
