"""Entry point: `python3 -m benchmarks` (run from the repository root)."""

import sys

from benchmarks.cli import main

sys.exit(main())
