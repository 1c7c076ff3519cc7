"""Key and KeySet: one algorithm per key, sane key sizes, no secret ever printed."""

import copy
import pickle

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from zephyr.auth import ALLOWED_ALGORITHMS, AccessTokens, Key, KeySet, PasswordHasher, TokenAuth

from .conftest import SECRET


def private_pem(key: object) -> bytes:
    return key.private_bytes(  # type: ignore[attr-defined, no-any-return]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def test_allow_list_never_contains_none() -> None:
    assert "none" not in {name.lower() for name in ALLOWED_ALGORITHMS}
    assert {"HS256", "RS256", "ES256", "EdDSA"} <= ALLOWED_ALGORITHMS


@pytest.mark.parametrize("algorithm", ["none", "None", "HS1", "RS1", ""])
def test_unknown_algorithms_refused(algorithm: str) -> None:
    with pytest.raises(ValueError):
        Key.generate(algorithm)
    with pytest.raises(ValueError):
        Key.hmac(SECRET, algorithm=algorithm)


@pytest.mark.parametrize(("algorithm", "minimum"), [("HS256", 32), ("HS384", 48), ("HS512", 64)])
def test_hmac_secret_length(algorithm: str, minimum: int) -> None:
    Key.hmac("s" * minimum, algorithm=algorithm)
    with pytest.raises(ValueError, match=f"at least {minimum} bytes"):
        Key.hmac("s" * (minimum - 1), algorithm=algorithm)


def test_hmac_refuses_a_pem_key_as_secret() -> None:
    public = Key.generate("RS256").public_pem()
    with pytest.raises(ValueError, match="PEM"):
        Key.hmac(public)
    with pytest.raises(ValueError, match="PEM"):
        Key.hmac(public.decode())


def test_hmac_kid_derived_and_stable() -> None:
    assert Key.hmac(SECRET).kid == Key.hmac(SECRET.encode()).kid
    assert Key.hmac(SECRET).kid != Key.hmac(SECRET + "x").kid
    assert SECRET not in Key.hmac(SECRET).kid
    assert Key.hmac(SECRET, kid="mine").kid == "mine"


def test_from_pem_private_signs_public_verifies() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    signer = Key.from_pem(private_pem(private), algorithm="ES256")
    assert signer.can_sign and not signer.is_symmetric
    verifier = Key.from_pem(signer.public_pem(), algorithm="ES256")
    assert not verifier.can_sign
    assert verifier.kid == signer.kid  # both derived from the public key
    assert signer.public().can_sign is False
    assert signer.public().kid == signer.kid


@pytest.mark.parametrize(
    ("algorithm", "message"),
    [("ES384", "secp384r1"), ("RS256", "RSA key"), ("EdDSA", "Ed25519"), ("HS256", "secret")],
)
def test_from_pem_key_must_suit_algorithm(algorithm: str, message: str) -> None:
    pem = private_pem(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(ValueError, match=message):
        Key.from_pem(pem, algorithm=algorithm)


def test_small_rsa_keys_refused() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(ValueError, match="2048"):
        Key.from_pem(private_pem(small), algorithm="RS256")


def test_encrypted_private_key() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    )
    assert Key.from_pem(pem, algorithm="ES256", password=b"pw").can_sign
    with pytest.raises((TypeError, ValueError)):
        Key.from_pem(pem, algorithm="ES256")


def test_hmac_key_has_no_public_half() -> None:
    key = Key.hmac(SECRET)
    assert key.public() is key
    with pytest.raises(ValueError, match="no public part"):
        key.public_pem()


def test_keyset_rules() -> None:
    a, b = Key.hmac(SECRET, kid="a"), Key.generate("ES256", kid="b")
    with pytest.raises(ValueError, match="at least one"):
        KeySet([])
    with pytest.raises(ValueError, match="share the id"):
        KeySet([a, Key.hmac(SECRET + "!", kid="a")])
    with pytest.raises(ValueError, match="can sign"):
        KeySet([a, b.public()], signing_kid="b")
    keys = KeySet([b.public(), a])
    assert keys.signing_key is a
    assert len(keys) == 2
    assert [key.kid for key in keys] == ["b", "a"]
    assert keys.get("a") is a and keys.get("zzz") is None
    assert keys.for_header(None) is None  # several keys: a kid is required
    assert keys.for_header(["a"]) is None
    assert KeySet(a).for_header(None) is a
    assert all(not key.can_sign or key.is_symmetric for key in keys.public())


# --------------------------------------------------------------------------- no secret leaks


def _config_objects() -> list[tuple[object, list[str]]]:
    ec_private = ec.generate_private_key(ec.SECP256R1())
    pem = private_pem(ec_private)
    ec_key = Key.from_pem(pem, algorithm="ES256", kid="e")
    hs_key = Key.hmac(SECRET, kid="h")
    keys = KeySet([hs_key, ec_key])
    tokens = AccessTokens(keys, issuer="i", audience="a")
    auth: TokenAuth[object] = TokenAuth(tokens, token_url="token", user_loader=lambda c: None)
    pem_body = pem.decode().splitlines()[1]  # a line of the private key's base64
    secrets = [SECRET, SECRET[:16], pem_body[:24]]
    return [
        (hs_key, secrets),
        (ec_key, secrets),
        (keys, secrets),
        (tokens, secrets),
        (auth, secrets),
        (PasswordHasher(), secrets),
    ]


def test_no_secret_in_repr_or_str() -> None:
    for obj, secrets in _config_objects():
        for text in (repr(obj), str(obj), f"{obj}", f"{obj!r}"):
            for secret in secrets:
                assert secret not in text, f"{type(obj).__name__} shows a secret: {text}"
        assert type(obj).__name__ in repr(obj)


def test_keys_cannot_be_pickled_or_copied() -> None:
    key = Key.hmac(SECRET)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(key)
    with pytest.raises(TypeError):
        copy.deepcopy(key)
