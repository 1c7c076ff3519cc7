"""Settings, read from the environment (and `examples/bookstore/.env` when present)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# examples/bookstore: alembic.ini, migrations/ and data/ are found from here, not from the
# current directory, so the app behaves the same whichever directory it is started from.
BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = BASE_DIR / "data"


class Settings(BaseSettings):
    """Everything that differs between a laptop, CI and production.

    Each field is read from the environment variable of the same name, upper-cased
    (`DATABASE_URL`, `JWT_SECRET`, ...).
    """

    model_config = SettingsConfigDict(
        env_file=BASE_DIR / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    app_name: str = "Bookstore"
    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = DEFAULT_DATA_DIR
    # Empty means "the SQLite file data_dir/bookstore.db"; see `database_url_resolved`.
    database_url: str = ""
    database_echo: bool = False
    # Apply `alembic upgrade head` when the app starts. Turn it off when several processes
    # start at once (run the migrations once, before them, instead).
    migrate_on_start: bool = True

    jwt_secret: SecretStr | None = None
    jwt_issuer: str = "bookstore"
    jwt_audience: str = "bookstore-api"
    access_token_minutes: int = Field(default=30, gt=0)

    # Argon2id cost; the defaults are RFC 9106's for memory-constrained servers.
    password_time_cost: int = Field(default=3, ge=1)
    password_memory_kib: int = Field(default=65536, ge=8)
    password_parallelism: int = Field(default=4, ge=1)

    # NoDecode: accept "https://a.example,https://b.example" as well as a JSON list.
    cors_origins: Annotated[list[str], NoDecode] = ["http://localhost:3000"]
    gzip_minimum_size: int = 1000
    log_level: str = "INFO"

    demo_admin_username: str = "admin"
    demo_admin_email: str = "admin@example.com"
    demo_admin_password: SecretStr | None = None

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("["):
                return json.loads(value)
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _production_needs_a_secret(self) -> Settings:
        # A random per-process key is fine on a laptop, but in production it would log
        # everyone out on each restart and break as soon as there are two workers.
        if self.environment == "production" and self.jwt_secret is None:
            raise ValueError("JWT_SECRET must be set when ENVIRONMENT=production")
        return self

    @property
    def database_url_resolved(self) -> str:
        """The SQLAlchemy URL to connect to (the embedded SQLite file by default)."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'bookstore.db'}"


@lru_cache
def get_settings() -> Settings:
    """Return the process's settings, read once."""
    return Settings()
