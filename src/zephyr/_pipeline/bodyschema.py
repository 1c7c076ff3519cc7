"""STARTUP ONLY: decide whether a body may be validated straight from JSON bytes.

FastAPI parses a JSON body with `json.loads` and validates the result in Pydantic's Python
mode. Validating the raw bytes in JSON mode (`validate_json`) is faster and gives the same
result for almost every schema — but not all: in JSON mode a string may satisfy a datetime,
UUID, enum... choice *strictly*, so a smart union such as `datetime | str` picks a different
member; strict fields accept JSON strings that Python-mode strict validation refuses; and
base64 bytes config changes how strings decode. For those schemas the plan keeps FastAPI's
two-step path, so results never differ.
"""

from __future__ import annotations

from typing import Any

# Choices that never accept a JSON string in strict JSON mode, so a union of them with `str`
# resolves the same way in both modes.
_NEUTRAL_CHOICES = frozenset(
    {
        "int",
        "float",
        "bool",
        "none",
        "model",
        "model-fields",
        "dataclass",
        "dataclass-args",
        "typed-dict",
        "list",
        "tuple",
        "set",
        "frozenset",
        "dict",
    }
)
_STR_CHOICES = frozenset({"str", "literal"})


def _choice_type(choice: Any) -> str:
    if isinstance(choice, tuple):  # (schema, label) pairs
        choice = choice[0]
    return str(choice.get("type", "")) if isinstance(choice, dict) else ""


def _union_is_safe(node: dict[str, Any]) -> bool:
    types = {_choice_type(choice) for choice in node.get("choices", [])}
    if not types & _STR_CHOICES:
        return True
    return not (types - _STR_CHOICES - _NEUTRAL_CHOICES)


def _node_is_safe(node: dict[str, Any]) -> bool:
    if node.get("strict") is True:
        return False
    config = node.get("config")
    if isinstance(config, dict) and (
        config.get("strict") is True or config.get("val_json_bytes", "utf8") != "utf8"
    ):
        return False
    return not (node.get("type") == "union" and not _union_is_safe(node))


def json_direct_safe(schema: Any) -> bool:
    """Return True when `validate_json(raw)` equals `validate_python(json.loads(raw))`."""
    stack = [schema]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            if not _node_is_safe(node):
                return False
            stack.extend(value for value in node.values() if isinstance(value, (dict, list)))
        elif isinstance(node, list):
            stack.extend(value for value in node if isinstance(value, (dict, list, tuple)))
        elif isinstance(node, tuple):
            stack.extend(value for value in node if isinstance(value, (dict, list)))
    return True
