"""get_authorization_scheme_param splits a header at its first space."""

import pytest

from zephyr.security.utils import get_authorization_scheme_param


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("", "")),
        ("", ("", "")),
        ("Bearer abc", ("Bearer", "abc")),
        ("Bearer", ("Bearer", "")),
        ("Bearer ", ("Bearer", "")),
        ("Bearer   abc  ", ("Bearer", "abc")),
        ("Basic a b c", ("Basic", "a b c")),
        (" Bearer abc", ("", "Bearer abc")),
        ("Bearer\tabc", ("Bearer\tabc", "")),
    ],
)
def test_splits_scheme_and_param(value: str | None, expected: tuple[str, str]) -> None:
    assert get_authorization_scheme_param(value) == expected
