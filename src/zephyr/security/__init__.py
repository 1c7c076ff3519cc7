"""Security schemes usable as dependencies, at FastAPI's `fastapi.security` path."""

from zephyr.security.api_key import APIKeyCookie as APIKeyCookie
from zephyr.security.api_key import APIKeyHeader as APIKeyHeader
from zephyr.security.api_key import APIKeyQuery as APIKeyQuery
from zephyr.security.base import SecurityBase as SecurityBase
from zephyr.security.http import HTTPAuthorizationCredentials as HTTPAuthorizationCredentials
from zephyr.security.http import HTTPBasic as HTTPBasic
from zephyr.security.http import HTTPBasicCredentials as HTTPBasicCredentials
from zephyr.security.http import HTTPBearer as HTTPBearer
from zephyr.security.http import HTTPDigest as HTTPDigest
from zephyr.security.oauth2 import OAuth2 as OAuth2
from zephyr.security.oauth2 import OAuth2AuthorizationCodeBearer as OAuth2AuthorizationCodeBearer
from zephyr.security.oauth2 import OAuth2PasswordBearer as OAuth2PasswordBearer
from zephyr.security.oauth2 import OAuth2PasswordRequestForm as OAuth2PasswordRequestForm
from zephyr.security.oauth2 import (
    OAuth2PasswordRequestFormStrict as OAuth2PasswordRequestFormStrict,
)
from zephyr.security.oauth2 import SecurityScopes as SecurityScopes
from zephyr.security.open_id_connect_url import OpenIdConnect as OpenIdConnect

__all__ = [
    "APIKeyCookie",
    "APIKeyHeader",
    "APIKeyQuery",
    "HTTPAuthorizationCredentials",
    "HTTPBasic",
    "HTTPBasicCredentials",
    "HTTPBearer",
    "HTTPDigest",
    "OAuth2",
    "OAuth2AuthorizationCodeBearer",
    "OAuth2PasswordBearer",
    "OAuth2PasswordRequestForm",
    "OAuth2PasswordRequestFormStrict",
    "OpenIdConnect",
    "SecurityBase",
    "SecurityScopes",
]
