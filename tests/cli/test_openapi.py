"""`zephyr openapi`: the app's document as JSON or YAML, to stdout or a file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from tests.cli.conftest import Invoke, Write

APP = """
from pydantic import BaseModel
from zephyr import FastAPI

app = FastAPI(title="Café API", version="3.1")


class Item(BaseModel):
    name: str
    price: float


@app.post("/items", status_code=201)
def create(item: Item) -> Item:
    return item


@app.get("/items/{item_id}")
def read(item_id: int, q: str | None = None) -> Item:
    return Item(name="x", price=1)
"""


@pytest.fixture
def app(write: Write) -> object:
    write("main.py", APP)
    from zephyr.cli.discover import locate

    return locate().app


def test_json_to_stdout_is_the_apps_document(invoke: Invoke, app: object) -> None:
    result = invoke("openapi")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc == app.openapi()  # type: ignore[attr-defined]
    assert doc["info"] == {"title": "Café API", "version": "3.1"}
    assert set(doc["paths"]) == {"/items", "/items/{item_id}"}
    assert "Café" in result.stdout  # written as UTF-8, not \u escapes
    assert result.stdout.startswith('{\n  "openapi": ')  # indented, keys in document order


def test_output_file(invoke: Invoke, app: object, tmp_path: Path) -> None:
    target = tmp_path / "out" / "openapi.json"
    target.parent.mkdir()
    result = invoke("openapi", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote the OpenAPI document (2 paths) to {target}" in result.stderr
    assert json.loads(target.read_text(encoding="utf-8")) == app.openapi()  # type: ignore[attr-defined]


def test_yaml(invoke: Invoke, app: object, tmp_path: Path) -> None:
    result = invoke("openapi", "--yaml")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == app.openapi()  # type: ignore[attr-defined]
    assert result.stdout.startswith("openapi: ")  # document order kept
    assert "Café API" in result.stdout
    result = invoke("openapi", "--yaml", "-o", "doc.yaml")
    assert yaml.safe_load((tmp_path / "doc.yaml").read_text(encoding="utf-8")) == app.openapi()  # type: ignore[attr-defined]


def test_yaml_without_pyyaml(invoke: Invoke, app: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # makes `import yaml` fail
    result = invoke("openapi", "--yaml")
    assert result.exit_code == 1
    assert "Error: --yaml needs PyYAML, which is not installed." in result.stderr
    assert "pip install pyyaml" in result.stderr
    assert result.stdout == ""


def test_unwritable_output(invoke: Invoke, app: object, tmp_path: Path) -> None:
    result = invoke("openapi", "-o", str(tmp_path / "missing" / "openapi.json"))
    assert result.exit_code == 1
    assert "Error: Cannot write" in result.stderr
    assert "No such file or directory" in result.stderr


def test_app_without_openapi_support(write: Write, invoke: Invoke) -> None:
    write(
        "main.py",
        """
        from zephyr import FastAPI

        class Partial(FastAPI):
            def openapi(self):
                raise NotImplementedError

        app = Partial()
        """,
    )
    result = invoke("openapi")
    assert result.exit_code == 1
    assert "cannot generate the OpenAPI document yet" in result.stderr


def test_failing_custom_openapi_shows_the_users_traceback(write: Write, invoke: Invoke) -> None:
    write(
        "main.py",
        """
        from zephyr import FastAPI

        app = FastAPI()

        def custom_openapi():
            raise KeyError("x-logo")

        app.openapi = custom_openapi
        """,
    )
    result = invoke("openapi")
    assert result.exit_code == 1
    assert "Error: Generating the OpenAPI document failed." in result.stderr
    assert 'main.py", line 7, in custom_openapi' in result.stderr
    assert "KeyError: 'x-logo'" in result.stderr
    assert "zephyr/cli" not in result.stderr
