"""A throwaway PostgreSQL server for the PostgreSQL tests, started from the installed binaries.

`initdb` in a temporary folder, `pg_ctl start` listening on a Unix socket in that folder only
(no TCP port, so nothing can clash with another server or another test run), one role and one
database for the app, and `pg_ctl stop` + removal at the end. PostgreSQL refuses to run as
root, so under root the server runs as the `postgres` user that Debian's package creates.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # ships neither stubs nor py.typed

# Where Debian and Ubuntu put each major version's server binaries (not on PATH).
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVER_USER = "postgres"
ROLE = DATABASE = "bookstore"
# Any number works: the socket file is named after it, inside a folder of our own.
PORT = 5432
# Durability is pointless for a cluster that is deleted afterwards, and fsyncs are slow.
SERVER_OPTIONS = (
    "-c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
)


class ClusterUnavailable(Exception):
    """No server could be started here; the message says why (it becomes the skip reason)."""


def find_binaries() -> Path | None:
    """Return the folder holding `initdb` and `pg_ctl` (the newest version), if any."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent

    def major(folder: Path) -> int:
        version = re.match(r"\d+", folder.parent.name)
        return int(version[0]) if version else 0

    folders = [Path(p) for p in glob.glob(DEBIAN_BIN_GLOB)]
    folders = [f for f in folders if (f / "initdb").exists() and (f / "pg_ctl").exists()]
    return max(folders, key=major) if folders else None


def _as_server_user(command: list[str]) -> list[str]:
    """Prefix `command` so that it runs as a user PostgreSQL accepts to run as."""
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", SERVER_USER, "--", *command]
    return ["su", SERVER_USER, "-s", "/bin/sh", "-c", shlex.join(command)]


@dataclass
class Cluster:
    """A running throwaway server; `url` names the app's database on it."""

    folder: Path
    binaries: Path
    url: str

    @property
    def data(self) -> Path:
        """The data directory."""
        return self.folder / "data"

    def stop(self) -> None:
        """Stop the server at once (its data is thrown away) and delete the folder."""
        _discard(self.binaries, self.folder)


def _discard(binaries: Path, folder: Path) -> None:
    # "immediate": no checkpoint, the data is deleted next anyway. A server that never
    # started makes pg_ctl fail, which is fine here.
    with contextlib.suppress(ClusterUnavailable, OSError, subprocess.TimeoutExpired):
        _run(binaries, ["pg_ctl", "-D", str(folder / "data"), "-m", "immediate", "stop"])
    shutil.rmtree(folder, ignore_errors=True)


def _run(binaries: Path, command: list[str], folder: Path | None = None) -> None:
    program = str(binaries / command[0])
    result = subprocess.run(
        _as_server_user([program, *command[1:]]),
        # The server user may not be allowed into the current directory.
        cwd=folder or tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-2000:]
        raise ClusterUnavailable(f"`{shlex.join(command)}` failed: {output}")


def _make_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="bookstore-pg-"))
    if os.geteuid() == 0:
        try:
            server_user = pwd.getpwnam(SERVER_USER)
        except KeyError:
            shutil.rmtree(folder)
            raise ClusterUnavailable(
                f"running as root and there is no {SERVER_USER!r} user to run PostgreSQL as"
            ) from None
        os.chown(folder, server_user.pw_uid, server_user.pw_gid)
    return folder


async def _create_database(folder: Path) -> None:
    # trust authentication on a socket only we can reach: no password needed to set up.
    connection = await asyncpg.connect(
        host=str(folder), port=PORT, user="postgres", database="postgres"
    )
    try:
        # Not a superuser, like a production app's role: the migrations must work without it.
        await connection.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{ROLE}'")
        await connection.execute(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
    finally:
        await connection.close()


def start_cluster() -> Cluster:
    """Create and start a throwaway server with an empty database for the app.

    Raises:
        ClusterUnavailable: PostgreSQL is not installed, or the server would not start.
    """
    binaries = find_binaries()
    if binaries is None:
        raise ClusterUnavailable(
            "PostgreSQL is not installed (no initdb/pg_ctl on PATH or in "
            f"{DEBIAN_BIN_GLOB}; Debian: apt-get install postgresql), and "
            "BOOKSTORE_TEST_POSTGRES_URL is not set"
        )
    folder = _make_folder()
    data, log = folder / "data", folder / "server.log"
    try:
        initdb = ["initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        _run(binaries, [*initdb, "--no-locale", "--no-sync"], folder)
        options = f"-k {folder} -p {PORT} {SERVER_OPTIONS}"
        start = ["pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options]
        _run(binaries, [*start, "start"], folder)
    except (ClusterUnavailable, OSError, subprocess.TimeoutExpired) as exc:
        server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        _discard(binaries, folder)
        raise ClusterUnavailable(f"PostgreSQL would not start: {exc} {server_log}") from exc
    cluster = Cluster(
        folder,
        binaries,
        # asyncpg takes a socket folder as `host`; the port names the socket file in it.
        f"postgresql+asyncpg://{ROLE}:{ROLE}@/{DATABASE}?host={folder}&port={PORT}",
    )
    try:
        asyncio.run(_create_database(folder))
    except BaseException:
        cluster.stop()
        raise
    return cluster
