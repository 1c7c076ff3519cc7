"""HTTP to HTTPS redirect middleware, re-exported from Starlette."""

from starlette.middleware.httpsredirect import HTTPSRedirectMiddleware as HTTPSRedirectMiddleware
