"""Registration helpers behind `zephyr.routing` (startup only)."""
