"""UploadFile as a Pydantic type (validation and JSON schema as FastAPI's), and Default()."""

import io
from typing import Any

import fastapi.datastructures
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.datastructures import Headers
from starlette.datastructures import UploadFile as StarletteUploadFile

from zephyr.datastructures import Default, DefaultPlaceholder, UploadFile


class Upload(BaseModel):
    file: UploadFile
    extra: list[UploadFile] = []
    maybe: UploadFile | None = None


class FastAPIUpload(BaseModel):
    file: fastapi.datastructures.UploadFile
    extra: list[fastapi.datastructures.UploadFile] = []
    maybe: fastapi.datastructures.UploadFile | None = None


def _upload(name: str = "a.txt") -> StarletteUploadFile:
    return StarletteUploadFile(
        io.BytesIO(b"data"), filename=name, headers=Headers({"content-type": "text/plain"})
    )


def test_accepts_starlette_upload_file_as_is() -> None:
    first, second = _upload("a.txt"), _upload("b.txt")
    model = Upload(file=first, extra=[second])
    # The parser's instance is passed through, not copied or converted.
    assert model.file is first
    assert model.extra[0] is second
    assert model.file.filename == "a.txt"
    assert model.file.content_type == "text/plain"


def test_accepts_zephyr_upload_file() -> None:
    ours = UploadFile(io.BytesIO(b""), filename="z.bin")
    assert TypeAdapter(UploadFile).validate_python(ours) is ours


@pytest.mark.parametrize("value", ["a string", b"bytes", 3, {"filename": "x"}, io.BytesIO(b"")])
def test_rejects_other_values_with_fastapi_error(value: Any) -> None:
    with pytest.raises(ValidationError) as ours:
        Upload(file=value)
    with pytest.raises(ValidationError) as theirs:
        FastAPIUpload(file=value)
    # ctx holds the ValueError instance, which compares by identity; its message is in msg.
    options: Any = {"include_url": False, "include_context": False}
    assert ours.value.errors(**options) == theirs.value.errors(**options)
    error = ours.value.errors()[0]
    assert error["type"] == "value_error"
    assert error["msg"] == f"Value error, Expected UploadFile, received: {type(value)}"
    assert error["loc"] == ("file",)


@pytest.mark.parametrize("mode", ["validation", "serialization"])
def test_json_schema_matches_fastapi(mode: Any) -> None:
    ours = Upload.model_json_schema(mode=mode)
    theirs = FastAPIUpload.model_json_schema(mode=mode)
    ours.pop("title")
    theirs.pop("title")
    assert ours == theirs
    assert ours["properties"]["file"] == {
        "type": "string",
        "contentMediaType": "application/octet-stream",
        "title": "File",
    }
    assert ours["properties"]["extra"]["items"] == {
        "type": "string",
        "contentMediaType": "application/octet-stream",
    }


def test_type_adapter_schema() -> None:
    assert TypeAdapter(UploadFile).json_schema() == {
        "type": "string",
        "contentMediaType": "application/octet-stream",
    }


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.anyio
async def test_upload_file_methods_work_through_subclass() -> None:
    upload = UploadFile(io.BytesIO(), filename="f")
    await upload.write(b"hello")
    await upload.seek(0)
    assert await upload.read() == b"hello"
    await upload.close()
    assert upload.file.closed


def test_default_placeholder_truthiness_and_equality() -> None:
    assert bool(DefaultPlaceholder([1])) is True
    assert bool(DefaultPlaceholder(None)) is False
    assert DefaultPlaceholder(5) == DefaultPlaceholder(5)
    assert DefaultPlaceholder(5) != DefaultPlaceholder(6)
    # A placeholder never equals the bare value: that is how an explicit value is detected.
    assert DefaultPlaceholder(5) != 5
    assert repr(DefaultPlaceholder("x")) == "DefaultPlaceholder('x')"


def test_default_wraps_value() -> None:
    marker = object()
    placeholder: Any = Default(marker)
    assert isinstance(placeholder, DefaultPlaceholder)
    assert placeholder.value is marker
    assert Default(True) == DefaultPlaceholder(True)


def test_default_placeholder_is_unhashable_like_fastapi() -> None:
    with pytest.raises(TypeError):
        hash(DefaultPlaceholder(1))
    with pytest.raises(TypeError):
        hash(fastapi.datastructures.DefaultPlaceholder(1))
