"""Access tokens and passwords, done safely: the `zephyr[auth]` extra.

Install it with `pip install "zephyr[auth]"` (PyJWT with `cryptography`, and pwdlib with
Argon2). Nothing in `zephyr` imports this package: an app pays for it only when it uses it.

    keys = KeySet([Key.hmac(settings.jwt_secret, kid="2025-01")])
    tokens = AccessTokens(keys, issuer="https://api.example.com", audience="api")
    auth = TokenAuth(tokens, token_url="token", user_loader=load_user)

    @app.get("/me")
    def me(user: Annotated[User, Security(auth.current_user, scopes=["me"])]) -> User: ...
"""

try:
    import jwt as _jwt  # noqa: F401  (probed: the extra's dependencies)
    import pwdlib as _pwdlib  # noqa: F401
    from cryptography.hazmat.primitives import serialization as _serialization  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        f"zephyr.auth needs the 'auth' extra, which is not installed ({exc.name} is missing): "
        'pip install "zephyr[auth]"'
    ) from exc

from zephyr.auth.dependencies import Token as Token
from zephyr.auth.dependencies import TokenAuth as TokenAuth
from zephyr.auth.keys import ALLOWED_ALGORITHMS as ALLOWED_ALGORITHMS
from zephyr.auth.keys import Key as Key
from zephyr.auth.keys import KeySet as KeySet
from zephyr.auth.passwords import PasswordHasher as PasswordHasher
from zephyr.auth.tokens import AccessTokens as AccessTokens
from zephyr.auth.tokens import Claims as Claims
from zephyr.auth.tokens import InvalidTokenError as InvalidTokenError

__all__ = [
    "ALLOWED_ALGORITHMS",
    "AccessTokens",
    "Claims",
    "InvalidTokenError",
    "Key",
    "KeySet",
    "PasswordHasher",
    "Token",
    "TokenAuth",
]
