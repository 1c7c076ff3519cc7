"""The `zephyr` command line: `zephyr dev|run|routes|openapi` (also `python -m zephyr`).

`main` imports the commands (and with them typer and rich) only when it runs, so the rest of
this package, such as app discovery, can be used without them.
"""

from __future__ import annotations


def main() -> None:
    """Run the `zephyr` command line with the process's arguments."""
    from zephyr.cli.commands import cli

    cli(prog_name="zephyr")
