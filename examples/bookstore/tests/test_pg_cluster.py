"""The throwaway PostgreSQL server's plumbing: who runs it, and why it cannot start."""

from __future__ import annotations

import pytest

from . import pg_cluster


def test_without_binaries_the_skip_reason_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pg_cluster, "find_binaries", lambda: None)
    with pytest.raises(pg_cluster.ClusterUnavailable) as raised:
        pg_cluster.start_cluster()
    reason = str(raised.value)
    assert "PostgreSQL is not installed" in reason
    assert "apt-get install postgresql" in reason
    assert "BOOKSTORE_TEST_POSTGRES_URL" in reason


def test_as_root_the_server_runs_as_the_postgres_user(monkeypatch: pytest.MonkeyPatch) -> None:
    command = ["/usr/lib/postgresql/15/bin/initdb", "-D", "/tmp/x y"]
    monkeypatch.setattr(pg_cluster.os, "geteuid", lambda: 1000)
    assert pg_cluster._as_server_user(command) == command

    monkeypatch.setattr(pg_cluster.os, "geteuid", lambda: 0)
    monkeypatch.setattr(pg_cluster.shutil, "which", lambda name: f"/usr/sbin/{name}")
    assert pg_cluster._as_server_user(command) == ["runuser", "-u", "postgres", "--", *command]
    # Without runuser, su runs the same command line, quoted for its shell.
    monkeypatch.setattr(pg_cluster.shutil, "which", lambda name: None)
    assert pg_cluster._as_server_user(command) == [
        "su",
        "postgres",
        "-s",
        "/bin/sh",
        "-c",
        "/usr/lib/postgresql/15/bin/initdb -D '/tmp/x y'",
    ]
