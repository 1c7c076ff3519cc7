"""Parsing helpers shared by the security schemes."""


def get_authorization_scheme_param(authorization_header_value: str | None) -> tuple[str, str]:
    """Split an `Authorization` header value into its scheme and its parameter.

    The scheme is everything before the first space; the parameter is the rest, with
    surrounding whitespace removed. A missing or empty header gives two empty strings.

    Args:
        authorization_header_value: The raw header value, or None when the header is absent.

    Returns:
        The `(scheme, parameter)` pair, e.g. `("Bearer", "abc")` for `"Bearer abc"`.
    """
    if not authorization_header_value:
        return "", ""
    scheme, _, param = authorization_header_value.partition(" ")
    return scheme, param.strip()
