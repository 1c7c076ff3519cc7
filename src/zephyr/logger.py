"""The package logger.

Named ``"zephyr"`` (FastAPI's is ``"fastapi"``), so logging configuration aimed at Zephyr does not
capture a FastAPI application's records that may run in the same process, and vice versa.
"""

import logging

logger = logging.getLogger("zephyr")
