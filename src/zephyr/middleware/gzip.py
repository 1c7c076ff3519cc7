"""GZip compression middleware, re-exported from Starlette."""

from starlette.middleware.gzip import GZipMiddleware as GZipMiddleware
