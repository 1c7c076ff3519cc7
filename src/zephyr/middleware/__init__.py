"""Middleware: the ``Middleware`` declaration, re-exported from Starlette."""

from starlette.middleware import Middleware as Middleware
