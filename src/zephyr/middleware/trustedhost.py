"""Trusted ``Host`` header middleware, re-exported from Starlette."""

from starlette.middleware.trustedhost import TrustedHostMiddleware as TrustedHostMiddleware
