"""Pull path, query, header and cookie values out of the ASGI scope and validate them.

One pass builds the raw input dict the plan's single validator expects; one pydantic-core call
validates everything; absent optional values get their defaults. On failure the errors are
re-labelled with the location and request name FastAPI reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError
from starlette.requests import cookie_parser

from zephyr._pipeline.defaults import produce_default
from zephyr._pipeline.plan import (
    PICK_FIRST,
    PICK_LAST,
    PICK_VALUE,
    ModelKey,
    ParamSource,
    ParamsPlan,
)

_ABSENT: Any = object()
Multi = dict[str, list[str]]


def query_multi(scope: Mapping[str, Any]) -> Multi:
    """Return the query string as {name: [values...]}, blank values kept (as Starlette does)."""
    raw = scope.get("query_string", b"")
    multi: Multi = {}
    if not raw:
        return multi
    text = raw.decode("latin-1")
    if "%" in text or "+" in text:
        for name, value in parse_qsl(text, keep_blank_values=True):
            _add(multi, name, value)
        return multi
    # PERF: path + query — nothing to unquote: splitting on "&" and "=" gives parse_qsl's
    # pairs, collected as they are split.
    for part in text.split("&"):
        if part:
            name, _, value = part.partition("=")
            found = multi.get(name)
            if found is None:
                multi[name] = [value]
            else:
                found.append(value)
    return multi


def _add(multi: Multi, name: str, value: str) -> None:
    found = multi.get(name)
    if found is None:
        multi[name] = [value]
    else:
        found.append(value)


def header_multi(scope: Mapping[str, Any]) -> Multi:
    """Return the request headers as {lower-case name: [values...]} in arrival order."""
    multi: Multi = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        if name in multi:
            multi[name].append(value)
        else:
            multi[name] = [value]
    return multi


def cookie_dict(headers: Multi) -> dict[str, str]:
    """Return the cookies of the first Cookie header, as Starlette's `request.cookies` does."""
    values = headers.get("cookie")
    return cookie_parser(values[0]) if values else {}


def _lookup(source: ParamSource, data: Any, name: str, multi: bool) -> Any:
    """Return the raw value under `name`, or _ABSENT (missing or an empty list)."""
    if source.location in ("query", "header"):
        found = data.get(name)
        if not found:
            return _ABSENT
        if multi:
            return found
        # Starlette: the last query value wins, the first header wins.
        return found[0] if source.location == "header" else found[-1]
    value = data.get(name)
    if value is None or (multi and len(value) == 0):
        return _ABSENT
    return value


def _model_raw(source: ParamSource, data: Any, chosen: dict[str, Any]) -> Any:
    """Build the dict a parameter model validates, including the location's extra keys."""
    result: dict[str, Any] = {}
    processed: set[str] = set()
    present = False
    for field in source.model_fields:
        request_key, dict_key, declared = _select(field, data)
        if source.model_loc_by_alias and dict_key != declared:
            # Errors name the header that was read (x-values), not the field (x_values).
            chosen.setdefault(source.key, {})[field.name] = declared
        value = _lookup(source, data, request_key, field.multi)
        if value is not _ABSENT:
            result[dict_key] = value
        processed.add(request_key)
        processed.update(field.consumed)
        present = present or any(lookup[0] in data for lookup in field.lookups)
    multi_location = source.location in ("query", "header")
    for name, value in data.items():
        if name not in processed:
            if multi_location:
                result[name] = value[0] if len(value) == 1 else list(value)
            else:
                result[name] = value
    if source.model_optional and not (present or (source.model_extra and result)):
        return _ABSENT
    return result


def _select(field: ModelKey, data: Any) -> tuple[str, str, str]:
    for lookup in field.lookups:
        if lookup[0] in data:
            return lookup
    return field.lookups[0]


def collect_raw(
    plan: ParamsPlan, scope: Mapping[str, Any], path_params: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the validator's raw input and, for multi-name params, the name that matched."""
    by_location: dict[str, Any] = {"path": path_params}
    if plan.needs_query:
        by_location["query"] = query_multi(scope)
    if plan.needs_headers or plan.needs_cookies:
        headers = by_location["header"] = header_multi(scope)
        if plan.needs_cookies:
            by_location["cookie"] = cookie_dict(headers)
    return collect_values(plan, by_location)


def collect_values(
    plan: ParamsPlan, by_location: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build the validator's raw input from per-location data (see `collect_raw`).

    `by_location` maps "path"/"cookie" to {name: value} and "query"/"header" to
    {name: [values...]} (header names lower-cased), for the locations the plan reads.
    """
    raw: dict[str, Any] = {}
    chosen: dict[str, Any] = {}
    # PERF: path + query — one-name parameters by their precomputed rule (see `_lookup`).
    for key, location, name, pick in plan.simple:
        found = by_location[location].get(name)
        if pick == PICK_VALUE:
            if found is not None:
                raw[key] = found
        elif found:
            raw[key] = found[-1] if pick == PICK_LAST else found[0] if pick == PICK_FIRST else found
    for source in plan.general:
        data = by_location[source.location]
        if source.model_fields:
            value = _model_raw(source, data, chosen)
        else:
            name = source.names[0]
            if len(source.names) > 1:
                for index, candidate in enumerate(source.names):
                    if candidate in data:
                        name = candidate
                        chosen[source.key] = source.report_names[index]
                        break
            value = _lookup(source, data, name, source.multi)
        if value is not _ABSENT:
            raw[source.key] = value
    for default in plan.validate_defaults:
        if default.key not in raw:
            raw[default.key] = produce_default(default)
    return raw, chosen


def validate_params(
    plan: ParamsPlan, raw: dict[str, Any], chosen: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """Validate the raw input in one call; return (values, (key, error) pairs like FastAPI's)."""
    if plan.validator is None:
        return {}, []
    try:
        values: dict[str, Any] = plan.validator.validate_python(raw)
    except ValidationError as exc:
        errors = relabel_errors(plan, exc.errors(include_url=False), chosen)
        return _valid_part(plan, raw, {key for key, _ in errors}), errors
    _fill_defaults(plan, values)
    return values, []


def _fill_defaults(plan: ParamsPlan, values: dict[str, Any]) -> None:
    for default in plan.defaults:
        if default.key not in values:
            values[default.key] = produce_default(default)


def _valid_part(plan: ParamsPlan, raw: dict[str, Any], failed: set[str]) -> dict[str, Any]:
    """Validate, one by one, the inputs that did not fail (error path only: dependencies not
    needing the failed ones still run, as in FastAPI)."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in failed:
            continue
        values[key] = plan.singles[key].validate_python(value)
    _fill_defaults(plan, values)
    return values


def relabel_errors(
    plan: ParamsPlan, errors: list[Any], chosen: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """Turn validator locs (values key first) into FastAPI's (location, request name, ...)."""
    relabelled = []
    for error in errors:
        key, *rest = error["loc"]
        prefix = plan.error_prefix[key]
        picked = chosen.get(key)
        if isinstance(picked, str):
            prefix = (prefix[0], picked)
        elif picked is not None and rest:
            rest[0] = picked.get(rest[0], rest[0])
        error = {**error, "loc": (*prefix, *rest)}
        if error["type"] == "missing" and not rest:
            error["input"] = None
        relabelled.append((key, error))
    return relabelled
