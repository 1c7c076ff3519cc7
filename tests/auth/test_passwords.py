"""PasswordHasher: Argon2id hashes, safe verification, upgrades."""

import time

import pytest

from zephyr.auth import PasswordHasher

FAST = {"time_cost": 1, "memory_cost": 8 * 1024, "parallelism": 1}


@pytest.fixture
def hasher() -> PasswordHasher:
    return PasswordHasher(**FAST)


def test_default_parameters_hash_argon2id() -> None:
    hashed = PasswordHasher().hash("correct horse")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PasswordHasher().verify("correct horse", hashed)


def test_hash_and_verify(hasher: PasswordHasher) -> None:
    hashed = hasher.hash("s3cret")
    assert hashed != hasher.hash("s3cret")  # salted
    assert "s3cret" not in hashed
    assert hasher.verify("s3cret", hashed)
    assert not hasher.verify("S3cret", hashed)
    assert not hasher.verify("", hashed)
    assert hasher.verify("", hasher.hash(""))
    assert hasher.verify("pässwörd ✓", hasher.hash("pässwörd ✓"))


@pytest.mark.parametrize(
    "hashed",
    ["", "not a hash", "$2b$12$abcdefghijklmnopqrstuv", "$argon2id$v=19$m=1,t=1,p=1$bad$bad"],
)
def test_foreign_or_broken_hashes_do_not_verify(hasher: PasswordHasher, hashed: str) -> None:
    assert hasher.verify("anything", hashed) is False
    assert hasher.needs_rehash(hashed) is True


def test_missing_user_costs_a_real_verification(hasher: PasswordHasher) -> None:
    real = hasher.hash("pw")
    assert hasher.verify("pw", None) is False
    slow = PasswordHasher(time_cost=3, memory_cost=32 * 1024, parallelism=1)
    slow_hash = slow.hash("pw")
    slow.verify("pw", None)  # warm the dummy hash
    started = time.perf_counter()
    slow.verify("pw", None)
    missing = time.perf_counter() - started
    started = time.perf_counter()
    slow.verify("wrong", slow_hash)
    present = time.perf_counter() - started
    assert missing > present / 4  # same order of magnitude: a real Argon2 run happened
    assert real


def test_needs_rehash_and_verify_and_update(hasher: PasswordHasher) -> None:
    old = hasher.hash("pw")
    assert not hasher.needs_rehash(old)
    stronger = PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1)
    assert stronger.needs_rehash(old)
    valid, new_hash = stronger.verify_and_update("pw", old)
    assert valid and new_hash is not None and new_hash != old
    assert stronger.verify_and_update("pw", new_hash) == (True, None)
    assert stronger.verify_and_update("nope", old) == (False, None)
    assert stronger.verify_and_update("pw", None) == (False, None)


def test_length_limit(hasher: PasswordHasher) -> None:
    with pytest.raises(ValueError, match="4096"):
        hasher.hash("x" * 4097)
    assert hasher.verify("x" * 5000, hasher.hash("x" * 10)) is False


def test_repr_shows_parameters_only(hasher: PasswordHasher) -> None:
    assert repr(hasher) == (
        "PasswordHasher(algorithm='argon2id', time_cost=1, memory_cost=8192, parallelism=1)"
    )
