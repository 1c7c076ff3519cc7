"""Jinja2 templates, re-exported from Starlette (they require ``jinja2``)."""

from starlette.templating import Jinja2Templates as Jinja2Templates
