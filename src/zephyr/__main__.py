"""Run the Zephyr command line: `python -m zephyr dev|run|routes|openapi`."""

from zephyr.cli import main

if __name__ == "__main__":
    main()
