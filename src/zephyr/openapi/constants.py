"""Constants of the OpenAPI document."""

METHODS_WITH_BODY = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}
"""Methods whose operations may document a request body (FastAPI's set, GET included)."""

REF_PREFIX = "#/components/schemas/"
"""Where model schemas live in the document."""

REF_TEMPLATE = "#/components/schemas/{model}"
"""The `$ref` template handed to Pydantic's JSON Schema generator."""
