"""OpenAPI document generation from the compiled routes (being built: issue 4)."""
