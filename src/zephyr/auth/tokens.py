"""Issue and verify signed access tokens (JWS-signed JWTs) with secure defaults.

Verification refuses, before computing anything expensive: tokens over `max_token_bytes`,
tokens that are not three base64url segments, an `alg` outside the allow-list (so never
`none`), an unknown `kid`, and an `alg` other than the one the key is bound to (no HS/RS
confusion). Then PyJWT checks the signature (HMAC compared in constant time) and `exp`, `nbf`,
`iat`, `aud` and `iss`, with `exp` always required. Every refusal raises the same
`InvalidTokenError`; its `reason` is for logs and tests only and must not reach clients.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import jwt

from zephyr.auth.keys import ALLOWED_ALGORITHMS, Key, KeySet

__all__ = ["AccessTokens", "Claims", "InvalidTokenError"]

logger = logging.getLogger("zephyr.auth")

DEFAULT_MAX_TOKEN_BYTES = 8 * 1024
RESERVED_CLAIMS = frozenset({"exp", "iat", "nbf", "iss", "aud", "sub", "jti", "scope"})

_PYJWT_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.ImmatureSignatureError, "not yet valid"),
    (jwt.InvalidAudienceError, "wrong audience"),
    (jwt.InvalidIssuerError, "wrong issuer"),
    (jwt.MissingRequiredClaimError, "missing claim"),
    (jwt.InvalidSignatureError, "bad signature"),
    (jwt.DecodeError, "malformed"),
)


class InvalidTokenError(Exception):
    """A token was refused. The message never contains the token or any key material.

    Attributes:
        reason: A short phrase ("expired", "unknown key"...) for server-side logs and tests.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid access token: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class Claims:
    """The verified contents of an access token.

    Attributes:
        subject: The `sub` claim: whom the token was issued to.
        scopes: The granted OAuth2 scopes (the space-separated `scope` claim, split).
        roles: The roles claim (a list of strings), empty when absent.
        expires_at: The `exp` claim, in seconds since the epoch.
        issued_at: The `iat` claim, if present.
        token_id: The `jti` claim, if present (useful for revocation lists).
        raw: Every claim, as decoded.
    """

    subject: str
    scopes: tuple[str, ...]
    roles: tuple[str, ...]
    expires_at: int
    issued_at: int | None
    token_id: str | None
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    def has_scopes(self, required: Iterable[str]) -> bool:
        """Return whether every scope in `required` was granted."""
        return set(required) <= set(self.scopes)

    def has_roles(self, required: Iterable[str], *, any_of: bool = False) -> bool:
        """Return whether the token has all (or, with `any_of`, at least one) of the roles."""
        wanted = set(required)
        held = set(self.roles)
        return bool(wanted & held) if any_of else wanted <= held


def _seconds(value: timedelta | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _string_list(value: object, *, split: bool) -> tuple[str, ...] | None:
    """Read a claim that holds strings: a list, or (with `split`) a space-separated string."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.split()) if split else (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


class AccessTokens:
    """Issue and verify access tokens for one service.

    Args:
        keys: The trusted keys (a `KeySet`, one `Key`, or several; see `KeySet` for rotation).
        issuer: The `iss` written into tokens and required when verifying.
        audience: The `aud` written into tokens (the first one, if several) and required when
            verifying (any of them). Without one, a token that names an audience is refused.
        ttl: How long issued tokens live.
        leeway: Clock skew tolerated when checking `exp`, `nbf` and `iat`.
        max_token_bytes: Longer tokens are refused before any decoding.
        roles_claim: The claim that lists the subject's roles.
        required_claims: Claims a token must carry; `exp` is always added.

    Raises:
        ValueError: A non-positive `ttl`, a negative `leeway` or a too small size limit.
    """

    def __init__(
        self,
        keys: KeySet | Key | Iterable[Key],
        *,
        issuer: str | None = None,
        audience: str | Sequence[str] | None = None,
        ttl: timedelta = timedelta(minutes=15),
        leeway: timedelta | float = 0,
        max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES,
        roles_claim: str = "roles",
        required_claims: Iterable[str] = ("exp", "iat", "sub"),
    ) -> None:
        self.keys = keys if isinstance(keys, KeySet) else KeySet(keys)
        self.issuer = issuer
        self.audience: tuple[str, ...] = (
            (audience,) if isinstance(audience, str) else tuple(audience or ())
        )
        if ttl <= timedelta(0):
            raise ValueError("ttl must be positive")
        self.ttl = ttl
        self.leeway = _seconds(leeway)
        if self.leeway < 0:
            raise ValueError("leeway must not be negative")
        if max_token_bytes < 256:
            raise ValueError("max_token_bytes below 256 would refuse every real token")
        self.max_token_bytes = max_token_bytes
        self.roles_claim = roles_claim
        self.required_claims = tuple(dict.fromkeys(["exp", *required_claims]))

    def __repr__(self) -> str:
        return (
            f"AccessTokens(keys={self.keys!r}, issuer={self.issuer!r}, "
            f"audience={list(self.audience)!r}, ttl={self.ttl!r}, leeway={self.leeway!r}, "
            f"max_token_bytes={self.max_token_bytes})"
        )

    __str__ = __repr__

    @property
    def ttl_seconds(self) -> int:
        """The lifetime of issued tokens, in whole seconds (for `expires_in`)."""
        return int(self.ttl.total_seconds())

    def issue(
        self,
        subject: str,
        *,
        scopes: Iterable[str] = (),
        roles: Iterable[str] = (),
        ttl: timedelta | None = None,
        audience: str | None = None,
        claims: Mapping[str, Any] | None = None,
    ) -> str:
        """Sign a token for `subject` with the current signing key.

        Args:
            subject: The `sub` claim, usually a user id.
            scopes: The granted scopes, written as the space-separated `scope` claim.
            roles: Roles, written to the roles claim when there are any.
            ttl: A lifetime for this token instead of the default.
            audience: The `aud` for this token instead of the configured first audience.
            claims: Extra claims; they cannot override the registered ones set here.

        Raises:
            ValueError: The key set cannot sign, or `claims` tries to set a reserved claim.
        """
        signer = self.keys.signing_key
        if signer is None:
            raise ValueError("this key set holds only public keys: it can verify but not sign")
        extra = dict(claims or {})
        clash = (RESERVED_CLAIMS | {self.roles_claim}) & extra.keys()
        if clash:
            raise ValueError(f"claims may not set {sorted(clash)}: use the matching argument")
        lifetime = ttl if ttl is not None else self.ttl
        if lifetime <= timedelta(0):
            raise ValueError("ttl must be positive")
        now = int(time.time())
        payload: dict[str, Any] = {**extra, "sub": subject, "iat": now, "nbf": now}
        payload["exp"] = now + int(lifetime.total_seconds())
        payload["jti"] = secrets.token_urlsafe(16)
        if self.issuer is not None:
            payload["iss"] = self.issuer
        target = audience or (self.audience[0] if self.audience else None)
        if target is not None:
            payload["aud"] = target
        scope_list = list(scopes)
        if scope_list:
            payload["scope"] = " ".join(scope_list)
        role_list = list(roles)
        if role_list:
            payload[self.roles_claim] = role_list
        headers = {"kid": signer.kid, "typ": "JWT"}
        return jwt.encode(
            payload, signer._signing_material(), algorithm=signer.algorithm, headers=headers
        )

    def verify(self, token: object) -> Claims:
        """Check a token and return its claims.

        Raises:
            InvalidTokenError: For any reason at all; see the module docstring.
        """
        try:
            return self._verify(token)
        except InvalidTokenError as exc:
            # The reason only: the token and the keys stay out of logs.
            logger.debug("access token refused: %s", exc.reason)
            raise

    def _verify(self, token: object) -> Claims:
        if not isinstance(token, str) or not token:
            raise InvalidTokenError("malformed")
        if len(token) > self.max_token_bytes:
            raise InvalidTokenError("too large")
        if not token.isascii() or token.count(".") != 2:
            raise InvalidTokenError("malformed")
        key = self._key_for(token)
        try:
            payload = jwt.decode(
                token,
                key._verifying_material(),
                algorithms=[key.algorithm],
                audience=list(self.audience) or None,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": list(self.required_claims)},
            )
        except jwt.PyJWTError as exc:
            raise InvalidTokenError(_reason(exc)) from None
        except (ValueError, TypeError, KeyError, OverflowError):
            # PyJWT's own checks raise PyJWTError; anything else is input it did not expect.
            raise InvalidTokenError("malformed") from None
        return self._claims(payload)

    def _key_for(self, token: str) -> Key:
        """Return the key a token's header names, if the header is one we accept."""
        try:
            header = jwt.get_unverified_header(token)
        except (jwt.PyJWTError, ValueError, TypeError):
            raise InvalidTokenError("malformed") from None
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in ALLOWED_ALGORITHMS:
            raise InvalidTokenError("algorithm not allowed")
        if "crit" in header:
            # RFC 7515 4.1.11: extensions we do not understand must make the token invalid.
            raise InvalidTokenError("unsupported critical header")
        key = self.keys.for_header(header.get("kid"))
        if key is None:
            raise InvalidTokenError("unknown key")
        if algorithm != key.algorithm:
            raise InvalidTokenError("algorithm does not match the key")
        return key

    def _claims(self, payload: dict[str, Any]) -> Claims:
        subject = payload.get("sub", "")
        token_id = payload.get("jti")
        scopes = _string_list(payload.get("scope"), split=True)
        roles = _string_list(payload.get(self.roles_claim), split=False)
        issued_at = payload.get("iat")
        if (
            not isinstance(subject, str)
            or not (token_id is None or isinstance(token_id, str))
            or scopes is None
            or roles is None
            or not (issued_at is None or isinstance(issued_at, int | float))
        ):
            raise InvalidTokenError("malformed claims")
        return Claims(
            subject=subject,
            scopes=scopes,
            roles=roles,
            expires_at=int(payload["exp"]),
            issued_at=None if issued_at is None else int(issued_at),
            token_id=token_id,
            raw=payload,
        )


def _reason(exc: jwt.PyJWTError) -> str:
    for kind, reason in _PYJWT_REASONS:
        if isinstance(exc, kind):
            return reason
    return "invalid"
