"""Any Authorization header gets a 200 or FastAPI's 401, never a 500 (hypothesis)."""

import base64
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zephyr.security import (
    APIKeyHeader,
    HTTPBasic,
    HTTPBearer,
    HTTPDigest,
    OAuth2,
    OAuth2AuthorizationCodeBearer,
    OAuth2PasswordBearer,
    OpenIdConnect,
)
from zephyr.security.http import HTTPBase
from zephyr.testclient import TestClient

from .conftest import app_for

SCHEMES: dict[str, Any] = {
    "basic": HTTPBasic(),
    "basic-optional": HTTPBasic(auto_error=False),
    "bearer": HTTPBearer(),
    "bearer-optional": HTTPBearer(auto_error=False),
    "digest": HTTPDigest(),
    "base": HTTPBase(scheme="other"),
    "oauth2": OAuth2(),
    "password": OAuth2PasswordBearer(tokenUrl="t"),
    "code": OAuth2AuthorizationCodeBearer(authorizationUrl="a", tokenUrl="t"),
    "oidc": OpenIdConnect(openIdConnectUrl="u"),
    "api-key": APIKeyHeader(name="Authorization"),
}
CLIENTS = {name: TestClient(app_for(scheme)) for name, scheme in SCHEMES.items()}

# Header bytes a client can put on the wire: visible ASCII, space, tab and obs-text.
header_byte = st.sampled_from([9, *range(0x20, 0x7F), *range(0x80, 0x100)])
raw_value = st.lists(header_byte, max_size=60).map(bytes)
prefixed = st.tuples(
    st.sampled_from([b"Basic ", b"basic ", b"Bearer ", b"bearer", b"Digest ", b"Token "]),
    st.one_of(raw_value, st.binary(max_size=40).map(base64.b64encode)),
).map(b"".join)
header_value = st.one_of(raw_value, prefixed).map(lambda value: value.strip(b" \t"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=header_value, name=st.sampled_from(sorted(SCHEMES)))
def test_never_a_server_error(value: bytes, name: str) -> None:
    response = CLIENTS[name].get("/", headers=[(b"Authorization", value)])
    assert response.status_code in (200, 401), response.text
    if response.status_code == 401:
        assert response.json() == {"detail": "Not authenticated"}
        assert response.headers["www-authenticate"]
