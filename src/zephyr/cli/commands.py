"""The `zephyr` command line: dev, run, routes and openapi (typer + rich).

Only this package imports typer and rich, and only when the command runs; `import zephyr`
never does.
"""

import contextlib
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.text import Text

from zephyr import __version__
from zephyr.cli.discover import AppTarget, describe_object, locate
from zephyr.cli.engine import route_table
from zephyr.cli.errors import CLIError
from zephyr.cli.openapi import document, render
from zephyr.cli.output import console, print_banner, print_error, print_plans, routes_table
from zephyr.cli.routes import collect_rows
from zephyr.cli.serve import ServeOptions, check_options, check_port_free, serve

T = TypeVar("T")

cli = typer.Typer(
    name="zephyr",
    help="Serve and inspect Zephyr applications (FastAPI's API, compiled).",
    no_args_is_help=True,
    add_completion=False,
    # Our errors are printed as messages; anything else is a bug and keeps Python's traceback
    # (typer's pretty tracebacks could print local variables, secrets included).
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PathArgument = Annotated[
    Path | None,
    typer.Argument(
        help="A .py file or a package directory holding the app. Default: the first of"
        " main.py, app.py, api.py, app/main.py, app/app.py, app/api.py.",
        show_default=False,
    ),
]
AppOption = Annotated[
    str | None,
    typer.Option(
        "--app",
        help="Name of the variable holding the app. Default: `app` or `api`, else the first"
        " Zephyr app in the module.",
        show_default=False,
    ),
]
EntrypointOption = Annotated[
    str | None,
    typer.Option(
        "--entrypoint",
        "-e",
        help="The app's import string, module:attr (instead of PATH and --app).",
        show_default=False,
    ),
]
PortOption = Annotated[
    int, typer.Option(envvar="PORT", min=1, max=65535, help="The TCP port to listen on.")
]
RootPathOption = Annotated[
    str,
    typer.Option(help="The path prefix a proxy serves the app under, such as /api/v1."),
]
ProxyHeadersOption = Annotated[
    bool,
    typer.Option(
        "--proxy-headers/--no-proxy-headers",
        help="Read the client address and scheme from X-Forwarded-For/-Proto headers sent by"
        " the proxies in --forwarded-allow-ips.",
    ),
]
ForwardedAllowIpsOption = Annotated[
    str | None,
    typer.Option(
        help="Comma-separated addresses of the proxies whose X-Forwarded-* headers are"
        " trusted ('*': any). Default: 127.0.0.1, or $FORWARDED_ALLOW_IPS.",
        show_default=False,
    ),
]


@contextlib.contextmanager
def reporting() -> Iterator[None]:
    """Turn a `CLIError` into its message on stderr and exit status 1."""
    try:
        yield
    except CLIError as error:
        print_error(error)
        raise typer.Exit(code=1) from None


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"Zephyr {__version__}")
        raise typer.Exit()


@cli.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Serve and inspect Zephyr applications (FastAPI's API, compiled)."""


@cli.command()
def dev(
    path: PathArgument = None,
    *,
    host: Annotated[
        str, typer.Option(help="The address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: PortOption = 8000,
    reload: Annotated[
        bool, typer.Option("--reload/--no-reload", help="Restart when a code file changes.")
    ] = True,
    reload_dir: Annotated[
        list[Path] | None,
        typer.Option(
            help="A directory to watch for changes (repeatable). Default: the app's project"
            " directory.",
            show_default=False,
        ),
    ] = None,
    root_path: RootPathOption = "",
    app: AppOption = None,
    entrypoint: EntrypointOption = None,
    proxy_headers: ProxyHeadersOption = True,
    forwarded_allow_ips: ForwardedAllowIpsOption = None,
) -> None:
    """Serve the app for development: auto-reload, on 127.0.0.1:8000."""
    options = ServeOptions(
        "dev",
        host,
        port,
        reload,
        None,
        root_path,
        proxy_headers,
        forwarded_allow_ips,
        tuple(reload_dir or ()),
    )
    _serve(options, path, app, entrypoint)


@cli.command()
def run(
    path: PathArgument = None,
    *,
    host: Annotated[
        str, typer.Option(help="The address to listen on (127.0.0.1: this machine only).")
    ] = "0.0.0.0",
    port: PortOption = 8000,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Number of worker processes. Default: one.", show_default=False),
    ] = None,
    reload: Annotated[
        bool, typer.Option("--reload/--no-reload", help="Restart when a code file changes.")
    ] = False,
    root_path: RootPathOption = "",
    app: AppOption = None,
    entrypoint: EntrypointOption = None,
    proxy_headers: ProxyHeadersOption = True,
    forwarded_allow_ips: ForwardedAllowIpsOption = None,
) -> None:
    """Serve the app in production: no reload, on 0.0.0.0:8000, optionally several workers."""
    options = ServeOptions(
        "run", host, port, reload, workers, root_path, proxy_headers, forwarded_allow_ips
    )
    _serve(options, path, app, entrypoint)


def _serve(
    options: ServeOptions, path: Path | None, app_name: str | None, entrypoint: str | None
) -> None:
    with reporting():
        check_options(options)
        check_port_free(options)
        target = locate(path, app_name, entrypoint)
        if target.is_zephyr:
            # Compile now: a route that cannot compile is reported here, as a message, rather
            # than as a lifespan traceback from inside the server.
            _compiling(lambda: route_table(target.app))
        print_banner(target, options)
        serve(target, options)


@cli.command("routes")
def routes_command(
    path: PathArgument = None,
    *,
    app: AppOption = None,
    entrypoint: EntrypointOption = None,
    plan: Annotated[
        bool, typer.Option("--plan", help="Print each API route's compiled EndpointPlan.")
    ] = False,
    table: Annotated[
        bool, typer.Option("--table", help="Print the compiled route table (lookup structure).")
    ] = False,
) -> None:
    """List every route: methods, path, endpoint, dependencies, parameters, response."""
    with reporting():
        target = locate(path, app, entrypoint)
        zephyr_app = _require_zephyr(target, "routes")
        rows = _compiling(lambda: collect_rows(zephyr_app))
        out = console()
        if table:
            out.print(_compiling(lambda: route_table(zephyr_app).describe()), markup=False)
            out.print()
        if plan:
            print_plans(rows)
        if not (plan or table):
            title = f"{zephyr_app.title} {zephyr_app.version}: {len(rows)} routes"
            out.print(Text(f"{title} ({target.import_string})", style="bold"))
            out.print(routes_table(rows))


def _compiling(step: Callable[[], T]) -> T:
    """Run a step that compiles the app's plans, reporting a configuration error as a message."""
    try:
        return step()
    except Exception as exc:  # the engine's startup errors name the route and what to do
        raise CLIError(
            "Compiling the app's routes failed:",
            details="".join(traceback.format_exception_only(type(exc), exc)).rstrip(),
        ) from None


@cli.command("openapi")
def openapi_command(
    path: PathArgument = None,
    *,
    app: AppOption = None,
    entrypoint: EntrypointOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file instead of stdout.", dir_okay=False
        ),
    ] = None,
    yaml: Annotated[bool, typer.Option("--yaml", help="Write YAML instead of JSON.")] = False,
) -> None:
    """Print (or write) the app's OpenAPI document, as JSON or YAML."""
    with reporting():
        target = locate(path, app, entrypoint)
        doc = document(_require_zephyr(target, "openapi"))
        text = render(doc, yaml=yaml)
        if output is None:
            sys.stdout.write(text)
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CLIError(f"Cannot write {output}: {exc.strerror or exc}.") from None
        paths = len(doc.get("paths", {}))
        console(stderr=True).print(f"Wrote the OpenAPI document ({paths} paths) to {output}")


def _require_zephyr(target: AppTarget, command: str) -> Any:
    """Return the target's app, refusing ASGI apps that are not Zephyr apps."""
    if target.is_zephyr:
        return target.app
    raise CLIError(
        f"{target.import_string} is {describe_object(target.app)}, not a Zephyr app:"
        f" `zephyr {command}` reads what Zephyr compiled from it.",
        hint="Create the app with `from zephyr import FastAPI` (or call zephyr.compat.install()"
        " before importing fastapi).",
    )
