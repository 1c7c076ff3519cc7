"""Parse a form body with Starlette's streaming parsers, refusing text that is not UTF-8.

Starlette decodes an undecodable urlencoded value to U+FFFD replacement characters and an
undecodable multipart field as latin-1, so a client's broken bytes reach the endpoint as
silently different text. Zephyr answers 400 instead (a multipart body that declares another
charset is still decoded with it). Everything else — limits, spooling uploads to disk,
cleanup on errors — is Starlette's parsers' own behaviour.
"""

from __future__ import annotations

from contextlib import aclosing
from typing import Any
from urllib.parse import unquote_plus

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request

try:
    from python_multipart.multipart import parse_options_header as _parse_options_header
except ImportError:  # pragma: no cover - python-multipart is part of the `standard` extra
    _parse_options_header = None  # type: ignore[assignment]


def _strict_utf8(raw: bytes | bytearray, what: str) -> str:
    try:
        return bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise MultiPartException(f"Invalid UTF-8 in form {what}.") from None


class _UrlencodedParser(FormParser):
    def on_field_end(self) -> None:
        self._current_fields += 1
        if self._current_fields > self.max_fields:
            raise MultiPartException(
                f"Too many fields. Maximum number of fields is {self.max_fields}."
            )
        try:
            name = unquote_plus(self._field_name.decode("latin-1"), errors="strict")
            value = unquote_plus(self._field_value.decode("latin-1"), errors="strict")
        except UnicodeDecodeError:
            raise MultiPartException("Invalid UTF-8 in form field.") from None
        self._items.append((name, value))


class _MultipartParser(MultiPartParser):
    def on_part_end(self) -> None:
        part = self._current_part
        if part.file is None and self._charset == "utf-8":
            self.items.append(
                (part.field_name, _strict_utf8(part.data, f"field {part.field_name!r}"))
            )
            return
        super().on_part_end()


async def parse_form(request: Request, limits: dict[str, Any]) -> FormData:
    """Parse (once) and return the request's form; malformed bodies raise HTTPException(400).

    The result is cached on the request, so a dependency calling `request.form()` gets the
    same form back instead of reading a consumed body.
    """
    cached = getattr(request, "_form", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if _parse_options_header is None:  # pragma: no cover
        raise RuntimeError(
            "Form parameters need the `python-multipart` package: pip install 'zephyr[standard]'"
        )
    content_type, _ = _parse_options_header(request.headers.get("Content-Type"))
    if content_type not in (b"multipart/form-data", b"application/x-www-form-urlencoded"):
        empty = FormData()  # any other body: an empty form, so form fields are "missing"
        request._form = empty
        return empty
    async with aclosing(request.stream()) as stream:
        parser: Any
        if content_type == b"multipart/form-data":
            parser = _MultipartParser(request.headers, stream, **limits)
        else:
            urlencoded = {key: value for key, value in limits.items() if key != "max_files"}
            parser = _UrlencodedParser(request.headers, stream, **urlencoded)
        try:
            form: FormData = await parser.parse()
        except MultiPartException as exc:
            raise HTTPException(status_code=400, detail=exc.message) from exc
    request._form = form
    return form
