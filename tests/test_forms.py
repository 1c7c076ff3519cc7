"""Form fields and file uploads: what the endpoint receives, and what bad input gets."""

from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict

from zephyr import Depends, FastAPI, File, Form, UploadFile
from zephyr.testclient import TestClient


def make_client(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def test_urlencoded_and_multipart_fields_read_the_same() -> None:
    app = FastAPI()

    @app.post("/login")
    def login(username: Annotated[str, Form()], remember: Annotated[bool, Form()] = False) -> Any:
        return {"username": username, "remember": remember}

    client = make_client(app)
    urlencoded = client.post("/login", data={"username": "ana", "remember": "on"})
    multipart = client.post("/login", files={"username": (None, "ana"), "remember": (None, "on")})
    assert urlencoded.json() == multipart.json() == {"username": "ana", "remember": True}


def test_empty_string_counts_as_not_sent_so_the_default_applies() -> None:
    app = FastAPI()

    @app.post("/")
    def read(name: Annotated[str, Form()] = "anonymous") -> str:
        return name

    assert make_client(app).post("/", data={"name": ""}).json() == "anonymous"


def test_list_field_takes_every_value() -> None:
    app = FastAPI()

    @app.post("/")
    def read(tag: Annotated[list[int], Form()]) -> list[int]:
        return tag

    response = make_client(app).post("/", content=b"tag=1&tag=2&tag=3", headers=_URLENCODED)
    assert response.json() == [1, 2, 3]


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str
    password: str
    scopes: list[str] = []


def test_a_model_declared_as_form_is_filled_from_the_form() -> None:
    app = FastAPI()

    @app.post("/")
    def read(login: Annotated[Login, Form()]) -> Login:
        return login

    client = make_client(app)
    body = b"username=ana&password=pw&scopes=a&scopes=b"
    assert client.post("/", content=body, headers=_URLENCODED).json() == {
        "username": "ana",
        "password": "pw",
        "scopes": ["a", "b"],
    }
    extra = client.post("/", content=body + b"&admin=1", headers=_URLENCODED)
    assert extra.status_code == 422
    assert extra.json()["detail"][0]["type"] == "extra_forbidden"
    assert extra.json()["detail"][0]["loc"] == ["body", "admin"]


def test_optional_form_model_is_none_when_none_of_its_fields_is_sent() -> None:
    app = FastAPI()

    class Filter(BaseModel):
        color: str

    @app.post("/")
    def read(filter: Annotated[Filter | None, Form()] = None) -> Any:
        return filter

    client = make_client(app)
    assert client.post("/", data={"other": "x"}).json() is None
    assert client.post("/", data={"color": "red"}).json() == {"color": "red"}


class PasswordForm:
    """A dependency class built from form fields, like OAuth2PasswordRequestForm."""

    def __init__(
        self,
        username: Annotated[str, Form()],
        password: Annotated[str, Form()],
        scope: Annotated[str, Form()] = "",
    ) -> None:
        self.username = username
        self.password = password
        self.scopes = scope.split()


def test_dependency_class_built_from_form_fields() -> None:
    app = FastAPI()

    @app.post("/token")
    def token(form: Annotated[PasswordForm, Depends()]) -> Any:
        return {"user": form.username, "scopes": form.scopes}

    client = make_client(app)
    response = client.post("/token", data={"username": "ana", "password": "x", "scope": "a b"})
    assert response.json() == {"user": "ana", "scopes": ["a", "b"]}
    missing = client.post("/token", data={"username": "ana"})
    assert missing.status_code == 422
    assert missing.json() == {
        "detail": [
            {"type": "missing", "loc": ["body", "password"], "msg": "Field required", "input": None}
        ]
    }


def test_file_as_bytes_and_as_upload_file_with_fields() -> None:
    app = FastAPI()

    @app.post("/")
    async def read(
        raw: Annotated[bytes, File()],
        upload: UploadFile,
        note: Annotated[str, Form()],
    ) -> Any:
        content = await upload.read()
        await upload.seek(0)
        again = await upload.read(3)
        return {
            "raw": raw.decode(),
            "name": upload.filename,
            "type": upload.content_type,
            "size": upload.size,
            "header": upload.headers.get("x-custom"),
            "content": content.decode(),
            "again": again.decode(),
            "note": note,
        }

    files = {
        "raw": ("r.bin", b"raw bytes"),
        "upload": ("hello.txt", b"hello world", "text/plain", {"x-custom": "yes"}),
    }
    response = make_client(app).post("/", files=files, data={"note": "n"})
    assert response.json() == {
        "raw": "raw bytes",
        "name": "hello.txt",
        "type": "text/plain",
        "size": 11,
        "header": "yes",
        "content": "hello world",
        "again": "hel",
        "note": "n",
    }


def test_list_of_uploads_and_optional_upload() -> None:
    app = FastAPI()

    @app.post("/many")
    def many(files: list[UploadFile]) -> list[str | None]:
        return [file.filename for file in files]

    @app.post("/maybe")
    def maybe(file: UploadFile | None = None) -> str | None:
        return None if file is None else file.filename

    client = make_client(app)
    sent = [("files", ("a.txt", b"a")), ("files", ("b.txt", b"b"))]
    assert client.post("/many", files=sent).json() == ["a.txt", "b.txt"]
    assert client.post("/maybe", data={"x": "1"}).json() is None
    # What a browser sends when no file is chosen: an empty part with no file name.
    assert client.post("/maybe", files={"file": ("", b"")}).json() is None


def test_large_uploads_are_spooled_to_disk() -> None:
    app = FastAPI()
    seen: dict[str, Any] = {}

    @app.post("/")
    async def read(file: UploadFile) -> int:
        seen["rolled"] = getattr(file.file, "_rolled", None)
        return len(await file.read())

    size = 3 * 1024 * 1024
    response = make_client(app).post("/", files={"file": ("big.bin", b"x" * size)})
    assert response.json() == size
    assert seen["rolled"] is True


@pytest.mark.parametrize("fail", [False, True])
def test_temporary_files_are_closed_after_the_response(fail: bool) -> None:
    app = FastAPI()
    kept: list[UploadFile] = []

    @app.post("/")
    def read(file: UploadFile) -> str:
        kept.append(file)
        if fail:
            raise RuntimeError("endpoint failed")
        assert not file.file.closed
        return "ok"

    response = make_client(app).post("/", files={"file": ("f.txt", b"x" * 2_000_000)})
    assert response.status_code == (500 if fail else 200)
    assert kept and kept[0].file.closed


_URLENCODED = {"content-type": "application/x-www-form-urlencoded"}
_BOUNDARY = {"content-type": "multipart/form-data; boundary=b"}


def upload_app() -> FastAPI:
    app = FastAPI()

    @app.post("/upload")
    def upload(file: UploadFile) -> str | None:
        return file.filename

    @app.post("/form")
    def form(a: Annotated[str, Form()]) -> str:
        return a

    return app


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "detail"),
    [
        pytest.param(
            "/upload",
            b"--b\r\n",
            {"content-type": "multipart/form-data"},
            400,
            "Missing boundary in multipart.",
            id="missing boundary",
        ),
        pytest.param(
            "/form",
            b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n\xff\xfe\r\n--b--\r\n',
            _BOUNDARY,
            400,
            "Invalid UTF-8 in form field 'a'.",
            id="invalid utf-8 in a multipart field",
        ),
        pytest.param(
            "/form",
            b"a=%ff%fe",
            _URLENCODED,
            400,
            "Invalid UTF-8 in form field.",
            id="invalid utf-8 in an urlencoded field",
        ),
        pytest.param(
            "/form",
            b"&".join(b"f%d=1" % i for i in range(100_000)),
            _URLENCODED,
            400,
            "Too many fields. Maximum number of fields is 1000.",
            id="100000 urlencoded fields",
        ),
        pytest.param(
            "/form",
            b"a=" + b"x" * (1024 * 1024 + 1),
            _URLENCODED,
            400,
            "Field exceeded maximum size of 1024KB.",
            id="field too large",
        ),
    ],
)
def test_malformed_forms_get_a_400_with_a_reason(
    path: str, body: bytes, headers: dict[str, str], status: int, detail: str
) -> None:
    response = make_client(upload_app()).post(path, content=body, headers=headers)
    assert response.status_code == status
    assert response.json() == {"detail": detail}


def test_truncated_multipart_body_is_a_client_error() -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nhello"
    )
    response = make_client(upload_app()).post("/upload", content=body, headers=_BOUNDARY)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]


def test_non_multipart_request_to_a_file_endpoint_reports_the_missing_file() -> None:
    response = make_client(upload_app()).post("/upload", json={"file": "not a file"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"type": "missing", "loc": ["body", "file"], "msg": "Field required", "input": None}
        ]
    }


def test_a_string_where_a_file_is_expected_is_a_422() -> None:
    response = make_client(upload_app()).post("/upload", data={"file": "text"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
