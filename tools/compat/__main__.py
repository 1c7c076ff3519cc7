"""Entry point: ``python -m tools.compat`` from the repository root."""

from tools.compat.cli import main

raise SystemExit(main())
