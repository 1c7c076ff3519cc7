"""Migrate the database, create the demo admin if missing, and print its credentials.

python seed.py [--sample-data] [--reset-password]      (from examples/bookstore)
"""

import sys

from app.seed import main

if __name__ == "__main__":
    sys.exit(main())
