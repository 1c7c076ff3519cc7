"""STARTUP ONLY: one route's operations (one per method) in the OpenAPI document.

Every route is described in two passes. `RouteParts` (pass one) gathers what registration
already computed — the dependency tree's parameters and security schemes, the combined body
field, the response fields — so the document can generate all their schemas in one run.
`OperationWriter` (pass two) turns the parts into operation objects with those schemas, in
FastAPI's key order.
"""

from __future__ import annotations

import http.client
import inspect
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse

from zephyr._openapi.body import route_body_field
from zephyr._openapi.dependencies import (
    DependencyData,
    dependency_data,
    flat_fields,
    param_model,
)
from zephyr._openapi.schemas import FieldSchemas
from zephyr._pipeline.compile_inputs import request_names
from zephyr._pipeline.fields import ModelField
from zephyr._pipeline.typeinfo import lenient_issubclass
from zephyr.datastructures import DefaultPlaceholder
from zephyr.encoders import jsonable_encoder
from zephyr.openapi.constants import METHODS_WITH_BODY, REF_PREFIX
from zephyr.params import _Unset
from zephyr.sse import _SSE_EVENT_SCHEMA as SSE_EVENT_SCHEMA
from zephyr.utils import deep_dict_update, is_body_allowed_for_status_code

VALIDATION_ERROR = {
    "title": "ValidationError",
    "type": "object",
    "properties": {
        "loc": {
            "title": "Location",
            "type": "array",
            "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        },
        "msg": {"title": "Message", "type": "string"},
        "type": {"title": "Error Type", "type": "string"},
        "input": {"title": "Input"},
        "ctx": {"title": "Context", "type": "object"},
    },
    "required": ["loc", "msg", "type"],
}
HTTP_VALIDATION_ERROR = {
    "title": "HTTPValidationError",
    "type": "object",
    "properties": {
        "detail": {
            "title": "Detail",
            "type": "array",
            "items": {"$ref": REF_PREFIX + "ValidationError"},
        }
    },
}
STATUS_CODE_RANGES = {
    "1XX": "Information",
    "2XX": "Success",
    "3XX": "Redirection",
    "4XX": "Client Error",
    "5XX": "Server Error",
    "DEFAULT": "Default Response",
}
_VALIDATION_RESPONSE = {
    "description": "Validation Error",
    "content": {"application/json": {"schema": {"$ref": REF_PREFIX + "HTTPValidationError"}}},
}


def json_copy(value: Any) -> Any:
    """Return a deep copy of JSON-like data (dicts and lists; leaves are shared)."""
    # PERF: openapi_500 — several times faster than copy.deepcopy on schema trees.
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_copy(item) for item in value]
    return value


@dataclass
class RouteParts:
    """What the document needs from one route, gathered once."""

    route: Any
    data: DependencyData
    params: list[ModelField]
    body: ModelField | None
    callbacks: list[RouteParts] = field(default_factory=list)

    def fields(self) -> Iterator[ModelField]:
        """Yield every field whose schema the route's operations show."""
        for callback in self.callbacks:
            if callback.route.include_in_schema:
                yield from callback.fields()
        if self.body is not None:
            yield self.body
        if self.route.response_field is not None:
            yield self.route.response_field
        yield from (self.route.response_fields or {}).values()
        stream_item = getattr(self.route, "stream_item_field", None)
        if stream_item is not None:
            yield stream_item
        yield from self.params


def route_parts(route: Any) -> RouteParts:
    """Gather a documented route's parameters, body, responses and callbacks."""
    from zephyr.routing import APIRoute

    data = dependency_data(route.dependant)
    params = [item for _, group in data.groups() for item in flat_fields(group)]
    callbacks = [
        route_parts(callback)
        for callback in route.callbacks or []
        if isinstance(callback, APIRoute)
    ]
    return RouteParts(route, data, params, route_body_field(route), callbacks)


_default_status_codes: dict[type[Any], str] = {}


def default_status_code(response_class: type[Any]) -> str:
    """Return the status code a response class answers with when none is declared."""
    found = _default_status_codes.get(response_class)
    if found is None:
        signature = inspect.signature(response_class.__init__)
        parameter = signature.parameters.get("status_code")
        found = "200"
        if parameter is not None and isinstance(parameter.default, int):
            found = str(parameter.default)
        _default_status_codes[response_class] = found
    return found


def response_class_of(route: Any) -> type[Any]:
    """Return the route's response class (the default one when none was chosen)."""
    value = route.response_class
    return value.value if isinstance(value, DefaultPlaceholder) else value  # type: ignore[no-any-return]


class OperationWriter:
    """Write operations for the routes of one document, sharing schemas and operation ids.

    Attributes:
        security_schemes: Every security scheme used, by name.
        definitions: Schemas the operations added (the validation error models).
    """

    def __init__(self, schemas: FieldSchemas, operation_ids: set[str]) -> None:
        self.schemas = schemas
        self.operation_ids = operation_ids
        self.security_schemes: dict[str, Any] = {}
        self.definitions: dict[str, Any] = {}

    def path_item(self, parts: RouteParts) -> dict[str, Any]:
        """Return `{method: operation}` for a route (empty when it is not documented)."""
        route = parts.route
        if not route.include_in_schema:
            return {}
        return {method.lower(): self.operation(parts, method) for method in route.methods}

    def operation(self, parts: RouteParts, method: str) -> dict[str, Any]:
        """Return the operation object of one method of a route."""
        route = parts.route
        operation = self._metadata(route)
        security = self._security(parts.data)
        if security:
            operation.setdefault("security", []).extend(security)
        parameters = self._parameters(parts.data)
        if parameters:
            by_key = {(item["in"], item["name"]): item for item in parameters}
            # A required declaration of a parameter wins over an optional one.
            for item in parameters:
                if item.get("required"):
                    by_key[(item["in"], item["name"])] = item
            operation["parameters"] = list(by_key.values())
        if method in METHODS_WITH_BODY:
            body = self._request_body(parts.body)
            if body:
                operation["requestBody"] = body
        if route.callbacks:
            operation["callbacks"] = self._callbacks(parts)
        operation["responses"] = self._responses(parts)
        if (parts.params or parts.body) and not any(
            status in operation["responses"] for status in ("422", "4XX", "default")
        ):
            operation["responses"]["422"] = json_copy(_VALIDATION_RESPONSE)
            self.definitions.setdefault("ValidationError", VALIDATION_ERROR)
            self.definitions.setdefault("HTTPValidationError", HTTP_VALIDATION_ERROR)
        if route.openapi_extra:
            # Isolated first: schemas are shared between routes declaring the same thing.
            operation = json_copy(operation)
            deep_dict_update(operation, route.openapi_extra)
        return operation

    def _metadata(self, route: Any) -> dict[str, Any]:
        operation: dict[str, Any] = {}
        if route.tags:
            operation["tags"] = route.tags
        operation["summary"] = route.summary or route.name.replace("_", " ").title()
        if route.description:
            operation["description"] = route.description
        operation_id = route.operation_id or route.unique_id
        if operation_id in self.operation_ids:
            endpoint = route.endpoint
            message = (
                f"Duplicate Operation ID {operation_id} for function "
                f"{getattr(endpoint, '__name__', '<unnamed_endpoint>')}"
            )
            file_name = getattr(endpoint, "__globals__", {}).get("__file__")
            if file_name:
                message += f" at {file_name}"
            warnings.warn(message, stacklevel=1)
        self.operation_ids.add(operation_id)
        operation["operationId"] = operation_id
        if route.deprecated:
            operation["deprecated"] = route.deprecated
        return operation

    def _security(self, data: DependencyData) -> list[dict[str, list[str]]]:
        requirements: dict[str, list[str]] = {}
        for scheme, scopes in data.security:
            name = scheme.scheme_name
            self.security_schemes[name] = jsonable_encoder(
                scheme.model, by_alias=True, exclude_none=True
            )
            merged = requirements.setdefault(name, [])
            merged.extend(scope for scope in scopes if scope not in merged)
        return [{name: scopes} for name, scopes in requirements.items()]

    def _parameters(self, data: DependencyData) -> list[dict[str, Any]]:
        parameters = []
        for location, group in data.groups():
            for parent in group:
                if not getattr(parent.field_info, "include_in_schema", True):
                    continue
                model = param_model(parent)
                optional = (
                    model is not None
                    and parent.field_info.annotation is not model
                    and not parent.field_info.is_required()
                )
                default_convert = getattr(parent.field_info, "convert_underscores", True)
                for param in flat_fields([parent]):
                    convert = location == "header" and getattr(
                        param.field_info, "convert_underscores", default_convert
                    )
                    parameters.append(self._parameter(param, location, convert, optional))
        return parameters

    def _parameter(
        self, param: ModelField, location: str, convert: bool, optional_model: bool
    ) -> dict[str, Any]:
        info = param.field_info
        alias, name = request_names(param, convert_underscores=convert)[0]
        parameter: dict[str, Any] = {
            "name": name,
            "in": location,
            "required": info.is_required() and not optional_model,
            "schema": self.schemas.schema(param, alias),
        }
        if info.description:
            parameter["description"] = info.description
        openapi_examples = getattr(info, "openapi_examples", None)
        example = getattr(info, "example", None)
        if openapi_examples:
            parameter["examples"] = jsonable_encoder(openapi_examples)
        elif example is not _Unset:
            parameter["example"] = jsonable_encoder(example)
        if getattr(info, "deprecated", None):
            parameter["deprecated"] = True
        return parameter

    def _request_body(self, body: ModelField | None) -> dict[str, Any] | None:
        if body is None:
            return None
        info: Any = body.field_info
        request_body: dict[str, Any] = {}
        if info.is_required():
            request_body["required"] = True
        content: dict[str, Any] = {"schema": self.schemas.schema(body)}
        if info.openapi_examples:
            content["examples"] = jsonable_encoder(info.openapi_examples)
        elif info.example is not _Unset:
            content["example"] = jsonable_encoder(info.example)
        request_body["content"] = {info.media_type: content}
        return request_body

    def _callbacks(self, parts: RouteParts) -> dict[str, Any]:
        callbacks: dict[str, Any] = {}
        for callback in parts.callbacks:
            # A callback's own schemes and definitions are not added to the document.
            writer = OperationWriter(self.schemas, self.operation_ids)
            callbacks[callback.route.name] = {callback.route.path: writer.path_item(callback)}
        return callbacks

    def _responses(self, parts: RouteParts) -> dict[str, Any]:
        route = parts.route
        response_class = response_class_of(route)
        media_type = response_class.media_type
        if route.status_code is not None:
            status = str(route.status_code)
        else:
            status = default_status_code(response_class)
        responses: dict[str, Any] = {status: {"description": route.response_description}}
        if is_body_allowed_for_status_code(route.status_code):
            content = self._content(route, response_class, media_type)
            if content is not None:
                responses[status]["content"] = content
        for code, response in (route.responses or {}).items():
            self._additional_response(responses, route, code, response, media_type)
        return responses

    def _content(
        self, route: Any, response_class: type[Any], media_type: str | None
    ) -> dict[str, Any] | None:
        """Return the main response's content: a stream's items, or the response model."""
        item_field = getattr(route, "stream_item_field", None)
        item_schema = self.schemas.schema(item_field) if item_field is not None else None
        if getattr(route, "is_json_stream", False):
            return {"application/jsonl": {"itemSchema": item_schema or {}}}
        if getattr(route, "is_sse_stream", False):
            event = json_copy(SSE_EVENT_SCHEMA)
            if item_schema is not None:
                event["required"] = ["data"]
                event["properties"]["data"] = {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": item_schema,
                }
            return {"text/event-stream": {"itemSchema": event}}
        if not media_type:
            return None
        schema: dict[str, Any] = {"type": "string"}
        if lenient_issubclass(response_class, JSONResponse):
            field_ = route.response_field
            schema = self.schemas.schema(field_) if field_ is not None else {}
        return {media_type: {"schema": schema}}

    def _additional_response(
        self,
        responses: dict[str, Any],
        route: Any,
        code: int | str,
        response: dict[str, Any],
        media_type: str | None,
    ) -> None:
        extra = json_copy(response)
        extra.pop("model", None)
        key = str(code).upper()
        if key == "DEFAULT":
            key = "default"
        documented = responses.setdefault(key, {})
        model_field = route.response_fields.get(code)
        if model_field is not None:
            schema = (
                extra.setdefault("content", {})
                .setdefault(media_type or "application/json", {})
                .setdefault("schema", {})
            )
            deep_dict_update(schema, json_copy(self.schemas.schema(model_field)))
        status_text = STATUS_CODE_RANGES.get(str(code).upper()) or http.client.responses.get(
            int(code)
        )
        description = (
            extra.get("description")
            or documented.get("description")
            or status_text
            or "Additional Response"
        )
        if documented:
            # Merging may write into nested schema dicts shared with other routes.
            responses[key] = documented = json_copy(documented)
        deep_dict_update(documented, extra)
        documented["description"] = description
