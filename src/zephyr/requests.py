"""Request objects, re-exported from Starlette so ``isinstance`` checks work across libraries."""

from starlette.requests import HTTPConnection as HTTPConnection
from starlette.requests import Request as Request
