"""Static file serving, re-exported from Starlette."""

from starlette.staticfiles import StaticFiles as StaticFiles
