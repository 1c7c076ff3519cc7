"""The HTTP layer: dependencies and versioned routers."""
