"""Every forged, stale or malformed token gets the same 401: same body, same header, no 500.

Each attack is a function (tokens, keys) -> the Authorization token to send. The response must
be byte-identical to the one for a token that is merely garbage, so a client cannot learn which
check failed.
"""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zephyr.auth import AccessTokens, Key
from zephyr.testclient import TestClient

from .conftest import AUDIENCE, ISSUER, SECRET, bearer, build_app

EXPECTED_BODY = b'{"detail":"Could not validate credentials"}'
EXPECTED_CHALLENGE = 'Bearer error="invalid_token"'


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def segment(value: Any) -> str:
    return b64(json.dumps(value).encode())


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "alice",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "scope": "items:read",
        "roles": ["admin"],
    }
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


def hs256(payload: dict[str, Any], *, secret: str | bytes = SECRET, kid: str = "hs-1") -> str:
    return jwt.encode(payload, secret, algorithm="HS256", headers={"kid": kid})


def handmade(header: dict[str, Any], payload: dict[str, Any], secret: bytes | None) -> str:
    """Sign by hand (PyJWT refuses to HMAC with a PEM key, an attacker does not)."""
    signing_input = f"{segment(header)}.{segment(payload)}"
    if secret is None:
        return signing_input + "."
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


def tamper_signature(token: str) -> str:
    head, body, signature = token.split(".")
    flipped = "A" if signature[0] != "A" else "B"
    return f"{head}.{body}.{flipped}{signature[1:]}"


def tamper_payload(token: str) -> str:
    head, _, signature = token.split(".")
    return f"{head}.{segment(claims(sub='mallory'))}.{signature}"


Attack = Callable[[AccessTokens, Key], str]

ATTACKS: dict[str, Attack] = {
    "alg none": lambda t, rsa: handmade({"alg": "none", "kid": "hs-1"}, claims(), None),
    "alg None, no kid": lambda t, rsa: handmade({"alg": "None"}, claims(), None),
    "alg NONE with a signature": lambda t, rsa: handmade(
        {"alg": "NONE", "kid": "hs-1"}, claims(), SECRET.encode()
    ),
    "HS256 signed with the RSA public key": lambda t, rsa: handmade(
        {"alg": "HS256", "kid": "rsa-1", "typ": "JWT"}, claims(), rsa.public_pem()
    ),
    "RS256 header on the HMAC key": lambda t, rsa: handmade(
        {"alg": "RS256", "kid": "hs-1"}, claims(), SECRET.encode()
    ),
    "algorithm not in allow-list": lambda t, rsa: handmade(
        {"alg": "HS1", "kid": "hs-1"}, claims(), SECRET.encode()
    ),
    "expired": lambda t, rsa: hs256(claims(exp=int(time.time()) - 120)),
    "not yet valid (nbf)": lambda t, rsa: hs256(claims(nbf=int(time.time()) + 3600)),
    "issued in the future (iat)": lambda t, rsa: hs256(claims(iat=int(time.time()) + 3600)),
    "no exp": lambda t, rsa: hs256(claims(exp=None)),
    "exp not a number": lambda t, rsa: hs256(claims(exp="tomorrow")),
    "wrong audience": lambda t, rsa: hs256(claims(aud="other-api")),
    "no audience": lambda t, rsa: hs256(claims(aud=None)),
    "wrong issuer": lambda t, rsa: hs256(claims(iss="https://evil.test")),
    "no issuer": lambda t, rsa: hs256(claims(iss=None)),
    "tampered signature": lambda t, rsa: tamper_signature(t.issue("alice")),
    "tampered payload": lambda t, rsa: tamper_payload(t.issue("alice")),
    "signature stripped": lambda t, rsa: t.issue("alice").rsplit(".", 1)[0] + ".",
    "signed with another secret": lambda t, rsa: hs256(claims(), secret="x" * 64),
    "unknown kid": lambda t, rsa: hs256(claims(), kid="retired-2019"),
    "kid not a string": lambda t, rsa: handmade({"alg": "HS256", "kid": 7}, claims(), b"k"),
    "no kid with several keys": lambda t, rsa: jwt.encode(claims(), SECRET, algorithm="HS256"),
    "critical header": lambda t, rsa: handmade(
        {"alg": "HS256", "kid": "hs-1", "crit": ["exp"], "exp": 1}, claims(), SECRET.encode()
    ),
    "sub not a string": lambda t, rsa: hs256(claims(sub=42)),
    "scope not a string": lambda t, rsa: hs256(claims(scope={"a": 1})),
    "roles not strings": lambda t, rsa: hs256(claims(roles=[1, 2])),
    "malformed: one segment": lambda t, rsa: "abc",
    "malformed: two segments": lambda t, rsa: "abc.def",
    "malformed: JWE five segments": lambda t, rsa: "a.b.c.d.e",
    "malformed: empty segments": lambda t, rsa: "..",
    "malformed: header not JSON": lambda t, rsa: f"{b64(b'not json')}.{segment(claims())}.sig",
    "malformed: header a list": lambda t, rsa: f"{segment([1])}.{segment(claims())}.sig",
    "malformed: payload not JSON": lambda t, rsa: handmade(
        {"alg": "HS256", "kid": "hs-1"}, {}, None
    ).replace(segment({}), b64(b"\xff\xfe"), 1),
    "malformed: non-ascii": lambda t, rsa: "é.é.é",
    "empty token": lambda t, rsa: "",
    "oversized": lambda t, rsa: handmade(
        {"alg": "HS256", "kid": "hs-1"}, claims(pad="x" * 9000), SECRET.encode()
    ),
}


@pytest.fixture
def rsa(tokens: AccessTokens) -> Key:
    key = tokens.keys.get("rsa-1")
    assert key is not None
    return key


def assert_refused_uniformly(response: Any) -> None:
    assert response.status_code == 401
    assert response.content == EXPECTED_BODY
    assert response.headers["www-authenticate"] == EXPECTED_CHALLENGE


def test_valid_tokens_are_accepted(client: TestClient, tokens: AccessTokens) -> None:
    token = tokens.issue("alice", scopes=["items:read"], roles=["admin"])
    for path in ("/claims", "/me", "/items", "/admin"):
        assert client.get(path, headers=bearer(token)).status_code == 200, path


def test_the_forgers_helpers_make_valid_tokens(client: TestClient) -> None:
    # Control: the attacks below differ from an accepted token only in what they attack.
    assert client.get("/items", headers=bearer(hs256(claims()))).status_code == 200


@pytest.mark.parametrize("attack", sorted(ATTACKS))
@pytest.mark.parametrize("path", ["/claims", "/me", "/items", "/admin"])
def test_attack_refused(
    client: TestClient, tokens: AccessTokens, rsa: Key, attack: str, path: str
) -> None:
    token = ATTACKS[attack](tokens, rsa)
    assert_refused_uniformly(client.get(path, headers=bearer(token)))


def test_unknown_user_looks_like_a_bad_token(client: TestClient, tokens: AccessTokens) -> None:
    assert_refused_uniformly(client.get("/me", headers=bearer(tokens.issue("nobody"))))


def test_rsa_public_key_verifier_refuses_hs256_confusion(rsa: Key) -> None:
    # A verify-only service, configured with nothing but the RSA public key.
    verifier = AccessTokens(Key.from_pem(rsa.public_pem(), algorithm="RS256", kid=rsa.kid))
    client = TestClient(build_app(verifier))
    payload = claims(iss=None, aud=None)
    for header in ({"alg": "HS256"}, {"alg": "HS256", "kid": rsa.kid}):
        forged = handmade(header, payload, rsa.public_pem())
        assert_refused_uniformly(client.get("/claims", headers=bearer(forged)))
    signer = AccessTokens(rsa)
    assert client.get("/claims", headers=bearer(signer.issue("alice"))).status_code == 200


def test_oversized_token_refused_before_decoding(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("decoded an oversized token")

    monkeypatch.setattr(jwt, "get_unverified_header", must_not_run)
    monkeypatch.setattr(jwt, "decode", must_not_run)
    token = "a" * 4000 + "." + "b" * 4000 + "." + "c" * 500
    assert_refused_uniformly(client.get("/claims", headers=bearer(token)))


def test_websocket_refuses_with_the_same_401(client: TestClient, tokens: AccessTokens) -> None:
    from starlette.testclient import WebSocketDenialResponse

    with client.websocket_connect("/ws", headers=bearer(tokens.issue("alice"))) as websocket:
        assert websocket.receive_json() == {"sub": "alice"}
    with pytest.raises(WebSocketDenialResponse) as denied:
        with client.websocket_connect("/ws", headers=bearer(hs256(claims(exp=1)))):
            pass  # pragma: no cover
    assert_refused_uniformly(denied.value)


token_text = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.text(
            alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=",
            max_size=60,
        ),
        min_size=1,
        max_size=5,
    ).map(".".join),
    st.builds(
        lambda header, payload: f"{segment(header)}.{segment(payload)}.c2ln",
        st.dictionaries(
            st.sampled_from(["alg", "kid", "typ", "crit"]),
            st.one_of(
                st.text(max_size=8),
                st.integers(),
                st.none(),
                st.sampled_from(["HS256", "RS256", "none", "hs-1", "rsa-1"]),
            ),
        ),
        st.dictionaries(
            st.sampled_from(["sub", "exp", "iat", "nbf", "aud", "iss", "scope"]),
            st.one_of(
                st.text(max_size=8), st.integers(), st.floats(), st.lists(st.integers(), max_size=2)
            ),
        ),
    ),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=token_text)
def test_fuzzed_tokens_never_crash(client: TestClient, token: str) -> None:
    value = f"Bearer {token}".encode().replace(b"\r", b"").replace(b"\n", b"").strip()
    response = client.get("/claims", headers=[(b"Authorization", value)])
    assert response.status_code == 401
    assert response.json()["detail"] in ("Could not validate credentials", "Not authenticated")
