"""seed.py: migrates, creates the demo admin once, prints credentials that work."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from pathlib import Path

from zephyr.testclient import TestClient

from ..app.core.config import BASE_DIR, Settings
from ..app.main import create_app
from ..app.seed import PASSWORD_FILE, AdminLogin, seed
from .support import login, make_settings, query


def settings_for(tmp_path: Path) -> Settings:
    # demo_admin_password=None: the password is generated and kept in the data folder.
    url = f"sqlite+aiosqlite:///{tmp_path / 'seeded.db'}"
    return make_settings(url, tmp_path, demo_admin_password=None)


def run_seed(settings: Settings, **options: bool) -> AdminLogin:
    return asyncio.run(seed(settings, **options))


def test_seeding_is_idempotent(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    first = run_seed(settings, sample_data=True)
    second = run_seed(settings, sample_data=True)
    assert (first.created, second.created) == (True, False)
    assert first.password == second.password
    assert first.password_works and second.password_works
    password_file = tmp_path / PASSWORD_FILE
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600

    db = tmp_path / "seeded.db"
    assert query(db, "SELECT username, role FROM users") == [("admin", "admin")]
    assert query(db, "SELECT count(*) FROM authors") == [(3,)]
    assert query(db, "SELECT count(*) FROM books") == [(4,)]

    with TestClient(create_app(settings)) as client:
        headers = login(client, "admin", first.password)
        assert client.get("/api/v1/users/me", headers=headers).json()["role"] == "admin"
        assert len(client.get("/api/v1/books").json()["items"]) == 4


def test_a_changed_password_is_reported_and_can_be_reset(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    seeded = run_seed(settings)
    with TestClient(create_app(settings)) as client:
        headers = login(client, "admin", seeded.password)
        body = {"password": "changed by hand", "current_password": seeded.password}
        assert client.patch("/api/v1/users/me", json=body, headers=headers).status_code == 200
    assert not run_seed(settings).password_works
    assert run_seed(settings, reset_password=True).password_works


def test_the_script_prints_the_credentials(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'script.db'}",
        "DATA_DIR": str(tmp_path),
        "DEMO_ADMIN_PASSWORD": "printed-password",
    }
    result = subprocess.run(
        [sys.executable, "seed.py"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "username: admin" in result.stdout
    assert "password: printed-password" in result.stdout
