"""WSGI adapter middleware, re-exported from Starlette.

Starlette deprecates it (importing this module emits its ``StarletteDeprecationWarning``, as
importing ``fastapi.middleware.wsgi`` does); ``a2wsgi`` is the maintained replacement.
"""

from starlette.middleware.wsgi import WSGIMiddleware as WSGIMiddleware
