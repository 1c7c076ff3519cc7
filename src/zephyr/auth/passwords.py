"""Password hashing with Argon2id (through pwdlib), with safe failure modes.

`verify` never raises on a bad or foreign hash (it returns False), and checking a password for
a user that does not exist costs the same as for one that does, so that response times do not
tell which user names are registered.
"""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.exceptions import PwdlibError
from pwdlib.hashers.argon2 import Argon2Hasher

__all__ = ["PasswordHasher"]

# Argon2 pre-hashes its input, so length costs little; the cap only bounds request bodies'
# worth of work per login attempt.
MAX_PASSWORD_LENGTH = 4096


class PasswordHasher:
    """Hash and check passwords with Argon2id.

    The defaults are the parameters RFC 9106 recommends for memory-constrained servers
    (t=3, m=64 MiB, p=4); raise them if your servers can afford it, and `needs_rehash`
    will flag old hashes for upgrade at the next login.

    Args:
        time_cost: Argon2 iterations.
        memory_cost: Argon2 memory, in KiB.
        parallelism: Argon2 lanes.
    """

    def __init__(self, *, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4):
        self.time_cost = time_cost
        self.memory_cost = memory_cost
        self.parallelism = parallelism
        self._hasher = Argon2Hasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
        )
        self._hash = PasswordHash((self._hasher,))
        self._dummy: str | None = None

    def __repr__(self) -> str:
        return (
            f"PasswordHasher(algorithm='argon2id', time_cost={self.time_cost}, "
            f"memory_cost={self.memory_cost}, parallelism={self.parallelism})"
        )

    __str__ = __repr__

    def hash(self, password: str) -> str:
        """Return a salted Argon2id hash of `password`, in the PHC string format.

        Raises:
            ValueError: The password is longer than 4096 characters.
        """
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ValueError(f"passwords are limited to {MAX_PASSWORD_LENGTH} characters")
        return self._hash.hash(password)

    def verify(self, password: str, hashed: str | None) -> bool:
        """Return whether `password` matches `hashed`, in constant time.

        Pass `hashed=None` when the user does not exist: a dummy hash is checked instead, so
        the call takes as long as a real one, and False is returned.
        """
        if len(password) > MAX_PASSWORD_LENGTH:
            password = ""  # still spend the time of a real check
        try:
            matches = self._hash.verify(password, hashed or self._dummy_hash())
        except PwdlibError:
            return False
        return matches and hashed is not None

    def needs_rehash(self, hashed: str) -> bool:
        """Return whether `hashed` should be replaced: other parameters or another scheme."""
        if not self._hasher.identify(hashed):
            return True
        try:
            return self._hasher.check_needs_rehash(hashed)
        except Exception:  # argon2 raises its own errors on a malformed hash
            return True

    def verify_and_update(self, password: str, hashed: str | None) -> tuple[bool, str | None]:
        """Check `password`; when it matches and the hash is outdated, return a fresh hash.

        Returns:
            `(matches, new_hash)`: store `new_hash` when it is not None.
        """
        if not self.verify(password, hashed) or hashed is None:
            return False, None
        return True, self.hash(password) if self.needs_rehash(hashed) else None

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self._hash.hash("zephyr.auth: no such user")
        return self._dummy
