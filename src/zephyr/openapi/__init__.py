"""The OpenAPI document: spec models, the generator and the interactive docs pages."""
