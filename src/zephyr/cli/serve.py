"""Serve the application with uvicorn, by import string so reload and workers can re-import it.

Before uvicorn starts, the port is checked, so "address already in use" becomes a message
that names the port and says how to pick another instead of a server log line.
"""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from zephyr.cli.discover import AppTarget
from zephyr.cli.errors import CLIError


@dataclass(frozen=True)
class ServeOptions:
    """How to serve: `zephyr dev` and `zephyr run` differ only in these defaults.

    Attributes:
        command: "dev" or "run", for messages.
        host: The address to listen on.
        port: The TCP port.
        reload: Restart the server when code changes (one process).
        workers: Number of worker processes (None: one, in this process).
        root_path: The path prefix a proxy serves the app under.
        proxy_headers: Trust X-Forwarded-* headers from `forwarded_allow_ips`.
        forwarded_allow_ips: Comma-separated proxy addresses to trust ("*": all).
        reload_dirs: Directories watched for changes (default: the app's project directory).
    """

    command: Literal["dev", "run"]
    host: str
    port: int
    reload: bool
    workers: int | None = None
    root_path: str = ""
    proxy_headers: bool = True
    forwarded_allow_ips: str | None = None
    reload_dirs: tuple[Path, ...] = field(default_factory=tuple)


def check_options(options: ServeOptions) -> None:
    """Reject option combinations uvicorn cannot honour."""
    if options.reload and options.workers is not None and options.workers > 1:
        raise CLIError(
            "--reload and --workers cannot be combined: auto-reload runs a single process.",
            hint="Use `zephyr dev` (reload) while developing and `zephyr run --workers N`"
            " in production.",
        )


def check_port_free(options: ServeOptions) -> None:
    """Bind the port the way uvicorn will, and explain why it cannot be used if so."""
    family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
    port = options.port
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # uvicorn sets SO_REUSEADDR too: a port left in TIME_WAIT is usable, a listener is not.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((options.host, port))
        except OSError as exc:
            raise _bind_error(options, exc) from None


def _bind_error(options: ServeOptions, exc: OSError) -> CLIError:
    host, port = options.host, options.port
    if exc.errno == errno.EADDRINUSE:
        other = port + 1 if port < 65535 else 8000
        return CLIError(
            f"Port {port} is already in use on {host}: another program is listening on it.",
            hint=f"Stop that program, or choose another port: zephyr {options.command}"
            f" --port {other} (or set the PORT environment variable).",
        )
    if exc.errno == errno.EACCES:
        return CLIError(
            f"Permission denied to listen on port {port} on {host}.",
            hint="Ports below 1024 need privileges: use a higher port, such as --port 8000.",
        )
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return CLIError(
            f"Cannot listen on {host}: it is not an address of this machine ({exc.strerror}).",
            hint="Use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface).",
        )
    return CLIError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.")


def base_url(host: str, port: int) -> str:
    """Return the URL a browser on this machine reaches the server at."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def app_urls(target: AppTarget, options: ServeOptions) -> list[tuple[str, str]]:
    """Return (label, URL) for the API and, when the app serves them, its docs pages."""
    url = base_url(options.host, options.port)
    urls = [("API", url)]
    if not target.is_zephyr:
        return urls
    app = target.app
    if app.openapi_url:
        # FastAPI serves the docs pages only alongside the OpenAPI document.
        if app.docs_url:
            urls.append(("Docs", url + app.docs_url))
        if app.redoc_url:
            urls.append(("ReDoc", url + app.redoc_url))
        urls.append(("OpenAPI", url + app.openapi_url))
    return urls


def serve(target: AppTarget, options: ServeOptions) -> None:
    """Run uvicorn on the app's import string until it is stopped."""
    try:
        import uvicorn
    except ImportError:
        raise CLIError(
            "uvicorn is not installed.",
            hint="Install the server: pip install 'zephyr[standard]'.",
        ) from None
    project = target.spec.search_path
    reload_dirs = [str(path.resolve()) for path in options.reload_dirs] or [str(project)]
    uvicorn.run(
        target.import_string,
        host=options.host,
        port=options.port,
        reload=options.reload,
        reload_dirs=reload_dirs if options.reload else None,
        workers=options.workers,
        root_path=options.root_path,
        proxy_headers=options.proxy_headers,
        forwarded_allow_ips=options.forwarded_allow_ips,
        # Also on sys.path already; uvicorn's reload and worker processes are spawned with it.
        app_dir=str(project),
    )
