"""Keys that sign and verify access tokens, and key sets that rotate them by `kid`.

A `Key` is bound to exactly one algorithm when it is made, and a token is only ever checked
with its key's own algorithm. That is what closes the classic JWT holes: `alg: none` is not an
algorithm any key has, and an RSA public key can never be used as an HMAC secret (a token
claiming HS256 under an RSA key's `kid` is refused before any signature is computed).
"""

from __future__ import annotations

import hashlib
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Union

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

__all__ = ["ALLOWED_ALGORITHMS", "Key", "KeySet"]

PrivateKey = Union[
    rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey
]
PublicKey = Union[
    rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey, ed448.Ed448PublicKey
]

# RFC 7518 section 3.2: an HMAC key must be at least as long as the hash output.
HMAC_MIN_BYTES: Mapping[str, int] = {"HS256": 32, "HS384": 48, "HS512": 64}
RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
EC_CURVES: Mapping[str, str] = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}
RSA_MIN_BITS = 2048

ALLOWED_ALGORITHMS = frozenset({*HMAC_MIN_BYTES, *RSA_ALGORITHMS, *EC_CURVES, "EdDSA"})
"""Every algorithm a `Key` may have. `none` is deliberately not one of them."""


def _derived_kid(material: bytes) -> str:
    """Return a short, stable key id derived from public (or high-entropy secret) material."""
    digest = hashlib.sha256(b"zephyr.auth kid\x00" + material).digest()
    return urlsafe_b64encode(digest[:12]).decode("ascii")


def _check_algorithm(algorithm: str) -> None:
    if algorithm not in ALLOWED_ALGORITHMS:
        allowed = ", ".join(sorted(ALLOWED_ALGORITHMS))
        raise ValueError(f"algorithm {algorithm!r} is not allowed; use one of: {allowed}")


def _check_asymmetric(algorithm: str, public: PublicKey) -> None:
    """Refuse a key whose type or size does not match the algorithm it is bound to."""
    if algorithm in HMAC_MIN_BYTES:
        raise ValueError(f"{algorithm} needs a shared secret: use Key.hmac(), not a PEM key")
    if algorithm in RSA_ALGORITHMS:
        if not isinstance(public, rsa.RSAPublicKey):
            raise ValueError(f"{algorithm} needs an RSA key")
        if public.key_size < RSA_MIN_BITS:
            raise ValueError(f"RSA keys must have at least {RSA_MIN_BITS} bits")
    elif algorithm in EC_CURVES:
        curve = EC_CURVES[algorithm]
        if not isinstance(public, ec.EllipticCurvePublicKey) or public.curve.name != curve:
            raise ValueError(f"{algorithm} needs an elliptic-curve key on {curve}")
    elif not isinstance(public, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        raise ValueError("EdDSA needs an Ed25519 or Ed448 key")


class Key:
    """One key, bound to one algorithm, that verifies tokens and (if private) signs them.

    Make one with `Key.hmac`, `Key.from_pem` or `Key.generate`. Neither `repr` nor `str`
    shows the secret or the private key.

    Attributes:
        kid: The key id written in the header of the tokens it signs.
        algorithm: The one JWS algorithm this key is used with (e.g. `"HS256"`, `"ES256"`).
    """

    __slots__ = ("_signing", "_verifying", "algorithm", "kid")

    def __init__(
        self,
        *,
        kid: str,
        algorithm: str,
        signing: bytes | PrivateKey | None,
        verifying: bytes | PublicKey,
    ) -> None:
        _check_algorithm(algorithm)
        if not kid:
            raise ValueError("a key id (kid) must not be empty")
        self.kid = kid
        self.algorithm = algorithm
        self._signing = signing
        self._verifying = verifying

    @classmethod
    def hmac(cls, secret: str | bytes, *, kid: str | None = None, algorithm: str = "HS256") -> Key:
        """Make a shared-secret key for HS256, HS384 or HS512.

        Args:
            secret: At least 32/48/64 bytes (for HS256/384/512) of random data, e.g. from
                `secrets.token_urlsafe(64)`.
            kid: The key id; derived from the secret by a one-way hash when omitted.
            algorithm: `"HS256"`, `"HS384"` or `"HS512"`.

        Raises:
            ValueError: The algorithm is not an HMAC one, the secret is too short, or the
                secret is a PEM key (which would invite algorithm confusion).
        """
        minimum = HMAC_MIN_BYTES.get(algorithm)
        if minimum is None:
            raise ValueError(f"Key.hmac() takes HS256, HS384 or HS512, not {algorithm!r}")
        raw = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        if b"-----BEGIN" in raw or raw.startswith(b"ssh-"):
            raise ValueError("that secret is a PEM/SSH key: load it with Key.from_pem() instead")
        if len(raw) < minimum:
            raise ValueError(f"an {algorithm} secret must be at least {minimum} bytes long")
        return cls(kid=kid or _derived_kid(raw), algorithm=algorithm, signing=raw, verifying=raw)

    @classmethod
    def from_pem(
        cls,
        pem: str | bytes,
        *,
        algorithm: str,
        kid: str | None = None,
        password: bytes | None = None,
    ) -> Key:
        """Load an RSA, EC or Ed25519/Ed448 key from PEM; a private key can also sign.

        Args:
            pem: A PEM private key (PKCS#8 or traditional) or public key (SubjectPublicKeyInfo).
            algorithm: The algorithm to bind the key to, e.g. `"RS256"` or `"ES256"`.
            kid: The key id; derived from the public key when omitted.
            password: The password of an encrypted private key.

        Raises:
            ValueError: The PEM cannot be read, or does not suit the algorithm.
        """
        _check_algorithm(algorithm)
        data = pem.encode("ascii") if isinstance(pem, str) else bytes(pem)
        private: PrivateKey | None = None
        if b"PRIVATE KEY" in data:
            loaded: Any = serialization.load_pem_private_key(data, password=password)
            private = loaded
            public: Any = loaded.public_key()
        else:
            public = serialization.load_pem_public_key(data)
        return cls._asymmetric(algorithm, private, public, kid)

    @classmethod
    def generate(cls, algorithm: str = "ES256", *, kid: str | None = None) -> Key:
        """Make a fresh random key for `algorithm` (RSA keys get 2048 bits).

        Handy for tests and single-process apps; a real deployment loads its keys from
        configuration so that tokens survive a restart.
        """
        _check_algorithm(algorithm)
        if algorithm in HMAC_MIN_BYTES:
            return cls.hmac(
                secrets.token_bytes(HMAC_MIN_BYTES[algorithm]), kid=kid, algorithm=algorithm
            )
        private: PrivateKey
        if algorithm in RSA_ALGORITHMS:
            private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_MIN_BITS)
        elif algorithm in EC_CURVES:
            curves = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}
            private = ec.generate_private_key(curves[algorithm])
        else:
            private = ed25519.Ed25519PrivateKey.generate()
        return cls._asymmetric(algorithm, private, private.public_key(), kid)

    @classmethod
    def _asymmetric(
        cls, algorithm: str, private: PrivateKey | None, public: PublicKey, kid: str | None
    ) -> Key:
        _check_asymmetric(algorithm, public)
        der = public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(
            kid=kid or _derived_kid(der), algorithm=algorithm, signing=private, verifying=public
        )

    @property
    def can_sign(self) -> bool:
        """Whether this key holds the secret or private part needed to sign."""
        return self._signing is not None

    @property
    def is_symmetric(self) -> bool:
        """Whether this is a shared HMAC secret (which must never be published)."""
        return self.algorithm in HMAC_MIN_BYTES

    def public(self) -> Key:
        """Return a verify-only copy (the same key for HMAC, which has no public half)."""
        if self.is_symmetric:
            return self
        return Key(kid=self.kid, algorithm=self.algorithm, signing=None, verifying=self._verifying)

    def public_pem(self) -> bytes:
        """Return the public key in PEM, to hand to services that only verify.

        Raises:
            ValueError: For an HMAC key, which has no public part.
        """
        if isinstance(self._verifying, bytes):
            raise ValueError("an HMAC key has no public part: share nothing, or use RS/ES keys")
        return self._verifying.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def _signing_material(self) -> bytes | PrivateKey:
        if self._signing is None:
            raise ValueError(f"key {self.kid!r} is public: it can verify tokens but not sign them")
        return self._signing

    def _verifying_material(self) -> bytes | PublicKey:
        return self._verifying

    def __repr__(self) -> str:
        return f"Key(kid={self.kid!r}, algorithm={self.algorithm!r}, can_sign={self.can_sign})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        # Pickling would copy the secret into caches, queues and logs without anyone noticing.
        raise TypeError("Key objects hold secrets and cannot be pickled")


class KeySet:
    """The keys a service trusts, one of which signs new tokens.

    Rotation: put the new key first (or name it with `signing_kid`) and keep the old ones
    until the tokens they signed have expired; tokens are matched to keys by their `kid`.

    Args:
        keys: The trusted keys; their ids must be unique.
        signing_kid: The id of the key that signs; by default the first key able to sign.

    Raises:
        ValueError: No keys, duplicate ids, or `signing_kid` names no signing key.
    """

    __slots__ = ("_by_kid", "signing_key")

    def __init__(self, keys: Key | Iterable[Key], *, signing_kid: str | None = None) -> None:
        listed = [keys] if isinstance(keys, Key) else list(keys)
        if not listed:
            raise ValueError("a KeySet needs at least one key")
        self._by_kid: dict[str, Key] = {}
        for key in listed:
            if key.kid in self._by_kid:
                raise ValueError(f"two keys share the id {key.kid!r}")
            self._by_kid[key.kid] = key
        signers = [key for key in listed if key.can_sign]
        self.signing_key: Key | None = signers[0] if signers else None
        if signing_kid is not None:
            chosen = self._by_kid.get(signing_kid)
            if chosen is None or not chosen.can_sign:
                raise ValueError(f"no key with id {signing_kid!r} can sign")
            self.signing_key = chosen

    def __iter__(self) -> Iterator[Key]:
        return iter(self._by_kid.values())

    def __len__(self) -> int:
        return len(self._by_kid)

    def get(self, kid: str) -> Key | None:
        """Return the key with this id, or None."""
        return self._by_kid.get(kid)

    def for_header(self, kid: object) -> Key | None:
        """Return the key a token's header points to, or None when it points to none.

        A token without a `kid` is accepted only when the set holds a single key, so that
        a set in rotation never has to guess.
        """
        if kid is None:
            return next(iter(self._by_kid.values())) if len(self._by_kid) == 1 else None
        return self._by_kid.get(kid) if isinstance(kid, str) else None

    def public(self) -> KeySet:
        """Return the same set with only verifying material (HMAC keys stay as they are)."""
        return KeySet([key.public() for key in self])

    def __repr__(self) -> str:
        signing = self.signing_key.kid if self.signing_key else None
        return f"KeySet(kids={list(self._by_kid)!r}, signing_kid={signing!r})"

    __str__ = __repr__
