"""Everything the CLI prints: errors, the startup banner and the routes table (with rich)."""

from __future__ import annotations

import os

from rich.console import Console
from rich.table import Table
from rich.text import Text

from zephyr.cli.discover import AppTarget
from zephyr.cli.errors import CLIError
from zephyr.cli.routes import RouteRow
from zephyr.cli.serve import ServeOptions, app_urls

# Piped output has no terminal width: let tables take their natural width instead of folding
# every cell at 80 columns (rich pads nothing past a table's own width).
PIPE_WIDTH = 1000


def console(*, stderr: bool = False) -> Console:
    """Return a console for stdout (or stderr), wide enough for tables when piped."""
    out = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out.width = PIPE_WIDTH
    return out


def print_error(error: CLIError) -> None:
    """Print what went wrong, the user's traceback if any, and what to do, on stderr."""
    err = console(stderr=True)
    err.print(Text.assemble(("Error: ", "bold red"), error.message))
    if error.details:
        err.print()
        err.print(Text(error.details), soft_wrap=True)
        err.print()
    if error.hint:
        err.print(Text.assemble(("Hint: ", "bold yellow"), error.hint))


def _origin(target: AppTarget) -> str:
    """Say where the app came from: its file, --entrypoint or pyproject.toml."""
    spec = target.spec
    if spec.source == "auto-discovery":
        return f"{spec.origin}, auto-discovered"
    return spec.origin


def print_banner(target: AppTarget, options: ServeOptions) -> None:
    """Print the startup banner: mode, app, import string and the URLs to open."""
    out = console()
    if options.command == "dev":
        mode = "development server, auto-reload " + ("on" if options.reload else "off")
    else:
        count = options.workers or 1
        mode = f"production server, {count} worker{'s' if count != 1 else ''}"
    lines: list[tuple[str, Text]] = [
        ("App", Text(f"{target.import_string}  ({_origin(target)})")),
    ]
    if options.host in ("0.0.0.0", "::"):
        lines.append(("Listening", Text(f"{options.host}:{options.port} (every interface)")))
    for label, url in app_urls(target, options):
        lines.append((label, Text(url, style=f"link {url}")))
    if options.root_path:
        lines.append(("Root path", Text(options.root_path)))
    if target.spec.source == "auto-discovery":
        entry = f'[tool.zephyr] entrypoint = "{target.import_string}"'
        lines.append(("Tip", Text(f"pin it in pyproject.toml: {entry}")))
    out.print(Text.assemble(("Zephyr ", "bold cyan"), mode))
    width = max(len(label) for label, _ in lines) + 2
    for label, value in lines:
        out.print(Text.assemble((label.ljust(width), "bold"), value))
    out.print()


def routes_table(rows: list[RouteRow]) -> Table:
    """Build the `zephyr routes` table."""
    table = Table(show_lines=True)
    # On a narrow terminal the long cells fold; methods, paths and kinds stay whole.
    for name in ("Methods", "Path", "Kind"):
        table.add_column(name, no_wrap=True)
    for name in ("Endpoint", "Dependencies", "Parameters", "Response"):
        table.add_column(name, overflow="fold")
    table.add_column("Status", justify="right", no_wrap=True)
    for row in rows:
        params = "\n".join(f"{where}: {', '.join(names)}" for where, names in row.parameters)
        table.add_row(
            Text(",".join(row.methods) or "-", style="bold"),
            Text(row.path, style="cyan"),
            row.kind,
            Text(row.endpoint),
            Text("\n".join(row.dependencies) or "-"),
            Text(params or "-"),
            Text(row.response or "-"),
            row.status_code or "-",
        )
    return table


def print_plans(rows: list[RouteRow]) -> None:
    """Print each API route's `EndpointPlan.describe()` (other routes have no plan)."""
    out = console()
    for row in rows:
        if row.plan is not None:
            out.print(Text(row.plan.describe()))
            out.print()
