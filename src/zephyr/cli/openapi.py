"""Render `app.openapi()` for `zephyr openapi`, as JSON or (with PyYAML) YAML."""

from __future__ import annotations

import importlib
import json
from typing import Any

from zephyr.cli.errors import CLIError
from zephyr.cli.imports import user_traceback


def document(app: Any) -> dict[str, Any]:
    """Return the app's OpenAPI document, explaining failures."""
    try:
        doc: dict[str, Any] = app.openapi()
    except NotImplementedError:
        raise CLIError(
            "This version of Zephyr cannot generate the OpenAPI document yet.",
            hint="Upgrade Zephyr; the document generator is part of a newer release.",
        ) from None
    except Exception as exc:  # raised by the app's models or a custom app.openapi()
        raise CLIError(
            "Generating the OpenAPI document failed.",
            hint="The error above comes from the app's models or its custom openapi().",
            details=user_traceback(exc),
        ) from None
    return doc


def render(doc: dict[str, Any], *, yaml: bool) -> str:
    """Return the document as JSON (2-space indent) or YAML text, ending with a newline."""
    if not yaml:
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    try:
        # Imported by name: PyYAML is optional and ships no type hints.
        pyyaml: Any = importlib.import_module("yaml")
    except ImportError:
        raise CLIError(
            "--yaml needs PyYAML, which is not installed.",
            hint="Install it (pip install pyyaml, or pip install 'zephyr[standard]'),"
            " or export JSON by leaving out --yaml.",
        ) from None
    # JSON round-trip: plain dicts/lists/str only, so safe_dump accepts every value.
    plain = json.loads(json.dumps(doc))
    text: str = pyyaml.safe_dump(plain, sort_keys=False, allow_unicode=True)
    return text
