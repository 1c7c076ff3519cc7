"""Password hashing and access tokens, built from the settings with `zephyr.auth`."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from zephyr.auth import AccessTokens, Key, PasswordHasher

from .config import Settings

logger = logging.getLogger("bookstore.security")


def password_hasher(settings: Settings) -> PasswordHasher:
    """Return the Argon2id hasher with the configured cost."""
    return PasswordHasher(
        time_cost=settings.password_time_cost,
        memory_cost=settings.password_memory_kib,
        parallelism=settings.password_parallelism,
    )


@dataclass(frozen=True)
class Security:
    """What the app needs to log people in: a password hasher and a token issuer/verifier."""

    passwords: PasswordHasher
    tokens: AccessTokens

    @classmethod
    def from_settings(cls, settings: Settings) -> Security:
        """Build the hasher and the token service the settings describe."""
        if settings.jwt_secret is not None:
            secret = settings.jwt_secret.get_secret_value()
        else:
            # Only reachable outside production (Settings refuses it there).
            logger.warning("JWT_SECRET is not set: tokens are signed with a random key")
            secret = secrets.token_urlsafe(48)
        return cls(
            passwords=password_hasher(settings),
            tokens=AccessTokens(
                Key.hmac(secret, kid="bookstore-1"),
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                ttl=timedelta(minutes=settings.access_token_minutes),
            ),
        )
