"""The API's request and response bodies (Pydantic models), separate from the ORM models."""
