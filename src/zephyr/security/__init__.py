"""Security schemes usable as dependencies."""

from zephyr.security.base import SecurityBase as SecurityBase
from zephyr.security.oauth2 import SecurityScopes as SecurityScopes

__all__ = ["SecurityBase", "SecurityScopes"]
