"""OpenAPI document generation from the declared routes (no second signature analysis).

Read in this order: `app.py` (the app's hooks: docs routes, `app.openapi()` and its cache),
`document.py` (one document: routes -> fields -> one schema run -> operations), `routes.py`
(which routes, included routers flattened as served), `operation.py` (one route's operations),
`dependencies.py` (parameters and security from `route.dependant`), `body.py` and `forms.py`
(the request body as one documented field), `schemas.py` (JSON Schemas and definitions),
`assets.py` (Swagger UI / ReDoc files for offline docs).
"""
