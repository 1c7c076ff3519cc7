"""Settings come from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ..app.core.config import Settings


def test_defaults_use_an_sqlite_file_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert settings.database_url_resolved == f"sqlite+aiosqlite:///{tmp_path}/bookstore.db"


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u:p@db/bookstore")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("ACCESS_TOKEN_MINUTES", "5")
    settings = Settings(_env_file=None)
    assert settings.database_url_resolved == "postgresql+asyncpg://u:p@db/bookstore"
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.access_token_minutes == 5
    monkeypatch.setenv("CORS_ORIGINS", '["https://c.example"]')
    assert Settings(_env_file=None).cors_origins == ["https://c.example"]


def test_production_needs_a_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="JWT_SECRET must be set"):
        Settings(_env_file=None, environment="production")
    monkeypatch.setenv("JWT_SECRET", "s" * 48)
    assert Settings(_env_file=None, environment="production").jwt_secret is not None
