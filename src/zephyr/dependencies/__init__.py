"""Dependency analysis, in FastAPI's shapes (`Dependant`, `get_dependant`)."""
