"""The raw readers of the request path agree with Starlette's own parsing."""

from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from zephyr._pipeline.extract import query_multi

# Query strings built from the characters that change how they split or unquote.
_QUERY_TEXT = st.text(alphabet="ab=&%+2 0F;é", max_size=30)


def _starlette_multi(query: bytes) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in QueryParams(query).multi_items():
        grouped.setdefault(name, []).append(value)
    return grouped


@given(_QUERY_TEXT)
def test_query_multi_groups_values_like_starlettes_query_params(text: str) -> None:
    query = text.encode("utf-8")
    assert query_multi({"query_string": query}) == _starlette_multi(query)


def test_query_multi_keeps_repeats_in_order_and_blank_values() -> None:
    scope = {"query_string": b"tag=a&&tag=b&empty=&flag&tag=c"}
    assert query_multi(scope) == {"tag": ["a", "b", "c"], "empty": [""], "flag": [""]}


def test_query_multi_unquotes_only_when_needed() -> None:
    assert query_multi({"query_string": b"q=hello+world&x=%2F"}) == {
        "q": ["hello world"],
        "x": ["/"],
    }
    assert query_multi({"query_string": b""}) == {}
    assert query_multi({}) == {}
