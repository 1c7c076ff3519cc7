"""AccessTokens: issuing, verifying, rotation, and why a token is refused."""

import logging
import time
from datetime import timedelta

import jwt
import pytest

from zephyr.auth import AccessTokens, Claims, InvalidTokenError, Key, KeySet

from .conftest import AUDIENCE, ISSUER, SECRET


def reason(tokens: AccessTokens, token: object) -> str:
    with pytest.raises(InvalidTokenError) as refused:
        tokens.verify(token)
    return refused.value.reason


def test_round_trip_carries_every_claim(tokens: AccessTokens) -> None:
    before = int(time.time())
    token = tokens.issue("alice", scopes=["a", "b"], roles=["admin"], claims={"tenant": "t1"})
    claims = tokens.verify(token)
    assert isinstance(claims, Claims)
    assert claims.subject == "alice"
    assert claims.scopes == ("a", "b")
    assert claims.roles == ("admin",)
    assert claims.raw["tenant"] == "t1"
    assert claims.raw["iss"] == ISSUER
    assert claims.raw["aud"] == AUDIENCE
    assert claims.issued_at is not None and before <= claims.issued_at <= int(time.time())
    assert claims.raw["nbf"] == claims.issued_at
    assert claims.expires_at == claims.issued_at + 15 * 60
    assert claims.token_id and len(claims.token_id) >= 20
    assert claims.has_scopes(["a"]) and not claims.has_scopes(["a", "c"])
    assert claims.has_roles(["admin", "x"], any_of=True) and not claims.has_roles(["admin", "x"])
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "kid": "hs-1", "typ": "JWT"}


def test_every_token_gets_a_fresh_jti(tokens: AccessTokens) -> None:
    ids = {tokens.verify(tokens.issue("a")).token_id for _ in range(20)}
    assert len(ids) == 20


def test_issue_without_scopes_or_roles_omits_them(tokens: AccessTokens) -> None:
    claims = tokens.verify(tokens.issue("bob", ttl=timedelta(seconds=30)))
    assert "scope" not in claims.raw and "roles" not in claims.raw
    assert claims.scopes == () and claims.roles == ()
    assert claims.expires_at - (claims.issued_at or 0) == 30


@pytest.mark.parametrize(
    "algorithm", ["RS256", "PS256", "ES256", "ES384", "ES512", "EdDSA", "HS512"]
)
def test_asymmetric_and_other_algorithms(algorithm: str) -> None:
    key = Key.generate(algorithm)
    tokens = AccessTokens(key)
    token = tokens.issue("alice")
    assert jwt.get_unverified_header(token)["alg"] == algorithm
    assert tokens.verify(token).subject == "alice"
    if not key.is_symmetric:
        verifier = AccessTokens(Key.from_pem(key.public_pem(), algorithm=algorithm))
        assert verifier.verify(token).subject == "alice"
        with pytest.raises(ValueError, match="only public keys"):
            verifier.issue("alice")


def test_rotation_by_kid() -> None:
    old = Key.hmac("o" * 32, kid="2024")
    new = Key.generate("ES256", kid="2025")
    before = AccessTokens(old)
    old_token = before.issue("alice")
    during = AccessTokens(KeySet([new, old]))
    new_token = during.issue("alice")
    assert jwt.get_unverified_header(new_token)["kid"] == "2025"
    assert during.verify(old_token).subject == "alice"
    assert during.verify(new_token).subject == "alice"
    after = AccessTokens(KeySet([new]))
    assert reason(after, old_token) == "unknown key"
    explicit = AccessTokens(KeySet([new, old], signing_kid="2024"))
    assert jwt.get_unverified_header(explicit.issue("a"))["kid"] == "2024"


def test_single_key_accepts_tokens_without_kid() -> None:
    tokens = AccessTokens(Key.hmac(SECRET))
    bare = jwt.encode({"sub": "a", "exp": int(time.time()) + 60, "iat": int(time.time())}, SECRET)
    assert tokens.verify(bare).subject == "a"


def test_leeway_tolerates_clock_skew() -> None:
    key = Key.hmac(SECRET, kid="k")
    now = int(time.time())
    stale = jwt.encode(
        {"sub": "a", "iat": now - 100, "exp": now - 10}, SECRET, headers={"kid": "k"}
    )
    early = jwt.encode(
        {"sub": "a", "iat": now + 10, "nbf": now + 10, "exp": now + 100},
        SECRET,
        headers={"kid": "k"},
    )
    strict = AccessTokens(key)
    assert reason(strict, stale) == "expired"
    assert reason(strict, early) == "not yet valid"
    lenient = AccessTokens(key, leeway=timedelta(seconds=30))
    assert lenient.verify(stale).subject == "a"
    assert lenient.verify(early).subject == "a"
    assert AccessTokens(key, leeway=60).leeway == 60.0


def test_audience_list_accepts_any_of_them() -> None:
    key = Key.hmac(SECRET, kid="k")
    issuer = AccessTokens(key, audience="b")
    verifier = AccessTokens(key, audience=["a", "b"])
    assert verifier.verify(issuer.issue("x")).subject == "x"
    assert verifier.verify(verifier.issue("x", audience="a")).raw["aud"] == "a"
    assert reason(AccessTokens(key, audience="c"), issuer.issue("x")) == "wrong audience"
    # A verifier without an audience refuses a token meant for one.
    assert reason(AccessTokens(key), issuer.issue("x")) == "wrong audience"


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"exp": None}, "missing claim"),
        ({"iat": None}, "missing claim"),
        ({"sub": None}, "missing claim"),
        ({"iss": None}, "missing claim"),
        ({"iss": "other"}, "wrong issuer"),
        ({"exp": 1}, "expired"),
        ({"jti": 5}, "invalid"),
    ],
)
def test_reasons(tokens: AccessTokens, claims: dict[str, object], expected: str) -> None:
    now = int(time.time())
    payload = {"sub": "a", "iat": now, "exp": now + 60, "iss": ISSUER, "aud": AUDIENCE}
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    token = jwt.encode(payload, SECRET, headers={"kid": "hs-1"})
    assert reason(tokens, token) == expected


def test_required_claims_always_include_exp(hmac_key: Key) -> None:
    tokens = AccessTokens(hmac_key, required_claims=["sub"])
    assert tokens.required_claims == ("exp", "sub")
    no_exp = jwt.encode({"sub": "a"}, SECRET, headers={"kid": "hs-1"})
    assert reason(tokens, no_exp) == "missing claim"


def test_size_limit_is_configurable(hmac_key: Key) -> None:
    tokens = AccessTokens(hmac_key, max_token_bytes=300)
    small = tokens.issue("a")
    assert len(small) < 300
    assert tokens.verify(small).subject == "a"
    big = tokens.issue("a", claims={"pad": "x" * 300})
    assert reason(tokens, big) == "too large"
    with pytest.raises(ValueError):
        AccessTokens(hmac_key, max_token_bytes=10)


@pytest.mark.parametrize("value", [None, 42, b"a.b.c", ""])
def test_non_string_tokens(tokens: AccessTokens, value: object) -> None:
    assert reason(tokens, value) == "malformed"


def test_bad_configuration(hmac_key: Key) -> None:
    with pytest.raises(ValueError, match="ttl"):
        AccessTokens(hmac_key, ttl=timedelta(0))
    with pytest.raises(ValueError, match="leeway"):
        AccessTokens(hmac_key, leeway=-1)
    tokens = AccessTokens(hmac_key)
    with pytest.raises(ValueError, match="ttl"):
        tokens.issue("a", ttl=timedelta(seconds=-5))
    with pytest.raises(ValueError, match="may not set"):
        tokens.issue("a", claims={"exp": 9999999999})
    with pytest.raises(ValueError, match="may not set"):
        tokens.issue("a", claims={"roles": ["admin"]})


def test_refusals_log_the_reason_only(
    tokens: AccessTokens, caplog: pytest.LogCaptureFixture
) -> None:
    payload = {"sub": "a", "exp": 1, "iat": 1, "iss": ISSUER, "aud": AUDIENCE}
    forged = jwt.encode(payload, SECRET, headers={"kid": "hs-1"})
    with caplog.at_level(logging.DEBUG, logger="zephyr.auth"):
        with pytest.raises(InvalidTokenError) as refused:
            tokens.verify(forged)
    assert [record.getMessage() for record in caplog.records] == ["access token refused: expired"]
    assert forged not in str(refused.value)
    assert SECRET not in str(refused.value)
